package stress_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/stress"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// The built-in primitives pass stress runs: no false alarm from real-time
// histories, cancels racing the wake-ups, or the end judged by waiting.
func TestBuiltinsPass(t *testing.T) {
	runs := 1000
	if raceEnabled || testing.Short() {
		runs = 150
	}
	for _, p := range model.Primitives {
		t.Run(string(p), func(t *testing.T) {
			target, err := prims.Builtin(p)
			if err != nil {
				t.Fatal(err)
			}
			r := stress.Run(target, stress.Search{Seed: 1, Budget: explore.Budget{Executions: runs}, MinimizeTime: time.Second})
			if r.Failed() {
				t.Fatalf("%s", stress.Report(r.Minimal, r.Reproduced, r.Attempted))
			}
			if r.Runs != runs {
				t.Fatalf("%d runs, want %d", r.Runs, runs)
			}
			t.Logf("%d runs (%d settled with calls blocked, %d cancels delivered in flight) in %v", r.Runs, r.Settled, r.Cancels, r.Elapsed.Round(time.Millisecond))
		})
	}
}

// Stress mode kills the mutants whose bug shows in an order of whole
// operations, with no wake window needed: a linearizability failure, and a
// lost wakeup judged by waiting ("probable").
func TestFindsMutants(t *testing.T) {
	for _, c := range []struct {
		name string
		prop judge.Property
	}{
		{"sem-release-double-permit", judge.Linearizability},
		{"cond-notify-unlocked", judge.Linearizability},
		{"barrier-cancel-leaves-ghost", judge.Linearizability},
		{"barrier-reset-strands", judge.Quiescence},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, ok := mutants.ByName(c.name)
			if !ok {
				t.Fatalf("no mutant %s", c.name)
			}
			r := stress.Run(m.Target, stress.Search{Seed: 1, Budget: explore.Budget{Time: 20 * time.Second}, MinimizeTime: time.Second, Repro: 50})
			if !r.Failed() {
				t.Fatalf("not found in %d runs (%v)", r.Runs, r.Elapsed)
			}
			// The property a run shows depends on timing (a stranded
			// party may also be seen returning what it must not).
			if got := r.Found.Failure.Property; got != c.prop {
				t.Logf("found %s, usually %s: %s", got, c.prop, r.Found.Failure.Message)
			}
			if r.Found.Failure.Property == judge.Quiescence && !strings.Contains(r.Found.Failure.Message, "probable lost wakeup") {
				t.Errorf("a lost wakeup judged by waiting must say it is probable: %s", r.Found.Failure.Message)
			}
			if r.Attempted == 0 {
				t.Errorf("no reproduction rate measured")
			}
			rep := stress.Report(r.Minimal, r.Reproduced, r.Attempted)
			if !strings.Contains(rep, "reproduces in") || !strings.Contains(rep, "primitive "+string(m.Primitive)) {
				t.Errorf("the report lacks the rate or the program:\n%s", rep)
			}
			t.Logf("found after %d runs (%v); minimal %d tasks / %d calls, reproduces in %d of %d runs",
				r.FoundAfter, r.Elapsed.Round(time.Millisecond), len(r.Minimal.Program.Tasks), r.Minimal.Program.NumOps(), r.Reproduced, r.Attempted)
		})
	}
}

// lostLock is a Lock on sync.Mutex and channels whose Release forgets its
// waiters: a lost wakeup, which stress mode reports by waiting.
type lostLock struct {
	mu   sync.Mutex
	held bool
	wake chan struct{} // never closed: the bug
}

func (l *lostLock) Acquire(ctx context.Context) error {
	l.mu.Lock()
	if !l.held {
		l.held = true
		l.mu.Unlock()
		return nil
	}
	if l.wake == nil {
		l.wake = make(chan struct{})
	}
	w := l.wake
	l.mu.Unlock()
	select {
	case <-w:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *lostLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		return impl.ErrNotLocked
	}
	l.held = false // BUG: a waiter is not woken, nor handed the lock
	return nil
}

func TestProbableLostWakeup(t *testing.T) {
	target := prims.Lock("lost", func(sched.Runtime) *lostLock { return new(lostLock) })
	prog := explore.Program{Primitive: model.Lock, Params: model.Params{}, Tasks: []scenario.Task{
		{Name: "T1", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Release}}},
		{Name: "T2", Ops: []model.Op{{Kind: model.Acquire}}},
	}}
	cfg := stress.Config{Grace: 20 * time.Millisecond, Gosched: 1}
	for i := range 2000 {
		ex, f := stress.Execute(target, &prog, uint64(i), cfg)
		if f == nil {
			continue
		}
		if f.Property != judge.Quiescence || ex.Ending != stress.Blocked || !strings.Contains(f.Message, "probable lost wakeup") {
			t.Fatalf("run %d: %s (%s): %s", i, f.Property, ex.Ending, f.Message)
		}
		if !slices.Equal(ex.Open, []int{1}) {
			t.Errorf("open at the end: %v, want T2 (1)", ex.Open)
		}
		t.Logf("run %d: %s", i, f.Message)
		return
	}
	t.Fatal("no lost wakeup in 2000 runs")
}

// TestSurvey runs stress mode against every mutant (SYNCHECK_STRESS_SURVEY=1;
// about a minute): which are found, how fast, how often the minimal
// program fails.
func TestSurvey(t *testing.T) {
	if os.Getenv("SYNCHECK_STRESS_SURVEY") == "" {
		t.Skip("set SYNCHECK_STRESS_SURVEY=1")
	}
	for _, m := range mutants.All() {
		r := stress.Run(m.Target, stress.Search{Seed: 1, Budget: explore.Budget{Executions: 20000, Time: 5 * time.Second}, MinimizeTime: 3 * time.Second})
		if !r.Failed() {
			t.Logf("%-34s %s  not found in %d runs (%v)", m.Name, m.Class, r.Runs, r.Elapsed.Round(time.Millisecond))
			continue
		}
		t.Logf("%-34s %s  found after %d runs (%v): %s; minimal %d/%d, reproduces in %d of %d",
			m.Name, m.Class, r.FoundAfter, r.Elapsed.Round(time.Millisecond), r.Found.Failure.Property,
			len(r.Minimal.Program.Tasks), r.Minimal.Program.NumOps(), r.Reproduced, r.Attempted)
	}
}
