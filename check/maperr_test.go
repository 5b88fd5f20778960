package check_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// errNotHeld is a user's own error value for a release of an unheld lock.
var errNotHeld = errors.New("mylock: not held")

// coreLock is myLock with only the core methods of a Lock, and its own
// error value.
type coreLock struct{ l *myLock }

func (c coreLock) Acquire(ctx context.Context) error { return c.l.Acquire(ctx) }

func (c coreLock) Release() error {
	if err := c.l.Release(); err != nil {
		return errNotHeld
	}
	return nil
}

// TestMapErr: a target's own error value is understood once mapped with
// MapErr; unmapped, the check fails and says how to map it. The target
// has no TryAcquire or Locked, so neither is called.
func TestMapErr(t *testing.T) {
	target := check.Lock("corelock", func(rt sched.Runtime) coreLock { return coreLock{newMyLock(rt, false)} })
	for _, k := range target.Ops() {
		if k == model.TryAcquire || k == model.Locked {
			t.Fatalf("ops %v: the target has no %s", target.Ops(), k)
		}
	}
	r, err := check.Run(target, check.Options{Seed: 1, Runs: 2000, ShrinkTime: -1})
	if err != nil || !r.Failed || !strings.Contains(r.Message, "Target.MapErr") {
		t.Fatalf("unmapped error: failed %v, %q, %v", r.Failed, r.Message, err)
	}
	r, err = check.Run(target.MapErr(model.NotLocked, errNotHeld), check.Options{Seed: 1, Runs: 2000})
	if err != nil || r.Failed {
		t.Fatalf("mapped error: %v %s: %s", err, r.Property, r.Message)
	}
}

// TestOnly: Only leaves out an optional method (a stub the user does not
// want checked), never a required one.
func TestOnly(t *testing.T) {
	full := check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) })
	if len(full.Ops()) != 4 {
		t.Fatalf("myLock has all four ops, the target lists %v", full.Ops())
	}
	only := full.Only(model.Locked)
	want := []model.Kind{model.Acquire, model.Release, model.Locked}
	if got := only.Ops(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("Only(locked): %v, want %v", got, want)
	}
	check.Verify(t, only, check.Options{Seed: 1, Runs: 1000})
}

// TestTooFewExecutions: a search cut short before judging enough
// executions is an error, not a pass.
func TestTooFewExecutions(t *testing.T) {
	_, err := check.Run(check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) }), check.Options{Time: time.Nanosecond})
	if !errors.Is(err, check.ErrTooFewExecutions) {
		t.Fatalf("a search of 1ns: %v", err)
	}
	if _, err := check.Run(check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) }), check.Options{Runs: 10}); err != nil {
		t.Fatalf("10 executions asked, 10 judged: %v", err)
	}
}

// panicLock's Release panics.
type panicLock struct{ l *myLock }

func (p panicLock) Acquire(ctx context.Context) error { return p.l.Acquire(ctx) }
func (p panicLock) Release() error                    { panic("panicLock: boom") }

// spinLock's Acquire spins (lock, look, unlock) instead of parking: a
// livelock when the lock is held.
type spinLock struct {
	mu   sched.Mutex
	held bool
}

func (s *spinLock) Acquire(ctx context.Context) error {
	for {
		s.mu.Lock()
		if !s.held {
			s.held = true
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
	}
}

func (s *spinLock) Release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.held {
		return errNotHeld
	}
	s.held = false
	return nil
}

// TestReports: a panic in the implementation is reported with the frames
// in its code; a livelock's report stays readable (its interleaving cut
// to the first and last steps).
func TestReports(t *testing.T) {
	page := filepath.Join(t.TempDir(), "r.html")
	r, _ := check.Run(check.Lock("panics", func(rt sched.Runtime) panicLock { return panicLock{newMyLock(rt, false)} }),
		check.Options{Seed: 1, Runs: 1000, HTML: page})
	if !r.Failed || r.Property != "panic" || !strings.Contains(r.Report, "panicLock.Release") || !strings.Contains(r.Report, "maperr_test.go") {
		t.Errorf("panic report: %s\n%s", r.Property, r.Report)
	}
	checkHTML(t, page, r, strings.Fields(r.Message)[1]) // "task T1 panicked: ..."
	if strings.Contains(r.Report, "check/internal/") {
		t.Errorf("the panic report shows the checker's frames:\n%s", r.Report)
	}
	r, _ = check.Run(check.Lock("spins", func(rt sched.Runtime) *spinLock {
		s := &spinLock{}
		s.mu.SetRuntime(rt)
		return s
	}).MapErr(model.NotLocked, errNotHeld), check.Options{Seed: 1, Runs: 1000, ShrinkTime: time.Second, HTML: page})
	if !r.Failed || r.Property != "livelock" || !strings.Contains(r.Report, "actions left out") || len(r.Report) > 20_000 {
		t.Errorf("livelock report (%d bytes): %s\n%.3000s", len(r.Report), r.Property, r.Report)
	}
	checkHTML(t, page, r, "")
}

// TestUnshrunkReports: with shrinking off, every mutant's counterexample
// (of every property the mutants fail: linearizability, quiescence,
// fairness; class F ones with preemptions inside a call) is reported
// whole: the report and the scenario text.
func TestUnshrunkReports(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range check.Mutants() {
		r, err := check.Run(m.Target, check.Options{Seed: 1, Runs: 200_000, ShrinkTime: -1})
		if err != nil || !r.Failed {
			t.Errorf("%s: failed %v, %v", m.Target.Name(), r.Failed, err)
			continue
		}
		seen[r.Property] = true
		if !strings.Contains(r.Report, "property violated: "+r.Property) || !strings.Contains(r.Report, "interleaving") || r.Counterexample == "" {
			t.Errorf("%s: incomplete report:\n%s\n%s", m.Target.Name(), r.Report, r.Counterexample)
		}
	}
	for _, p := range []string{"linearizability", "quiescence", "fairness"} {
		if !seen[p] {
			t.Errorf("no unshrunk counterexample failed %s", p)
		}
	}
}

