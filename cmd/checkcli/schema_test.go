package main

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check"
)

// TestJSONSchemaDocumented: checkcli's JSON documents decode into their
// importable types with unknown fields refused, name their schema, count
// the scenarios apart (passed, failed, skipped), and SCHEMA.md lists every
// field of the types, and no other.
func TestJSONSchemaDocumented(t *testing.T) {
	decode := func(out string, doc any) {
		t.Helper()
		dec := json.NewDecoder(strings.NewReader(out))
		dec.DisallowUnknownFields()
		if err := dec.Decode(doc); err != nil {
			t.Fatalf("decoding into %T: %v\n%s", doc, err, out)
		}
	}
	// A pass with the scenarios replayed; a mutant's counterexample, the
	// scenarios skipped.
	code, out, _ := runCLI(t, "verify", "lock", "--runs", "100", "--seed", "3", "--json")
	var pass check.VerifyReport
	decode(out, &pass)
	if code != 0 || pass.Schema != check.VerifySchema || pass.Primitive != "lock" || pass.Failed ||
		pass.SpecsPassed == 0 || pass.SpecsFailed != 0 || pass.SpecsSkipped != 0 || pass.Executions != 100 {
		t.Errorf("verify lock: exit %d, %+v", code, pass)
	}
	code, out, _ = runCLI(t, "verify", "lock", "--impl", "lock-barging", "--seed", "1", "--json")
	var fail check.VerifyReport
	decode(out, &fail)
	if code != 1 || fail.Schema != check.VerifySchema || !fail.Failed || fail.Rule != "G4" ||
		fail.SpecsPassed != 0 || fail.SpecsSkipped != pass.SpecsPassed || !strings.Contains(fail.SpecsSkippedBecause, "--impl") {
		t.Errorf("verify lock --impl lock-barging: exit %d, %+v", code, fail)
	}
	code, out, _ = runCLI(t, "mutants", "--json", "--shrinktime", "0", "lock-barging")
	var muts check.MutantsReport
	decode(out, &muts)
	if code != 0 || muts.Schema != check.MutantsSchema || muts.Killed != 1 || len(muts.Mutants) != 1 || muts.Mutants[0].Rule != "G4" {
		t.Errorf("mutants lock-barging: exit %d, %+v", code, muts)
	}

	doc, err := os.ReadFile("SCHEMA.md")
	if err != nil {
		t.Fatal(err)
	}
	for schema, typ := range map[string]reflect.Type{
		check.VerifySchema:  reflect.TypeFor[check.VerifyReport](),
		check.MutantsSchema: reflect.TypeFor[check.MutantsReport](),
	} {
		_, section, ok := strings.Cut(string(doc), "## `"+schema+"`")
		if !ok {
			t.Errorf("SCHEMA.md has no section \"## `%s`\"", schema)
			continue
		}
		section, _, _ = strings.Cut(section, "\n## ")
		var documented []string
		for _, m := range regexp.MustCompile("(?m)^\\| `([^`]+)` \\|").FindAllStringSubmatch(section, -1) {
			documented = append(documented, m[1])
		}
		fields := jsonFields(typ, "")
		slices.Sort(documented)
		slices.Sort(fields)
		for _, f := range fields {
			if _, found := slices.BinarySearch(documented, f); !found {
				t.Errorf("%s: field %s is not in SCHEMA.md", schema, f)
			}
		}
		for _, f := range documented {
			if _, found := slices.BinarySearch(fields, f); !found {
				t.Errorf("%s: SCHEMA.md lists %s, which %v does not have", schema, f, typ)
			}
		}
	}
}

// jsonFields lists the JSON names of t's fields, an embedded struct's
// promoted, a nested one's as "outer.inner", an array's elements' as
// "outer[].inner".
func jsonFields(t reflect.Type, prefix string) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type, prefix)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, prefix+name)
		ft := f.Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case ft.Kind() == reflect.Struct && ft.PkgPath() != "time":
			out = append(out, jsonFields(ft, prefix+name+".")...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			out = append(out, jsonFields(ft.Elem(), prefix+name+"[].")...)
		}
	}
	return out
}
