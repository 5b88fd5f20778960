package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/model"
)

// cond is the correct Condition the Condition mutants are written against
// (see lock). Several conds share one lock, whose mutex guards them all.
//
// Its queue is asyncio's: a waiter stays in it from Wait until it resumes,
// notified or not, and Notify skips the notified ones.
type cond struct {
	*lock
	q waitq // every waiter that has not resumed yet
	// outer is the Condition this one is the base of (itself, or the
	// mutant that embeds it): WaitFor calls its Wait.
	outer interface{ Wait(context.Context) error }
}

// newConds returns n Conditions sharing one Lock, each mk of a fresh cond.
func newConds(l *lock, n int, mk func(*cond) prims.ConditionImpl) []prims.ConditionImpl {
	cs := make([]prims.ConditionImpl, n)
	for i := range cs {
		c := &cond{lock: l}
		cs[i] = mk(c)
		c.outer = cs[i]
	}
	return cs
}

func (c *cond) Wait(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, err := c.enter(ctx)
	if w == nil {
		return err
	}
	err = park(&c.mu, ctx, w)
	c.q.remove(w)
	if err != nil && w.woken() {
		// Notified, but we observed the cancel: pass the notification on
		// (G8).
		c.forward()
	}
	c.reacquire(ctx) // uncancellable, keeps its place (G9)
	return err
}

// enter, with mu held, is the first half of Wait: the lock check (G6), the
// done-ctx check (G7), then the lock's release and the registration in one
// critical section. It returns the queued waiter, or nil and the error the
// Wait returns at once.
func (c *cond) enter(ctx context.Context) (*waiter, error) {
	if !c.busy() {
		return nil, impl.ErrNotLocked
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	_ = c.releaseLocked()
	w := newWaiter(&c.mu)
	c.q.push(w)
	return w, nil
}

// forward, with mu held, notifies the first waiter not notified yet.
func (c *cond) forward() {
	if w := c.q.firstNotWoken(); w != nil {
		w.slot.Wake()
	}
}

func (c *cond) WaitFor(ctx context.Context, pred func() bool) error {
	if !c.Locked() {
		return impl.ErrNotLocked
	}
	for !pred() {
		if err := c.outer.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (c *cond) Notify(n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy() {
		return impl.ErrNotLocked
	}
	for _, w := range c.q.ws {
		if n <= 0 {
			break
		}
		if !w.woken() {
			w.slot.Wake()
			n--
		}
	}
	return nil
}

func (c *cond) NotifyAll() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy() {
		return impl.ErrNotLocked
	}
	for _, w := range c.q.ws {
		if !w.woken() {
			w.slot.Wake()
		}
	}
	return nil
}

func init() {
	register(model.Condition, func() harness.Target { return condTarget(baseName, func(c *cond) prims.ConditionImpl { return c }) },
		condCancelLosesNotify,
		condCancelSkipsRelock,
		condNotifyCountsNotified,
		condNotifyUnlocked,
		condWaitTicket)
}
