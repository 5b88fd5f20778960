package check_test

import (
	"container/list"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// Foreign primitives: built on sync.Mutex, sync.Cond and channels, not on
// impl/sched, so the controlled scheduler cannot run them; stress mode
// (Options.Mode "stress") does, each to a verdict.

// chanSem is a bounded semaphore made of a buffered channel: a permit
// taken is a value in the channel. Blocked senders queue in FIFO order and
// a receive hands the freed place to the first of them, so it hands off
// like the Go dialect's semaphore.
type chanSem chan struct{}

func newChanSem(v int) chanSem { return make(chanSem, v) }

func (s chanSem) Acquire(ctx context.Context) error {
	select {
	case s <- struct{}{}:
		return nil
	default:
	}
	if err := ctx.Err(); err != nil {
		return err // would block with a done context (G2)
	}
	select {
	case s <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s chanSem) Release() error {
	if cap(s) == 0 {
		// Bound 0: nothing to release. (A receive would meet a blocked
		// Acquire's send on the unbuffered channel, and grant it: stress
		// mode found that in the first version.)
		return impl.ErrReleasedTooOften
	}
	select {
	case <-s:
		return nil
	default:
		return impl.ErrReleasedTooOften
	}
}

func (s chanSem) TryAcquire() bool {
	select {
	case s <- struct{}{}:
		return true
	default:
		return false
	}
}

// condEvent is an Event on sync.Cond: Set bumps a generation, and a
// waiter returns once the generation it waited on has passed; a
// context.AfterFunc broadcasts when a waiter's context is done.
type condEvent struct {
	mu   sync.Mutex
	cond sync.Cond
	set  bool
	gen  uint64
}

func newCondEvent() *condEvent {
	e := new(condEvent)
	e.cond.L = &e.mu
	return e
}

func (e *condEvent) Wait(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.set {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	g := e.gen
	stop := context.AfterFunc(ctx, func() {
		e.mu.Lock()
		e.cond.Broadcast()
		e.mu.Unlock()
	})
	defer stop()
	for e.gen == g && ctx.Err() == nil {
		e.cond.Wait()
	}
	if e.gen != g {
		return nil // set while waiting: granted, even if cancelled since (G5)
	}
	return ctx.Err()
}

func (e *condEvent) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.set {
		e.set = true
		e.gen++
		e.cond.Broadcast()
	}
}

func (e *condEvent) Clear() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

func (e *condEvent) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// weighted is golang.org/x/sync/semaphore.Weighted (v0.10), cut down to
// weight 1 and written out here (no dependency): a FIFO list of waiters,
// each with a ready channel closed when it is served.
type weighted struct {
	g2      bool // take a free permit even with a done context (G2), unlike x/sync
	size    int64
	cur     int64
	mu      sync.Mutex
	waiters list.List
}

type wwaiter struct{ ready chan struct{} }

func (s *weighted) Acquire(ctx context.Context) error {
	done := ctx.Done()
	s.mu.Lock()
	select {
	case <-done:
		if s.g2 {
			break
		}
		// x/sync: "ctx becoming done has happened before acquiring the
		// semaphore ... We prefer to fail even if we could acquire the
		// mutex without blocking" (unlike the Go dialect's G2).
		s.mu.Unlock()
		return ctx.Err()
	default:
	}
	if s.size-s.cur >= 1 && s.waiters.Len() == 0 {
		s.cur++
		s.mu.Unlock()
		return nil
	}
	ready := make(chan struct{})
	elem := s.waiters.PushBack(wwaiter{ready: ready})
	s.mu.Unlock()
	select {
	case <-done:
		s.mu.Lock()
		select {
		case <-ready:
			// Acquired after we were cancelled: put the token back.
			s.cur--
			s.notifyWaiters()
		default:
			isFront := s.waiters.Front() == elem
			s.waiters.Remove(elem)
			if isFront && s.size > s.cur {
				s.notifyWaiters()
			}
		}
		s.mu.Unlock()
		return ctx.Err()
	case <-ready:
		select {
		case <-done:
			// Acquired, but cancelled too: x/sync gives the token back.
			s.Release()
			return ctx.Err()
		default:
		}
		return nil
	}
}

func (s *weighted) Release() {
	s.mu.Lock()
	s.cur--
	if s.cur < 0 {
		s.mu.Unlock()
		panic("semaphore: released more than held")
	}
	s.notifyWaiters()
	s.mu.Unlock()
}

func (s *weighted) TryAcquire() bool {
	s.mu.Lock()
	ok := s.size-s.cur >= 1 && s.waiters.Len() == 0
	if ok {
		s.cur++
	}
	s.mu.Unlock()
	return ok
}

func (s *weighted) notifyWaiters() {
	for {
		next := s.waiters.Front()
		if next == nil || s.size-s.cur < 1 {
			break
		}
		w := next.Value.(wwaiter)
		s.cur++
		s.waiters.Remove(next)
		close(w.ready)
	}
}

// newWeighted is an unbounded semaphore of value v: a Weighted whose size
// leaves room for every release a program makes.
func newWeighted(v int) *weighted {
	const room = 1 << 30
	return &weighted{size: room + int64(v), cur: room}
}

func TestStressForeignPrimitives(t *testing.T) {
	opts := check.Options{Mode: "stress", Runs: 2000, Seed: 1, ShrinkTime: 2 * time.Second}
	if testing.Short() {
		opts.Runs = 300
	}
	for _, c := range []struct {
		target   check.Target
		failures bool // the verdict expected: a counterexample
	}{
		{check.BoundedSemaphore("chan-semaphore", func(_ sched.Runtime, v int) chanSem { return newChanSem(v) }), false},
		{check.Event("cond-event", func(sched.Runtime) *condEvent { return newCondEvent() }), false},
		// x/sync fails an acquire whose context is done even when a permit
		// is free; the Go dialect takes the fast path (G2).
		{check.Semaphore("xsync-weighted", func(_ sched.Runtime, v int) *weighted { return newWeighted(v) }), true},
		// With that one difference changed, the rest of it passes.
		{check.Semaphore("xsync-weighted-g2", func(_ sched.Runtime, v int) *weighted {
			s := newWeighted(v)
			s.g2 = true
			return s
		}), false},
	} {
		t.Run(c.target.Name(), func(t *testing.T) {
			r, err := check.Run(c.target, opts)
			if err != nil {
				t.Fatalf("no verdict: %v", err)
			}
			if r.Mode != "stress" || r.Executions == 0 {
				t.Fatalf("mode %q, %d runs", r.Mode, r.Executions)
			}
			switch {
			case r.Failed && !c.failures:
				t.Fatalf("stress mode failed a correct primitive:\n%s", r.Report)
			case !r.Failed && c.failures:
				t.Fatalf("no counterexample in %d runs", r.Executions)
			case r.Failed:
				if !strings.Contains(r.Report, "reproduces in") {
					t.Errorf("no reproduction rate in the report:\n%s", r.Report)
				}
				t.Logf("%s after %d runs: %s (reproduces in %d of %d runs)\n%s", r.Property, r.FoundAfter, r.Message, r.Reproduced, r.Attempts, r.Counterexample)
			default:
				t.Logf("no counterexample in %d runs (%v)", r.Executions, r.Elapsed.Round(time.Millisecond))
			}
		})
	}
}

// Stress mode runs the built-in implementations and the mutants too (in
// production mode: a nil runtime), and Verify reports a stress failure with
// its reproduction rate.
func TestStressModeOptions(t *testing.T) {
	if _, err := check.Run(mustBuiltin(t, model.Lock), check.Options{Mode: "sideways"}); err == nil || !strings.Contains(err.Error(), "unknown mode") {
		t.Errorf("an unknown mode: %v", err)
	}
	r, err := check.Run(mustBuiltin(t, model.Semaphore), check.Options{Mode: "stress", Runs: 200, Seed: 3})
	if err != nil || r.Failed || r.Executions != 200 || r.Strategy != "stress" {
		t.Fatalf("built-in semaphore in stress mode: %+v, %v", r, err)
	}
	var mutant check.Target
	for _, m := range check.Mutants() {
		if m.Target.Name() == "sem-release-double-permit" {
			mutant = m.Target
		}
	}
	r, err = check.Run(mutant, check.Options{Mode: "stress", Runs: 5000, Seed: 1, ShrinkTime: time.Second})
	if err != nil || !r.Failed || r.Property != "linearizability" || r.Attempts == 0 || r.Counterexample == "" {
		t.Fatalf("sem-release-double-permit in stress mode: failed %v, %s, %d of %d, %v", r.Failed, r.Property, r.Reproduced, r.Attempts, err)
	}
}

func mustBuiltin(t *testing.T, p model.Primitive) check.Target {
	t.Helper()
	tg, err := check.Builtin(p)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// TestStressFindsDataRace runs testdata/racylock's test, a Lock whose
// Locked() reads its state without the mutex, in stress mode: it passes
// without the race detector and fails under go test -race, which reports
// the read in Locked against a write in Acquire or Release (the controlled
// scheduler, one task at a time, could not show it). Skipped with -short
// (it compiles a package twice, about 5 s).
func TestStressFindsDataRace(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a package")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	run := func(args ...string) (string, error) {
		cmd := exec.Command(goTool, args...)
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run("test", "-count=1", "-run", "^TestRacyLock$", "./testdata/racylock"); err != nil {
		t.Fatalf("without -race the racy lock passes; got %v:\n%s", err, out)
	}
	out, err := run("test", "-race", "-count=1", "-run", "^TestRacyLock$", "./testdata/racylock")
	if err == nil {
		t.Fatalf("go test -race passed the racy lock:\n%s", out)
	}
	for _, want := range []string{"WARNING: DATA RACE", "(*racyLock).Locked()", "race detected during execution of test"} {
		if !strings.Contains(out, want) {
			t.Errorf("go test -race output lacks %q:\n%s", want, out)
		}
	}
}