// leakyLock is myLock whose Acquire starts a goroutine that never ends
// (until the test does).
type leakyLock struct {
	l    *myLock
	stop chan struct{}
}

func (k leakyLock) Acquire(ctx context.Context) error {
	go func() { <-k.stop }()
	return k.l.Acquire(ctx)
}
func (k leakyLock) Release() error { return k.l.Release() }

// TestGoroutineLeak: goroutines an implementation starts and leaves
// running fail the check, with the stack of one of them.
func TestGoroutineLeak(t *testing.T) {
	stop := make(chan struct{})
	t.Cleanup(func() { close(stop) })
	// A correct target checked at the same time is not blamed.
	var ok check.Result
	var wg sync.WaitGroup
	wg.Add(1)
	dir := t.TempDir()
	go func() {
		defer wg.Done()
		ok, _ = check.Run(check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) }), check.Options{Seed: 1, Runs: 2000, HTML: filepath.Join(dir, "ok.html")})
	}()
	r, err := check.Run(check.Lock("leaky", func(rt sched.Runtime) leakyLock { return leakyLock{newMyLock(rt, false), stop} }),
		check.Options{Seed: 1, Runs: 200, HTML: filepath.Join(dir, "leak.html")})
	wg.Wait()
	if ok.Failed {
		t.Errorf("the correct lock checked alongside fails: %s: %s", ok.Property, ok.Message)
	}
	if err != nil || !r.Failed || r.Property != "goroutine-leak" || !strings.Contains(r.Report, "leakyLock.Acquire") {
		t.Fatalf("%v %s: %s\n%s", err, r.Property, r.Message, r.Report)
	}
	// Pages without a counterexample: a pass, a failure with none.
	checkHTML(t, filepath.Join(dir, "ok.html"), ok, "")
	checkHTML(t, filepath.Join(dir, "leak.html"), r, "")
	t.Logf("%s", r.Report)
}

// TestSavePanic: a counterexample that ends in a panic is saved too, and
// its replay panics again.
func TestSavePanic(t *testing.T) {
	dir := t.TempDir()
	target := check.Lock("panics", func(rt sched.Runtime) panicLock { return panicLock{newMyLock(rt, false)} })
	r, err := check.Run(target, check.Options{Seed: 1, Runs: 1000, SaveDir: dir})
	if err != nil || !r.Failed || r.Saved == "" {
		t.Fatalf("failed %v, saved %q, %v", r.Failed, r.Saved, err)
	}
	rec := &recorder{TB: t}
	check.Replay(rec, target, dir)
	if !rec.failed {
		t.Fatalf("the saved panic does not fail its replay:\n%s", r.Counterexample)
	}
}

// TestSaveOnce: the same counterexample found again is not saved again.
func TestSaveOnce(t *testing.T) {
	dir := t.TempDir()
	target := check.Lock("mylock-bug", func(rt sched.Runtime) *myLock { return newMyLock(rt, true) })
	var saved [2]string
	for i := range saved {
		r, err := check.Run(target, check.Options{Seed: 1, Runs: 20000, SaveDir: dir})
		if err != nil || !r.Failed {
			t.Fatalf("%v %v", r.Failed, err)
		}
		saved[i] = r.Saved
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.scn"))
	if saved[0] != saved[1] || len(files) != 1 {
		t.Fatalf("saved %q then %q; %d files", saved[0], saved[1], len(files))
	}
}

// TestConstructors: each public constructor takes impl's own types as a
// user's, and the targets pass.
func TestConstructors(t *testing.T) {
	for _, target := range []check.Target{
		check.Event("event", func(rt sched.Runtime) *impl.Event { return impl.NewEvent(impl.WithRuntime(rt)) }),
		check.Semaphore("semaphore", func(rt sched.Runtime, v int) *impl.Semaphore { return impl.NewSemaphore(v, impl.WithRuntime(rt)) }),
		check.BoundedSemaphore("bounded", func(rt sched.Runtime, v int) *impl.BoundedSemaphore {
			return impl.NewBoundedSemaphore(v, impl.WithRuntime(rt))
		}),
		check.Barrier("barrier", func(rt sched.Runtime, parties int) *impl.Barrier {
			return impl.NewBarrier(parties, impl.WithRuntime(rt))
		}),
		check.Condition("condition", func(rt sched.Runtime, n int) []*impl.Condition {
			l := impl.NewLock(impl.WithRuntime(rt))
			cs := make([]*impl.Condition, n)
			for i := range cs {
				cs[i] = impl.NewCondition(l)
			}
			return cs
		}),
	} {
		if len(target.Ops()) != len(model.Describe(target.Primitive()).Ops) {
			t.Errorf("%s: ops %v, not all of the primitive's", target.Name(), target.Ops())
		}
		r := check.Verify(t, target, check.Options{Seed: 1, Runs: 300})
		if r.WindowCancels == 0 || r.WindowCancels > r.Executions {
			t.Errorf("%s: %d cancels in a wake window over %d executions", target.Name(), r.WindowCancels, r.Executions)
		}
	}
}
