package check_test

import (
	"context"
	"slices"
	"testing"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// Two correct Conditions, written as users would write them on impl/sched,
// that differ from impl.Condition only in when a notified waiter that
// returns ctx.Err() forwards its notification (G8 leaves that open):
//
//   - relockThenForward: CPython 3.13's order. The waiter first re-acquires
//     the lock, then forwards with notify(1), in a critical section of its
//     own.
//   - forwardThenRequeue: the forward and the re-queueing on the lock are two
//     steps: the waiter leaves the Condition and forwards in one critical
//     section, then re-acquires the lock like an Acquire (which cannot be
//     cancelled) in another, so the waiter it forwarded to may run, and even
//     take the lock, in between.
//
// Both lose nothing, duplicate nothing, wake no waiter that was never
// notified and never let two tasks hold the lock.

// fwdWaiter is one blocked call's record.
type fwdWaiter struct {
	slot sched.Slot
	// committed (lock queue only): the lock was handed to this waiter and
	// released by somebody else before it resumed (G4).
	committed bool
}

func newFwdWaiter(mu *sched.Mutex) *fwdWaiter {
	w := new(fwdWaiter)
	w.slot.Init(mu)
	return w
}

// fwdLock is a FIFO hand-off Lock (G4): everything under one sched.Mutex,
// which also guards the Conditions built on it.
type fwdLock struct {
	mu      sched.Mutex
	held    bool         // a holder that has resumed holds it
	grantee *fwdWaiter   // handed the lock, not resumed yet
	q       []*fwdWaiter // waiting, not granted
}

func newFwdLock(rt sched.Runtime) *fwdLock {
	l := new(fwdLock)
	l.mu.SetRuntime(rt)
	return l
}

// busy is Locked with mu held.
func (l *fwdLock) busy() bool { return l.held || l.grantee != nil }

func (l *fwdLock) Acquire(ctx context.Context) error {
	l.mu.Lock()
	if !l.busy() && len(l.q) == 0 {
		l.held = true // fast path, even with a done ctx (G2)
		l.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return err
	}
	w := newFwdWaiter(&l.mu)
	l.q = append(l.q, w)
	l.mu.Unlock()
	err := w.slot.Wait(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	switch {
	case w.committed:
		return nil // handed to us and released by somebody else since (G4)
	case err == nil:
		l.grantee, l.held = nil, true
	case w.slot.Woken():
		// Handed to us, but we observed the cancel (G3): pass it on.
		l.grantee = nil
		l.handOff()
	default:
		l.q = removeFwdWaiter(l.q, w)
	}
	return err
}

// handOff, with mu held and the lock neither held nor granted, gives it to
// the first waiter or leaves it free.
func (l *fwdLock) handOff() {
	if len(l.q) > 0 {
		w := l.q[0]
		l.q = l.q[1:]
		l.grantee = w
		w.slot.Wake()
	}
}

func (l *fwdLock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy() || len(l.q) > 0 {
		return false
	}
	l.held = true
	return true
}

func (l *fwdLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.releaseLocked()
}

func (l *fwdLock) releaseLocked() error {
	switch {
	case l.grantee != nil:
		l.grantee.committed = true // this release ends the grantee's hold (G4)
		l.grantee = nil
	case l.held:
		l.held = false
	default:
		return impl.ErrNotLocked
	}
	l.handOff()
	return nil
}

func (l *fwdLock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.busy()
}

// relock is the lock phase of Condition.Wait (G9): it takes mu, then the
// lock through the FIFO, and cannot be cancelled. It returns with mu
// released.
func (l *fwdLock) relock() {
	l.mu.Lock()
	if !l.busy() && len(l.q) == 0 {
		l.held = true
		l.mu.Unlock()
		return
	}
	w := newFwdWaiter(&l.mu)
	l.q = append(l.q, w)
	l.mu.Unlock()
	_ = w.slot.Wait(context.Background()) // only the hand-off ends it
	l.mu.Lock()
	if !w.committed {
		l.grantee, l.held = nil, true
	}
	l.mu.Unlock()
}

func removeFwdWaiter(q []*fwdWaiter, w *fwdWaiter) []*fwdWaiter {
	for i, x := range q {
		if x == w {
			return append(q[:i:i], q[i+1:]...)
		}
	}
	return q
}

// forwardOrder says when a cancelled notified waiter forwards.
type forwardOrder int

const (
	relockThenForward forwardOrder = iota
	forwardThenRequeue
)

// fwdCond is a Condition over a fwdLock. Its queue holds the waiters not
// notified yet (a notification unlinks the waiter, as impl's does).
type fwdCond struct {
	l     *fwdLock
	q     []*fwdWaiter
	order forwardOrder
}

func newFwdConds(rt sched.Runtime, n int, order forwardOrder) []*fwdCond {
	l := newFwdLock(rt)
	cs := make([]*fwdCond, n)
	for i := range cs {
		cs[i] = &fwdCond{l: l, order: order}
	}
	return cs
}

func (c *fwdCond) Acquire(ctx context.Context) error { return c.l.Acquire(ctx) }
func (c *fwdCond) TryAcquire() bool                  { return c.l.TryAcquire() }
func (c *fwdCond) Release() error                    { return c.l.Release() }
func (c *fwdCond) Locked() bool                      { return c.l.Locked() }

// notifyLocked, with mu held, wakes the first n waiters not notified yet.
func (c *fwdCond) notifyLocked(n int) {
	for ; n > 0 && len(c.q) > 0; n-- {
		w := c.q[0]
		c.q = c.q[1:]
		w.slot.Wake()
	}
}

func (c *fwdCond) Wait(ctx context.Context) error {
	l := c.l
	l.mu.Lock()
	if !l.busy() {
		l.mu.Unlock()
		return impl.ErrNotLocked // G6
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return err // G7: at once, lock still held
	}
	_ = l.releaseLocked()
	w := newFwdWaiter(&l.mu)
	c.q = append(c.q, w) // atomically with the release (G7)
	l.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		l.relock()
		return nil
	}
	l.mu.Lock()
	notified := w.slot.Woken() // a notification unlinked us
	if !notified {
		c.q = removeFwdWaiter(c.q, w)
	}
	switch c.order {
	case relockThenForward:
		l.mu.Unlock()
		l.relock()
		if notified {
			// CPython 3.13: with the lock held again, notify(1).
			l.mu.Lock()
			c.notifyLocked(1)
			l.mu.Unlock()
		}
	case forwardThenRequeue:
		if notified {
			c.notifyLocked(1) // step one: forward (G8)
		}
		l.mu.Unlock()
		l.relock() // step two: queue again on the lock (G9)
	}
	return err
}

// fwdCond has no WaitFor: the checker derives it from Wait and Locked, as
// the Go dialect defines it (G10).

func (c *fwdCond) Notify(n int) error {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	if !c.l.busy() {
		return impl.ErrNotLocked
	}
	c.notifyLocked(n)
	return nil
}

func (c *fwdCond) NotifyAll() error {
	c.l.mu.Lock()
	defer c.l.mu.Unlock()
	if !c.l.busy() {
		return impl.ErrNotLocked
	}
	c.notifyLocked(len(c.q))
	return nil
}

// TestVerifyConditionRelockThenForward: a cancelled notified waiter that
// forwards only once it holds the lock again (CPython 3.13's order) is
// correct (G8 does not fix when the forward takes effect).
func TestVerifyConditionRelockThenForward(t *testing.T) {
	target := check.Condition("relock-then-forward", func(rt sched.Runtime, n int) []*fwdCond {
		return newFwdConds(rt, n, relockThenForward)
	})
	if !slices.Contains(target.Ops(), model.WaitFor) {
		t.Fatalf("waitfor is not derived for a Condition without WaitFor: ops %v", target.Ops())
	}
	check.Verify(t, target, check.Options{Seed: 1, Runs: 20000})
}

// TestVerifyConditionForwardThenRequeue: forwarding and re-queueing on the
// lock in two separate steps is correct too.
func TestVerifyConditionForwardThenRequeue(t *testing.T) {
	check.Verify(t, check.Condition("forward-then-requeue", func(rt sched.Runtime, n int) []*fwdCond {
		return newFwdConds(rt, n, forwardThenRequeue)
	}), check.Options{Seed: 1, Runs: 20000})
}
