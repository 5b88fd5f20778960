package check_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFromOutside builds a separate module, as a user would (a replace
// directive pointing at this one), whose test imports only check,
// impl/sched and model (testdata/outside): it verifies the user's lock,
// which has no TryAcquire nor Locked and its own error value; fuzzes it
// through rapid.MakeFuzz(check.Property(...)); saves a counterexample of a
// buggy variant and replays it with check.Replay; and runs two Verify calls
// in parallel subtests, which overlap in time, next to a rapid.Check that
// keeps its own -rapid.checks. Skipped with -short (it compiles a module).
func TestFromOutside(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a separate module")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"go.mod": []byte("module example.com/userlock\n\ngo 1.26\n\nrequire (\n\tgithub.com/syncheck/syncheck v0.0.0\n\tpgregory.net/rapid v1.3.0\n)\n\nreplace github.com/syncheck/syncheck => " + repo + "\n"),
		"go.sum": sum,
	}
	for _, name := range []string{"userlock.go", "userlock_test.go"} {
		b, err := os.ReadFile(filepath.Join("testdata/outside", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		files[name] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(goTool, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	out := run("test", "-count=1", "-v", ".", "-rapid.checks=300")
	for _, want := range []string{"--- PASS: TestOps", "--- PASS: TestVerify", "--- PASS: FuzzUserLock", "--- PASS: TestSaveAndReplay", "--- PASS: TestParallel", "rapid ran 300 cases"} {
		if !strings.Contains(out, want) {
			t.Errorf("the outside module's test output lacks %q:\n%s", want, out)
		}
	}
	t.Logf("%s", out)
	out = run("test", "-run", "^$", "-fuzz", "^FuzzUserLock$", "-fuzztime", "20x", ".")
	if !strings.Contains(out, "PASS") {
		t.Errorf("fuzzing the outside module's lock:\n%s", out)
	}
}
