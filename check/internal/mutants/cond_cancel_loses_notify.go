// cond-cancel-loses-notify
//
// The bug: a waiter that Notify picked, whose context is cancelled before it
// resumes and which observes the cancel, returns ctx.Err() (with the lock,
// correctly) but does not pass its notification on. The notification was
// meant for one waiter; nobody gets it, and another waiter sleeps on.
//
// Reference: gh-112202 (asyncio.Condition, fixed in 3.13 by
// python/cpython#112201: a cancelled notified waiter forwards the
// notification); the Go dialect forwards it too (G8).
//
// Class W: the cancel must meet the notification before the waiter runs.
//
// Minimal counterexample (testdata/mutants/cond-cancel-loses-notify.scn),
// 2 tasks / 5 ops / 0 preemptions: W waits; N acquires, notifies 1 (W) and
// waits itself; W is cancelled and observes the cancel; N sleeps on (Go: W
// forwards the notification to N).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type condCancelLosesNotifyImpl struct{ *cond }

func (c condCancelLosesNotifyImpl) Wait(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	w, err := c.enter(ctx)
	if w == nil {
		return err
	}
	err = park(&c.mu, ctx, w)
	c.q.remove(w)
	// BUG: nothing forwards the notification of a notified waiter that
	// observed its cancel. The correct code:
	//	if err != nil && w.woken() { c.forward() }
	c.reacquire(ctx)
	return err
}

func condCancelLosesNotify() Mutant {
	const name = "cond-cancel-loses-notify"
	return Mutant{
		Name:      name,
		Primitive: model.Condition,
		Class:     ClassW,
		Pattern:   "a notified waiter cancelled before it resumes returns the cancel without forwarding its notification, so another waiter sleeps on (gh-112202, asyncio.Condition before 3.13)",
		Target:    condTarget(name, func(c *cond) prims.ConditionImpl { return condCancelLosesNotifyImpl{c} }),
		Minimal:   Size{Tasks: 2, Ops: 5, Preemptions: 0},
	}
}
