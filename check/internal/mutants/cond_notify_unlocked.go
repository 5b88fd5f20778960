// cond-notify-unlocked
//
// The bug: Notify does not check that the lock is locked. It succeeds, and
// wakes a waiter, when nobody holds the lock: the notifier cannot have
// changed the state under the lock, and an unlocked notify between a
// waiter's predicate check and its Wait is the classic lost wakeup.
//
// Reference: sync.Cond.Signal ("It is allowed but not required for the
// caller to hold c.L"), copied into a dialect that requires it: asyncio
// raises RuntimeError("cannot notify on un-acquired lock"), the Go dialect
// returns ErrNotLocked (G6).
//
// Class S: one sequential call.
//
// Minimal counterexample (testdata/mutants/cond-notify-unlocked.scn),
// 1 task / 1 op / 0 preemptions: N notifies 1 without the lock; ok (Go:
// not-locked).

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type condNotifyUnlockedImpl struct{ *cond }

func (c condNotifyUnlockedImpl) Notify(n int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	// BUG: no lock check. The correct code starts with
	//	if !c.busy() { return impl.ErrNotLocked }
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

func condNotifyUnlocked() Mutant {
	const name = "cond-notify-unlocked"
	return Mutant{
		Name:      name,
		Primitive: model.Condition,
		Class:     ClassS,
		Pattern:   "Notify does not check that the lock is held and succeeds unlocked (sync.Cond.Signal semantics; asyncio raises RuntimeError, Go dialect G6)",
		Target:    condTarget(name, func(c *cond) prims.ConditionImpl { return condNotifyUnlockedImpl{c} }),
		Minimal:   Size{Tasks: 1, Ops: 1, Preemptions: 0},
	}
}
