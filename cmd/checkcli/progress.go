package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/syncheck/syncheck/check"
)

// progressLine shows how a verify is going, on stderr so that stdout (the
// result, or its JSON) can be redirected whole: the phase (specs,
// searching, shrinking), the counts, the executions per second, and how
// long is left at most (the ETA, from the budgets). On a terminal one line
// is redrawn; otherwise (a CI log, a file) a plain line is printed when the
// phase changes and at most every progressEvery, so that a log shows the
// search without filling up. Nothing is shown in the first second: a check
// that quick needs no progress.
type progressLine struct {
	w          io.Writer
	tty        bool
	runs       int           // --runs (0: none), or a shard's share of it
	of         string        // what runs is, for people
	stress     bool          // --mode stress: --shrinktime bounds the minimization
	budget     time.Duration // --time (0: none)
	shrinkTime time.Duration // --shrinktime (0: no shrinking)
	now        func() time.Time

	mu          sync.Mutex
	start       time.Time // when verify began
	phase       string    // the phase last told
	shrinkStart time.Duration
	printed     time.Time // when a line was last printed
	shown       bool      // a line is on the terminal, to clear
}

// progressEvery is how often at most a line is printed when stderr is not
// a terminal.
const progressEvery = 5 * time.Second

func newProgressLine(w io.Writer, v *verifyFlags) *progressLine {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	p := &progressLine{w: w, tty: tty, runs: v.runs, budget: v.budget, shrinkTime: v.shrink, now: time.Now, start: time.Now(), of: "--runs"}
	if v.shard != "" {
		p.of = "the shard's share of --runs" // check.Progress.Runs
	}
	return p
}

// specs tells that done of n scenarios have been replayed.
func (p *progressLine) specs(done, n int) {
	p.show("specs", fmt.Sprintf("specs: %d of %d scenarios replayed", done, n))
}

// update is check.Options.Progress.
func (p *progressLine) update(pr check.Progress) {
	p.mu.Lock()
	if pr.Phase == "shrinking" && p.phase != "shrinking" {
		p.shrinkStart = pr.Elapsed
	}
	shrinkStart := p.shrinkStart
	p.mu.Unlock()
	p.show(pr.Phase, p.describe(pr, shrinkStart))
}

// describe writes pr as the progress line's text.
func (p *progressLine) describe(pr check.Progress, shrinkStart time.Duration) string {
	sec := pr.Elapsed.Seconds()
	switch pr.Phase {
	case "shrinking":
		in := pr.Elapsed - shrinkStart
		s := fmt.Sprintf("shrinking the counterexample found after %d executions: %d executions in %v", pr.Executions, pr.ShrinkExecutions, in.Round(time.Second))
		if in.Seconds() > 0 {
			s += fmt.Sprintf(" (%.0f/s)", float64(pr.ShrinkExecutions)/in.Seconds())
		}
		if p.shrinkTime > 0 && !p.stress {
			// Bounded by 100,000 executions (explore.DefaultShrinkRuns),
			// with --shrinktime as a safety net.
			s += fmt.Sprintf(", of at most 100000 (or %v more, --shrinktime)", max(p.shrinkTime-in, 0).Round(time.Second))
		} else if p.shrinkTime > 0 {
			s += fmt.Sprintf(", at most %v left (--shrinktime)", max(p.shrinkTime-in, 0).Round(time.Second))
		}
		return s
	}
	s := fmt.Sprintf("%s: %d programs, %d executions in %v", pr.Phase, pr.Programs, pr.Executions, pr.Elapsed.Round(time.Second))
	if sec <= 0 {
		return s
	}
	rate := float64(pr.Executions) / sec
	s += fmt.Sprintf(" (%.0f/s)", rate)
	// The search ends at whichever budget runs out first.
	left, known := time.Duration(0), false
	runs := cmp.Or(pr.Runs, p.runs) // the budget check.Run reports, a shard's share
	if runs > 0 && rate > 0 {
		left, known = time.Duration(float64(max(runs-pr.Executions, 0))/rate*float64(time.Second)), true
	}
	if p.budget > 0 {
		if t := max(p.budget-pr.Elapsed, 0); !known || t < left {
			left, known = t, true
		}
	}
	if known {
		s += fmt.Sprintf(", ETA %v", left.Round(time.Second))
		if runs > 0 {
			s += fmt.Sprintf(" (%.0f%% of %s)", 100*float64(pr.Executions)/float64(runs), cmp.Or(p.of, "--runs"))
		}
	}
	return s
}

// show draws or prints line, of phase.
func (p *progressLine) show(phase, line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	changed := phase != p.phase
	p.phase = phase
	if now.Sub(p.start) < time.Second {
		return
	}
	if p.tty {
		p.shown = true
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		return
	}
	if changed || now.Sub(p.printed) >= progressEvery {
		p.printed = now
		fmt.Fprintf(p.w, "checkcli verify: %s\n", line)
	}
}

// done clears the line on a terminal, before the result is printed.
func (p *progressLine) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
	p.phase = "done"
}
