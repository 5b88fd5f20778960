// cond-notify-counts-notified
//
// The bug: Notify(n) walks the waiters from the front and counts every one
// it passes, including waiters an earlier Notify picked that have not
// resumed yet. Two Notify(1) calls in a row then wake one waiter, not two.
//
// Reference: asyncio.Condition.notify counts only the futures it completes
// ("if not fut.done(): idx += 1; fut.set_result(False)"); moving the count
// out of that guard is this bug. Probe C6 (specs/asyncio.md §4) and the Go
// dialect (G8: the first n waiters not already notified).
//
// Class S: whole steps, no cancel.
//
// Minimal counterexample (testdata/mutants/cond-notify-counts-notified.scn),
// 3 tasks / 7 ops / 0 preemptions: W1 and W2 wait; N acquires and notifies
// 1 twice; W2 was never notified (Go: both were).

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/model"
)

type condNotifyCountsNotifiedImpl struct{ *cond }

func (c condNotifyCountsNotifiedImpl) Notify(n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.busy() {
		return impl.ErrNotLocked
	}
	for _, w := range c.q.ws {
		if n <= 0 {
			break
		}
		// BUG: counted whether or not this Notify wakes it. The correct
		// code decrements n only when it wakes w.
		n--
		if !w.woken() {
			w.slot.Wake()
		}
	}
	return nil
}

func condNotifyCountsNotified() Mutant {
	const name = "cond-notify-counts-notified"
	return Mutant{
		Name:      name,
		Primitive: model.Condition,
		Class:     ClassS,
		Pattern:   "notify(n) counts waiters already notified but not resumed, so two notify(1) wake one waiter (asyncio.Condition.notify's 'if not fut.done()' guard, probe C6)",
		Target:    condTarget(name, func(c *cond) prims.ConditionImpl { return condNotifyCountsNotifiedImpl{c} }),
		Minimal:   Size{Tasks: 3, Ops: 7, Preemptions: 0},
	}
}
