package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check"
)

// TestProgressText: the line says the phase, the rate, and the ETA from
// whichever budget runs out first; shrinking says how long it may go on.
func TestProgressText(t *testing.T) {
	p := &progressLine{runs: 1000, shrinkTime: 10 * time.Second}
	pr := check.Progress{Phase: "searching", Programs: 200, Executions: 250, Elapsed: 5 * time.Second}
	if got, want := p.describe(pr, 0), "searching: 200 programs, 250 executions in 5s (50/s), ETA 15s (25% of --runs)"; got != want {
		t.Errorf("--runs 1000:\n got %q\nwant %q", got, want)
	}
	// A shard of 4: check.Run reports its share of --runs.
	shard := &progressLine{runs: 1000, of: "the shard's share of --runs"}
	pr4 := pr
	pr4.Runs = 500
	if got, want := shard.describe(pr4, 0), "ETA 5s (50% of the shard's share of --runs)"; !strings.HasSuffix(got, want) {
		t.Errorf("--shard, a share of 500: %q, want it to end with %q", got, want)
	}
	p.budget = 10 * time.Second // --time 10s ends it first
	if got, want := p.describe(pr, 0), "ETA 5s (25% of --runs)"; !strings.HasSuffix(got, want) {
		t.Errorf("--runs 1000 --time 10s: %q, want it to end with %q", got, want)
	}
	p.runs = 0
	if got, want := p.describe(pr, 0), "(50/s), ETA 5s"; !strings.HasSuffix(got, want) {
		t.Errorf("--time 10s: %q, want it to end with %q", got, want)
	}
	sh := check.Progress{Phase: "shrinking", Programs: 30, Executions: 40, ShrinkExecutions: 600, Elapsed: 5 * time.Second}
	if got, want := p.describe(sh, 2*time.Second), "shrinking the counterexample found after 40 executions: 600 executions in 3s (200/s), of at most 100000 (or 7s more, --shrinktime)"; got != want {
		t.Errorf("shrinking:\n got %q\nwant %q", got, want)
	}
}

// TestProgressNotTerminal: when stderr is not a terminal, a plain line is
// printed at a phase change and at most every progressEvery, nothing in
// the first second; on a terminal the line is redrawn and cleared.
func TestProgressNotTerminal(t *testing.T) {
	var b bytes.Buffer
	start := time.Unix(0, 0)
	clock := start
	p := &progressLine{w: &b, start: start, runs: 1000, now: func() time.Time { return clock }}
	at := func(d time.Duration, phase string) {
		clock = start.Add(d)
		p.update(check.Progress{Phase: phase, Executions: 1, Elapsed: d})
	}
	at(500*time.Millisecond, "searching")  // too early
	at(1200*time.Millisecond, "searching") // printed
	at(2*time.Second, "searching")         // too soon after the last
	at(2500*time.Millisecond, "shrinking") // a phase change: printed
	at(3*time.Second, "shrinking")
	at(2500*time.Millisecond+progressEvery, "shrinking") // printed
	p.done()
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "checkcli verify: searching: ") ||
		!strings.HasPrefix(lines[1], "checkcli verify: shrinking ") || !strings.HasPrefix(lines[2], "checkcli verify: shrinking ") ||
		strings.Contains(b.String(), "\r") {
		t.Errorf("printed:\n%s", b.String())
	}

	b.Reset()
	p = &progressLine{w: &b, tty: true, start: start, now: func() time.Time { return clock }}
	at(1500*time.Millisecond, "searching")
	at(1750*time.Millisecond, "searching")
	p.done()
	if got := b.String(); strings.Count(got, "\r\033[K") != 3 || strings.Contains(got, "\n") {
		t.Errorf("on a terminal: %q", got)
	}
}

// TestProgressOffStdout: verify's stdout holds the result alone, whatever
// progress shows.
func TestProgressOffStdout(t *testing.T) {
	_, out, _ := runCLI(t, "verify", "lock", "--runs", "100", "--seed", "3", "--no-specs")
	if strings.Contains(out, "\r") || strings.Contains(out, "searching") || !strings.HasPrefix(out, "verify lock (impl): no counterexample") {
		t.Errorf("stdout:\n%q", out)
	}
}
