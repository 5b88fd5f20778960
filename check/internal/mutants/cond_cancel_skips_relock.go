// cond-cancel-skips-relock
//
// The bug: Wait re-acquires the lock with its own context, the natural
// l.Acquire(ctx). Once that context is cancelled, the re-acquire fails as
// soon as the lock is contended, and Wait returns ctx.Err() without the
// lock, which its caller then releases (or unlocks someone else's hold).
//
// Reference: bpo-22970 (asyncio.Condition.wait, python/asyncio#346:
// "Instead of cancelling waiting for the notification, the cancel call will
// cancel the lock reacquisition, returning control to the calling task
// without the lock being held"). The Go dialect returns with the lock held,
// on cancellation too, and re-acquires uncancellably (G7, G9).
//
// Class S: a cancel delivered to a blocked waiter, then whole steps.
//
// Minimal counterexample (testdata/mutants/cond-cancel-skips-relock.scn),
// 2 tasks / 3 ops / 0 preemptions: W acquires and waits; N acquires; W is
// cancelled and its wait returns cancelled at once, without the lock (Go:
// it blocks re-acquiring, behind N).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type condCancelSkipsRelockImpl struct{ *cond }

func (c condCancelSkipsRelockImpl) Wait(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, err := c.enter(ctx)
	if w == nil {
		return err
	}
	err = park(&c.mu, ctx, w)
	c.q.remove(w)
	if err != nil && w.woken() {
		c.forward()
	}
	// BUG: the re-acquire honours the cancelled ctx. The correct code
	// re-acquires uncancellably: c.reacquire(ctx).
	if lerr := c.acquireLocked(ctx); lerr != nil {
		return lerr
	}
	return err
}

func condCancelSkipsRelock() Mutant {
	const name = "cond-cancel-skips-relock"
	return Mutant{
		Name:      name,
		Primitive: model.Condition,
		Class:     ClassS,
		Pattern:   "Wait re-acquires the lock with its own, cancelled, context and returns without the lock (bpo-22970, asyncio.Condition.wait)",
		Target:    condTarget(name, func(c *cond) prims.ConditionImpl { return condCancelSkipsRelockImpl{c} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
	}
}
