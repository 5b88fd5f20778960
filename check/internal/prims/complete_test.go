package prims_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/specs"
)

// checkDir is package check, from here.
const checkDir = "../.."

// TestComplete: every primitive with a model (model's registry) has every
// piece the checker needs, and a missing piece is named: its check-side
// descriptor (registered in prims/registry.go) with a built-in
// implementation, fragments calling each of its ops, a generator for each
// parameter; the mutants' base; scenarios under specs/; a public
// constructor in check/<primitive>.go; a fuzz target in package check.
// README.md ("Adding a primitive") lists the files in order.
func TestComplete(t *testing.T) {
	ctors := constructors(t)
	fuzz := fuzzTargets(t)
	for _, p := range model.Primitives {
		t.Run(string(p), func(t *testing.T) {
			for _, missing := range missingPieces(p, ctors, fuzz) {
				t.Errorf("%s: %s", p, missing)
			}
		})
	}
}

// missingPieces lists what primitive p lacks, one sentence each.
func missingPieces(p model.Primitive, ctors map[model.Primitive]string, fuzz []string) []string {
	var out []string
	md := model.Describe(p)
	d := prims.Lookup(p)
	if d == nil {
		return []string{"no check-side descriptor: add check/internal/prims/" + string(p) + ".go and a line in check/internal/prims/registry.go"}
	}
	if d.Builtin == nil {
		out = append(out, "the check-side descriptor has no Builtin (package impl's implementation)")
	} else if tg := d.Builtin(); tg.Primitive != p || tg.New == nil {
		out = append(out, "the check-side descriptor's Builtin makes a target of "+string(tg.Primitive))
	}
	if len(d.Fragments) == 0 {
		out = append(out, "the check-side descriptor has no Fragments (the patterns of calls programs are made of)")
	}
	called := map[model.Kind]bool{}
	for _, f := range d.Fragments {
		for _, op := range f.Ops {
			if _, ok := md.Op(op.Kind); !ok {
				out = append(out, "a fragment calls "+string(op.Kind)+", not an op of "+string(p))
			}
			called[op.Kind] = true
		}
	}
	for _, o := range md.Ops {
		if len(d.Fragments) > 0 && !called[o.Kind] {
			out = append(out, "no fragment calls "+string(o.Kind)+": it would never be generated")
		}
	}
	for _, x := range md.Params {
		if !slices.ContainsFunc(d.Params, func(g prims.ParamGen) bool { return g.Key == x.Key }) {
			out = append(out, "the check-side descriptor has no ParamGen for parameter "+x.Key)
		}
	}
	for _, g := range d.Params {
		if !slices.ContainsFunc(md.Params, func(x model.Param) bool { return x.Key == g.Key }) {
			out = append(out, "ParamGen "+g.Key+" is not a parameter of the model")
		}
	}
	if _, ok := mutants.Base(p); !ok {
		out = append(out, "no mutants' base: register one from check/internal/mutants/base_"+string(p)+".go")
	}
	if scs, err := specs.About(p); err != nil || len(scs) == 0 {
		out = append(out, "no scenarios about it under specs/")
	}
	name, ok := ctors[p]
	if !ok {
		out = append(out, "no public constructor: check/"+string(p)+".go declares none (an exported generic func, like check.Lock)")
	} else if !slices.Contains(fuzz, "Fuzz"+name) {
		out = append(out, "no fuzz target Fuzz"+name+" in package check's tests")
	}
	return out
}

// constructors finds, for each primitive, the exported generic function
// that check/<primitive>.go declares.
func constructors(t *testing.T) map[model.Primitive]string {
	out := map[model.Primitive]string{}
	for _, p := range model.Primitives {
		path := filepath.Join(checkDir, string(p)+".go")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && fd.Name.IsExported() && fd.Type.TypeParams != nil {
				out[p] = fd.Name.Name
			}
		}
	}
	return out
}

// fuzzTargets lists the Fuzz functions of package check's tests.
func fuzzTargets(t *testing.T) []string {
	files, err := filepath.Glob(filepath.Join(checkDir, "*_test.go"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, path := range files {
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			if fd, ok := d.(*ast.FuncDecl); ok && strings.HasPrefix(fd.Name.Name, "Fuzz") {
				out = append(out, fd.Name.Name)
			}
		}
	}
	return out
}
