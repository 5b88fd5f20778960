package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check"
)

// shardFiles runs the shards of a verify search in-process, each with
// --json into a file, and returns the files.
func shardFiles(t *testing.T, n int, args ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var files []string
	for k := 1; k <= n; k++ {
		_, out, errOut := runCLI(t, append(append([]string{"verify"}, args...), "--shard", fmt.Sprintf("%d/%d", k, n), "--json")...)
		if !strings.HasPrefix(out, "{") {
			t.Fatalf("shard %d/%d: %s", k, n, errOut)
		}
		files = append(files, writeFileIn(t, dir, fmt.Sprintf("shard-%d.json", k), out))
	}
	return files
}

func writeFileIn(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := writeFileErr(p, src); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestMergeFailing: the merge of a failing search's shards reports the
// counterexample the whole search finds (the lowest program number among
// the shards'), with its shard's replay command, and exits 1.
func TestMergeFailing(t *testing.T) {
	args := []string{"lock", "--impl", "lock-barging", "--seed", "5", "--runs", "3000", "--time", "0", "--no-specs"}
	files := shardFiles(t, 3, args...)
	code, out, _ := runCLI(t, append([]string{"merge", "--json"}, files...)...)
	var m check.VerifyReport
	if err := json.Unmarshal([]byte(out), &m); err != nil || code != 1 {
		t.Fatalf("merge: exit %d, %v\n%s", code, err, out)
	}
	_, wout, _ := runCLI(t, append(append([]string{"verify"}, args...), "--json")...)
	var whole check.VerifyReport
	if err := json.Unmarshal([]byte(wout), &whole); err != nil {
		t.Fatal(err)
	}
	if !whole.Failed || m.FoundProgram != whole.FoundProgram || m.Counterexample != whole.Counterexample || m.Report != whole.Report {
		t.Fatalf("merged counterexample (program %d) differs from the whole search's (program %d)", m.FoundProgram, whole.FoundProgram)
	}
	if !strings.Contains(m.Replay, "--shard "+m.Shard) {
		t.Fatalf("the replay command %q does not name the shard %s", m.Replay, m.Shard)
	}
	code, text, _ := runCLI(t, append([]string{"merge"}, files...)...)
	if code != 1 || !strings.Contains(text, "COUNTEREXAMPLE in shard "+m.Shard) || !strings.Contains(text, m.Replay) {
		t.Fatalf("merge: exit %d\n%s", code, text)
	}
}

// TestMergeRefuses: merge says which shard is missing or given twice, and
// refuses results of different searches or of no shard.
func TestMergeRefuses(t *testing.T) {
	base := []string{"semaphore", "--seed", "3", "--runs", "300", "--time", "0", "--no-specs"}
	files := shardFiles(t, 3, base...)
	other := shardFiles(t, 3, append(base[:len(base):len(base)], "--tasks", "3")...)
	_, whole, _ := runCLI(t, append(append([]string{"verify"}, base...), "--json")...)
	plain := writeFileIn(t, t.TempDir(), "whole.json", whole)
	notJSON := writeFileIn(t, t.TempDir(), "x.json", "verify semaphore: no counterexample\n")
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{files[:2], "shards missing: 3/3"},
		{[]string{files[0], files[1], files[2], files[1]}, "shard 2/3 given twice"},
		{[]string{files[0], files[1], other[2]}, "is another search than"},
		{[]string{plain}, "not a shard's result"},
		{[]string{notJSON}, "not a checkcli verify --json result"},
		{nil, "want the shards' result files"},
	} {
		code, _, errOut := runCLI(t, append([]string{"merge"}, tc.files...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("merge %v: exit %d, %q; want exit 2 saying %q", tc.files, code, errOut, tc.want)
		}
	}
	if code, out, errOut := runCLI(t, append([]string{"merge"}, files...)...); code != 0 || !strings.Contains(out, "no counterexample") {
		t.Fatalf("merge: exit %d\n%s%s", code, out, errOut)
	}

	// Documents edited by hand, or of shards that did not search.
	edit := func(file string, f func(*check.VerifyReport)) string {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var v check.VerifyReport
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		f(&v)
		out, _ := json.Marshal(v)
		return writeFileIn(t, t.TempDir(), filepath.Base(file), string(out))
	}
	outOfRange := edit(files[2], func(v *check.VerifyReport) {
		v.Shard, v.Replay = "4/3", strings.Replace(v.Replay, "--shard 3/3", "--shard 4/3", 1)
	})
	mislabelled := edit(files[1], func(v *check.VerifyReport) { v.Shard = "1/3" })
	for _, tc := range []struct {
		files []string
		want  string
	}{
		{[]string{files[0], files[1], outOfRange}, `shard "4/3"`},
		{[]string{files[0], mislabelled, files[2]}, `shard "1/3", its command says --shard 2/3`},
	} {
		code, _, errOut := runCLI(t, append([]string{"merge"}, tc.files...)...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("merge: exit %d, %q; want exit 2 saying %q", code, errOut, tc.want)
		}
	}
	noVerdict := edit(files[1], func(v *check.VerifyReport) { v.NoVerdict = "too few executions" })
	if code, out, _ := runCLI(t, "merge", files[0], noVerdict, files[2]); code != 1 || !strings.Contains(out, "NO VERDICT: shard 2/3: too few executions") {
		t.Errorf("a shard without a verdict: exit %d\n%s", code, out)
	}
	specFailed := edit(files[1], func(v *check.VerifyReport) {
		v.SpecsFailed, v.Failed, v.Shard, v.Message, v.Replay = 1, true, "", "specs/x.scn:3: boom", "go run ./cmd/checkcli spec -v specs/x.scn"
	})
	if code, out, _ := runCLI(t, "merge", files[0], specFailed, files[2]); code != 1 || !strings.Contains(out, "a scenario of specs/ failed") || !strings.Contains(out, "specs/x.scn:3: boom") {
		t.Errorf("a shard whose scenario failed: exit %d\n%s", code, out)
	}
}

func writeFileErr(p, src string) error { return os.WriteFile(p, []byte(src), 0o644) }
