package check_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/model"
)

// TestOptionsJSON: Options.JSON writes the document checkcli verify
// --json prints (schema check.VerifySchema), which decodes into
// check.VerifyReport with no field left over.
func TestOptionsJSON(t *testing.T) {
	target, err := check.Builtin(model.Semaphore)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "r.json")
	r, err := check.Run(target, check.Options{Seed: 4, Runs: 200, JSON: file})
	if err != nil || r.Failed {
		t.Fatalf("%v %+v", err, r)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var doc check.VerifyReport
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != check.VerifySchema || doc.Primitive != model.Semaphore || doc.Executions != r.Executions || doc.Seed != 4 {
		t.Fatalf("document %+v", doc)
	}
}
