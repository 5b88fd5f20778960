// cond-wait-ticket
//
// The bug: sync.Cond before Go 1.7. Wait counts itself as a waiter, unlocks
// the lock, and only then takes a permit from a semaphore that Notify
// releases once per counted waiter. Preempted between the unlock and the
// semaphore, a waiter can be notified before it parks; the permit then sits
// in the semaphore, and the next goroutine to reach it, maybe one that
// called Wait after the Notify, takes it. The waiter the notification was
// meant for sleeps on.
//
// Reference: golang/go#14064 ("sync: potential race when using
// cond.Broadcast": Wait increments the waiter count, releases the mutex,
// waits on the semaphore; a thread preempted between the last two steps
// has its signal stolen), fixed in Go 1.7 by per-waiter tickets taken
// before the unlock (notifyList).
//
// Class F: the preemption falls inside Wait, at the point
// "cond.wait.counted".
//
// Minimal counterexample (fclass_test.go), 2 tasks / 5 ops / 1 preemption:
// W acquires and its wait runs to "cond.wait.counted" and is preempted; N
// acquires, notifies 1 (counted: W) and waits, and its wait takes the
// permit meant for W and returns; W parks: quiescent with W parked
// although it was notified (Go: W returns, N waits).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/model"
)

type condWaitTicketImpl struct {
	*lock
	waiters int   // Wait calls counted and not notified yet
	permits int   // notifications no waiter has taken yet
	semq    waitq // waiters parked on the semaphore
}

func (c *condWaitTicketImpl) Wait(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy() {
		return impl.ErrNotLocked
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.waiters++           // 1. count ourselves
	_ = c.releaseLocked() // 2. release the lock
	// BUG: counted but not parked. A Notify now releases a permit that any
	// waiter may take. The fix takes a ticket before the unlock and
	// waits for that ticket only.
	yieldUnlocked(&c.mu, "cond.wait.counted")
	// 3. take a permit, or park for one
	var err error
	if c.permits > 0 {
		c.permits--
	} else {
		w := newWaiter(&c.mu)
		c.semq.push(w)
		err = park(&c.mu, ctx, w)
		switch {
		case err == nil:
		case w.woken():
			c.signal() // notified but leaving: forward it (G8)
		default:
			c.semq.remove(w)
			c.waiters--
		}
	}
	c.reacquire(ctx) // 4. re-acquire the lock (G9)
	return err
}

// signal, with mu held, notifies one counted waiter: it hands a permit to
// the first waiter parked on the semaphore, or leaves it there for the next
// one to come. It reports false when no waiter is counted.
func (c *condWaitTicketImpl) signal() bool {
	if c.waiters == 0 {
		return false
	}
	c.waiters--
	if w := c.semq.pop(); w != nil {
		w.slot.Wake()
	} else {
		c.permits++
	}
	return true
}

func (c *condWaitTicketImpl) WaitFor(ctx context.Context, pred func() bool) error {
	if !c.Locked() {
		return impl.ErrNotLocked
	}
	for !pred() {
		if err := c.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (c *condWaitTicketImpl) Notify(n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy() {
		return impl.ErrNotLocked
	}
	for ; n > 0 && c.signal(); n-- {
	}
	return nil
}

func (c *condWaitTicketImpl) NotifyAll() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy() {
		return impl.ErrNotLocked
	}
	for c.signal() {
	}
	return nil
}

func condWaitTicket() Mutant {
	const name = "cond-wait-ticket"
	return Mutant{
		Name:      name,
		Primitive: model.Condition,
		Class:     ClassF,
		Pattern:   "Wait counts itself, unlocks, and only then takes a semaphore permit, so a Notify in between is consumed by a later waiter (golang/go#14064, sync.Cond before Go 1.7)",
		Target: condTarget(name, func(c *cond) prims.ConditionImpl {
			return &condWaitTicketImpl{lock: c.lock}
		}),
		Minimal: Size{Tasks: 2, Ops: 5, Preemptions: 1},
	}
}
