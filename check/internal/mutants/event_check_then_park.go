// event-check-then-park
//
// The bug: Wait checks the flag under the mutex, lets the mutex go (to
// build its waiter record outside the critical section, say), then takes it
// again to register and parks without looking at the flag a second time. A
// Set that runs in between finds nobody to wake and sets the flag; the
// waiter then registers and sleeps on an event that is set: a lost wakeup.
//
// Reference: the check-then-park lost wakeup, as in Chatterino/chatterino2
// #6316 (OnceFlag: "T1: check; T2: set & notify; T1: wait [missed
// wakeup]") and lalinsky/zio#342 (a signal between the check and the
// store of .preparing_to_wait).
//
// Class F: the preemption falls inside Wait, at the point
// "event.wait.checked"; whole-step scenarios run Wait through it.
//
// Minimal counterexample (fclass_test.go), 2 tasks / 2 ops / 1 preemption:
// W's wait runs to "event.wait.checked" (flag clear) and is preempted; S's
// set runs (no waiter yet); W registers and parks: quiescent with W parked
// and the event set.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type eventCheckThenParkImpl struct{ *event }

func (e eventCheckThenParkImpl) Wait(ctx context.Context) error {
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		e.mu.Unlock()
		return err
	}
	yieldUnlocked(&e.mu, "event.wait.checked")
	// BUG: registers on the strength of the check above, which a Set may
	// have made stale. The correct code checks and registers in one
	// critical section (or checks e.set again here).
	w := newWaiter(&e.mu)
	e.q.push(w)
	e.mu.Unlock()
	return e.park(ctx, w)
}

func eventCheckThenPark() Mutant {
	const name = "event-check-then-park"
	return Mutant{
		Name:      name,
		Primitive: model.Event,
		Class:     ClassF,
		Pattern:   "Wait checks the flag, unlocks, then re-locks to register and parks without re-checking, so a Set in between is lost (check-then-park lost wakeup, Chatterino/chatterino2#6316)",
		Target:    eventTarget(name, func(e *event) prims.EventImpl { return eventCheckThenParkImpl{e} }),
		Minimal:   Size{Tasks: 2, Ops: 2, Preemptions: 1},
	}
}
