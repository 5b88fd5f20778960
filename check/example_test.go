package check_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
)

// myLock is a user's own FIFO lock, written on impl/sched so that the
// checker controls its interleavings: its state is guarded by a sched.Mutex,
// and a blocked Acquire parks on a sched.Slot.
type myLock struct {
	mu      sched.Mutex
	locked  bool
	waiters []*waiter
	// handed is the waiter the lock was handed to, until it resumes.
	handed *waiter
	bug    bool // forget to hand the lock on when a granted waiter is cancelled
}

type waiter struct {
	slot    sched.Slot
	granted bool
	// committed: the lock was released while handed to this waiter, so its
	// acquisition has happened (no owner: anyone may release).
	committed bool
}

func newMyLock(rt sched.Runtime, bug bool) *myLock {
	l := &myLock{bug: bug}
	l.mu.SetRuntime(rt)
	return l
}

func (l *myLock) Acquire(ctx context.Context) error {
	l.mu.Lock()
	if !l.locked && len(l.waiters) == 0 {
		l.locked = true
		l.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return err
	}
	w := new(waiter)
	w.slot.Init(&l.mu)
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	err := w.slot.Wait(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.handed == w {
		l.handed = nil
	}
	if err == nil || w.committed {
		return nil // the releaser handed the lock to us
	}
	if w.granted {
		if !l.bug {
			l.handOn() // cancelled after the grant: pass the lock on
		}
		return err
	}
	for i, x := range l.waiters {
		if x == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			break
		}
	}
	return err
}

// handOn gives the lock to the first waiter, or unlocks it.
func (l *myLock) handOn() {
	if l.handed != nil {
		l.handed.committed = true
		l.handed = nil
	}
	if len(l.waiters) == 0 {
		l.locked = false
		return
	}
	w := l.waiters[0]
	l.waiters = l.waiters[1:]
	w.granted = true
	l.handed = w
	w.slot.Wake()
}

func (l *myLock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locked || len(l.waiters) > 0 {
		return false
	}
	l.locked = true
	return true
}

func (l *myLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return impl.ErrNotLocked
	}
	l.handOn()
	return nil
}

func (l *myLock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}

// TestVerifyMyLock is how a user verifies their own implementation.
func TestVerifyMyLock(t *testing.T) {
	check.Verify(t, check.Lock("mylock", func(rt sched.Runtime) *myLock {
		return newMyLock(rt, false)
	}), check.Options{Runs: 2000})
}

// recorder is a testing.TB that keeps what Verify reports instead of
// failing the test, to show that Verify fails on a bug.
type recorder struct {
	testing.TB
	failed bool
	msg    string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Logf(string, ...any)          {}
func (r *recorder) Fatalf(f string, args ...any) { r.failed, r.msg = true, formatf(f, args...) }
func (r *recorder) Fatal(args ...any)            { r.failed, r.msg = true, strings.TrimSpace(fmt.Sprint(args...)) }
func (r *recorder) Error(args ...any)            { r.Fatal(args...) }
func (r *recorder) Errorf(f string, args ...any) { r.Fatalf(f, args...) }

func formatf(f string, args ...any) string { return strings.TrimSpace(fmt.Sprintf(f, args...)) }

// TestVerifyCatchesBug: the same lock with bpo-27585's bug (a granted
// waiter that is cancelled keeps neither the lock nor passes it on) fails
// Verify with a minimal counterexample.
func TestVerifyCatchesBug(t *testing.T) {
	r := &recorder{TB: t}
	res := check.Verify(r, check.Lock("mylock-bug", func(rt sched.Runtime) *myLock {
		return newMyLock(rt, true)
	}), check.Options{Seed: 1, Runs: 20000, ShrinkTime: -1})
	if !res.Failed || res.Property == "" || res.Counterexample == "" {
		t.Fatalf("Verify's result does not say it failed: %+v", res)
	}
	if !r.failed {
		t.Fatal("Verify passed a lock that strands its waiters")
	}
	for _, want := range []string{"counterexample after", "property violated:", "interleaving", "primitive lock", "SYNCHECK_SEED=1 go test ./check -run '^TestVerifyCatchesBug$'"} {
		if !strings.Contains(r.msg, want) {
			t.Errorf("the report lacks %q:\n%s", want, r.msg)
		}
	}
}
