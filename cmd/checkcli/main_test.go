package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func writeFile(t *testing.T, name, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"spec", "--help"}, {"model", "-h"}, {"verify", "--help"}, {"help", "verify"}} {
		code, out, _ := runCLI(t, args...)
		if code != 0 || !strings.Contains(out, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, code, out)
		}
	}
	if code, _, _ := runCLI(t); code != 2 {
		t.Errorf("no arguments: exit %d, want 2", code)
	}
}

func TestBadInput(t *testing.T) {
	bad := writeFile(t, "bad.scn", "primitive lock\ntask A: acquire\nA aquire -> ok\n")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"spec", "--bogus", "x"}, "flag provided but not defined: -bogus"},
		{[]string{"spec"}, "no scenario files given"},
		{[]string{"spec", "does/not/exist.scn"}, "no such file"},
		{[]string{"spec", bad}, "bad.scn:3: "},
		{[]string{"model", "--dialect", "asyncio-2.7", bad}, "bad.scn:3: "},
		{[]string{"verify", "mutex"}, `unknown primitive "mutex"`},
		{[]string{"verify"}, "want one primitive"},
	} {
		code, _, errOut := runCLI(t, tc.args...)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 mentioning %q", tc.args, code, errOut, tc.want)
		}
	}
}

func TestSpecFailureExitsOne(t *testing.T) {
	wrong := writeFile(t, "wrong.scn", "primitive lock\ntask A: acquire, release\ntask B: acquire\nA acquire -> ok\nB acquire -> ok\n")
	code, out, _ := runCLI(t, "spec", wrong)
	if code != 1 || !strings.Contains(out, "wrong.scn:5: B acquire: impl blocks, the scenario expects ok") || !strings.Contains(out, "0 passed, 1 failed") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestSpecDirPasses(t *testing.T) {
	code, out, _ := runCLI(t, "spec", "../../specs")
	if code != 0 || !strings.Contains(out, " 0 failed") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestModelShowsDialects(t *testing.T) {
	const c1 = "../../specs/condition/c1_notify_then_cancel.scn"
	code, out, _ := runCLI(t, "model", c1)
	if code != 0 || !strings.Contains(out, "dialect go") {
		t.Fatalf("go: exit %d, output:\n%s", code, out)
	}
	// CPython 3.11 loses the notification (gh-112202): W2 never wakes; that
	// is the answer to the question, not a failure.
	code, out, _ = runCLI(t, "model", "--dialect", "asyncio-3.11", c1)
	if code != 0 || !strings.Contains(out, "under asyncio-3.11 the schedule goes no further") || !strings.Contains(out, "W2 is parked and nothing woke or cancelled it") || strings.Contains(out, "FAIL") {
		t.Fatalf("3.11: exit %d, output:\n%s", code, out)
	}
	// 3.13 forwards it, as Go does.
	if code, out, _ = runCLI(t, "model", "--dialect", "asyncio-3.13", c1); code != 0 {
		t.Fatalf("3.13: exit %d, output:\n%s", code, out)
	}
}

func TestVerify(t *testing.T) {
	code, out, _ := runCLI(t, "verify", "condition", "--runs", "300", "--seed", "7")
	if code != 0 || !strings.Contains(out, "verify condition (impl): no counterexample") || !strings.Contains(out, "300 judged executions") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// TestVerifyFindsMutant: a counterexample exits 1 with the report and the
// commands that replay it; the saved scenario replays as still failing,
// which for a mutant is as recorded (exit 0).
func TestVerifyFindsMutant(t *testing.T) {
	dir := t.TempDir()
	code, out, _ := runCLI(t, "verify", "lock", "--impl", "lock-cancel-granted-strands", "--seed", "1", "--runs", "20000", "--shrinktime", "2s", "--save", dir)
	for _, want := range []string{"COUNTEREXAMPLE", "property violated: ", "replay: go run ./cmd/checkcli replay ", "saved: "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if code != 1 {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "replay", dir)
	if code != 0 || !strings.Contains(out, "1 fail, 0 pass; 0 not as recorded") {
		t.Fatalf("replay: exit %d, output:\n%s", code, out)
	}
}

// TestReplayCorpus: the corpus behaves as recorded (every mutant's
// counterexample still fails): exit 0, the question a CI job asks.
func TestReplayCorpus(t *testing.T) {
	code, out, _ := runCLI(t, "replay", "../../testdata/corpus")
	if code != 0 || !strings.Contains(out, "0 not as recorded") {
		t.Fatalf("replay: exit %d, output:\n%s", code, out)
	}
	// Each line names the rule its counterexample breaks, where one can be.
	if !strings.Contains(out, "barrier-reset-strands, as recorded): quiescence, breaks G19\n") {
		t.Fatalf("replay does not name the rule barrier-reset-strands breaks:\n%s", out)
	}
}

// TestBadFiles: what is not a regular scenario file is bad input (exit 2)
// with the reason, read no further: a device, a pipe, a file over the
// size limit, a scenario over the task limit.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.scn")
	if err := os.WriteFile(big, bytes.Repeat([]byte("#\n"), 600_000), 0o644); err != nil {
		t.Fatal(err)
	}
	var many strings.Builder
	many.WriteString("primitive lock\n")
	for i := range 101 {
		fmt.Fprintf(&many, "task T%d: acquire\n", i)
	}
	many.WriteString("T0 acquire\n")
	tasks := filepath.Join(dir, "many.scn")
	if err := os.WriteFile(tasks, []byte(many.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"/dev/zero": "not a regular file",
		big:         "more than the 1048576",
		tasks:       "more than 100 tasks",
	}
	fifo := filepath.Join(dir, "f.scn")
	if err := syscall.Mkfifo(fifo, 0o644); err == nil {
		cases[fifo] = "not a regular file"
	}
	for path, want := range cases {
		for _, cmd := range []string{"spec", "model", "replay"} {
			code, _, errOut := runCLI(t, cmd, path)
			if code != 2 || !strings.Contains(errOut, want) {
				t.Errorf("checkcli %s %s: exit %d, %q (want 2 and %q)", cmd, path, code, errOut, want)
			}
		}
	}
}

// TestMutantsBadFlags: a bad flag is reported before anything is printed.
func TestMutantsBadFlags(t *testing.T) {
	for _, args := range [][]string{{"--runs", "-1"}, {"--strategy", "foo"}, {"--depth", "0"}, {"--tasks", "10000"}} {
		code, out, errOut := runCLI(t, append([]string{"mutants"}, args...)...)
		if code != 2 || out != "" || errOut == "" {
			t.Errorf("mutants %v: exit %d, stdout %q, stderr %q", args, code, out, errOut)
		}
	}
}

func TestVerifyJSON(t *testing.T) {
	code, out, _ := runCLI(t, "verify", "semaphore", "--runs", "100", "--seed", "3", "--json", "--no-specs")
	if code != 0 || !strings.Contains(out, `"failed": false`) || !strings.Contains(out, `"executions": 100`) {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

func TestMutantsList(t *testing.T) {
	code, out, _ := runCLI(t, "mutants", "--list")
	if code != 0 || !strings.Contains(out, "cond-cancel-loses-notify") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "mutants", "no-such-mutant"); code != 2 || !strings.Contains(errOut, "unknown mutant") {
		t.Fatalf("unknown mutant: exit %d, %s", code, errOut)
	}
}

// TestNoVerdict: a search that judged almost nothing is not a pass.
func TestNoVerdict(t *testing.T) {
	code, out, _ := runCLI(t, "verify", "lock", "--time", "1ns", "--no-specs")
	if code != 1 || !strings.Contains(out, "NO VERDICT") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// TestHugeArgument: an error quoting a huge argument stays one short line.
func TestHugeArgument(t *testing.T) {
	code, _, errOut := runCLI(t, "verify", "lock", "--strategy", strings.Repeat("x", 1<<20))
	if code != 2 || len(errOut) > 1000 {
		t.Fatalf("exit %d, %d bytes of stderr", code, len(errOut))
	}
}

// TestMutantsReproducible: without --seed the table is seed 1's, the same
// every time.
func TestMutantsReproducible(t *testing.T) {
	var outs [2]string
	for i := range outs {
		code, out, _ := runCLI(t, "mutants", "--json", "--shrinktime", "0", "lock-tryacquire-in-window", "sem-front-cancel-strands")
		if code != 0 {
			t.Fatalf("exit %d:\n%s", code, out)
		}
		outs[i] = regexp.MustCompile(`"seconds_to_failure": [0-9.e-]+`).ReplaceAllString(out, "")
	}
	if outs[0] != outs[1] {
		t.Fatalf("two runs differ:\n%s\n%s", outs[0], outs[1])
	}
}

// TestMalformedSchedule: a step past the end of its task's calls, or to a
// point its call never reaches, is bad input (exit 2), not a failure.
func TestMalformedSchedule(t *testing.T) {
	dir := t.TempDir()
	for name, src := range map[string]string{
		"past.scn":  "primitive lock\ntask A: acquire\nA acquire -> ok\nA acquire\n",
		"point.scn": "primitive lock\ntask A: acquire\nA acquire @ nosuchpoint\n",
	} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if code, out, errOut := runCLI(t, "spec", path); code != 2 || !strings.Contains(errOut, "malformed") {
			t.Errorf("%s: exit %d\n%s%s", name, code, out, errOut)
		}
	}
}

// TestHostileInputs runs the hostile cases one after another, as a CI job
// would meet them: each exits with its documented status, and bad input
// never prints a stack trace.
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	nul := filepath.Join(dir, "nul.scn")
	if err := os.WriteFile(nul, []byte("primitive lock\ntask A: acq\x00uire\nA acquire\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	token := filepath.Join(dir, "token.scn")
	if err := os.WriteFile(token, []byte("primitive lock\ntask A: "+strings.Repeat("a", 900_000)+"\nA acquire\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		args []string
		code int
	}{
		{[]string{"spec", "/dev/zero"}, 2},
		{[]string{"model", "/dev/zero"}, 2},
		{[]string{"replay", "/dev/zero"}, 2},
		{[]string{"spec", nul}, 2},
		{[]string{"spec", token}, 2},
		{[]string{"verify", "lock", "--tasks", "10000"}, 2},
		{[]string{"verify", "lock", "--depth", "0"}, 2},
		{[]string{"verify", "lock", "--depth", "-1"}, 2},
		{[]string{"verify", "lock", "--depth", "1000000"}, 2},
		{[]string{"verify", "lock", "--preemptions", "-1"}, 2},
		{[]string{"verify", "lock", "--runs", "-5"}, 2},
		{[]string{"verify", "nosuch"}, 2},
		{[]string{"verify", "lock", "--time", "1ns", "--no-specs"}, 1},
		{[]string{"mutants", "--strategy", "foo"}, 2},
		{[]string{"replay", "../../testdata/corpus"}, 0},
	}
	for _, c := range cases {
		code, out, errOut := runCLI(t, c.args...)
		if code != c.code {
			t.Errorf("checkcli %.80q: exit %d, want %d\n%.500s%.500s", c.args, code, c.code, out, errOut)
		}
		if c.code == 2 && (strings.Contains(errOut, "goroutine ") || strings.Contains(out, "goroutine ") || len(errOut) > 2000) {
			t.Errorf("checkcli %.80q: bad input printed a stack or a long message:\n%.500s", c.args, errOut)
		}
	}
}

// TestRerunCarriesBudgets: the rerun line has every budget that matters,
// and a search cut by --time says so.
func TestRerunCarriesBudgets(t *testing.T) {
	code, out, _ := runCLI(t, "verify", "lock", "--runs", "100000000", "--time", "300ms", "--no-specs", "--seed", "5")
	if code != 0 || !strings.Contains(out, "--seed 5 --runs 100000000 --time 300ms") || !strings.Contains(out, "stopped by --time 300ms after") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "verify", "lock", "--runs", "200", "--time", "0", "--no-specs", "--seed", "5")
	if code != 0 || !strings.Contains(out, "--runs 200 --time 0s") || strings.Contains(out, "stopped by") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestVerifyStressMode(t *testing.T) {
	code, out, errOut := runCLI(t, "verify", "lock", "--mode", "stress", "--runs", "300", "--seed", "1", "--no-specs")
	if code != 0 || !strings.Contains(out, "300 judged stress runs") || !strings.Contains(out, "--mode stress") {
		t.Errorf("built-in lock in stress mode: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "verify", "semaphore", "--impl", "sem-release-double-permit", "--mode", "stress", "--seed", "1", "--shrinktime", "1s")
	if code != 1 || !strings.Contains(out, "COUNTEREXAMPLE") || !strings.Contains(out, "reproduces in") || !strings.Contains(out, "not the same scheduling") {
		t.Errorf("a mutant in stress mode: exit %d\n%s%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"verify", "lock", "--mode", "wild"},
		{"verify", "lock", "--mode", "stress", "--html", "x.html"},
	} {
		if code, _, _ := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}

// TestSpecStress: spec --mode stress runs each go-dialect scenario's
// program on real goroutines and skips the others; a bad mode is bad input.
func TestSpecStress(t *testing.T) {
	code, out, _ := runCLI(t, "spec", "--mode", "stress", "--runs", "100", "--seed", "1", "../../specs/event")
	if code != 0 || !strings.Contains(out, "stress runs; impl)") || !strings.Contains(out, "skipped (not the go dialect)") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "spec", "--mode", "sideways", "../../specs/event"); code != 2 || !strings.Contains(errOut, "unknown mode") {
		t.Errorf("a bad mode: exit %d, %s", code, errOut)
	}
}

// TestVersion: checkcli version names itself and the Go version.
func TestVersion(t *testing.T) {
	code, out, _ := runCLI(t, "version")
	if code != 0 || !strings.HasPrefix(out, "checkcli ") || !strings.Contains(out, "go1.") {
		t.Errorf("exit %d: %q", code, out)
	}
	if code, _, _ := runCLI(t, "version", "extra"); code != 2 {
		t.Errorf("an argument: exit %d, want 2", code)
	}
}
