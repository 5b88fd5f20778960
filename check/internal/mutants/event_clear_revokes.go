// event-clear-revokes
//
// The bug: Wait is the textbook condition-variable loop "for !set { park }":
// a waiter woken by Set looks at the flag again when it resumes, and if a
// Clear came first it goes back to sleep. A Set followed by a Clear (a
// pulse) is lost for every waiter that had not resumed yet, although Set
// granted them.
//
// Reference: specs/asyncio.md §3 and CPython's EventTests
// test_clear_with_waiters (set, clear, set with a waiter: it returns True
// exactly once); the Go dialect keeps grants (G5). Events built as
// while-not-flag-wait over a condition variable lose pulses this way (the
// reason Windows documents PulseEvent as unreliable).
//
// Class W: the Clear must run inside the wake window.
//
// Minimal counterexample (testdata/mutants/event-clear-revokes.scn),
// 2 tasks / 3 ops / 0 preemptions: W waits; S sets and clears; W resumes
// and parks again (Go: returns ok).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type eventClearRevokesImpl struct{ *event }

func (e eventClearRevokesImpl) Wait(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	// BUG: the flag is checked again after every wake. The correct code
	// returns once Set has granted it (see event.park).
	for !e.set {
		if err := ctx.Err(); err != nil {
			return err
		}
		w := newWaiter(&e.mu)
		e.q.push(w)
		if err := park(&e.mu, ctx, w); err != nil {
			e.q.remove(w)
			return err
		}
	}
	return nil
}

func eventClearRevokes() Mutant {
	const name = "event-clear-revokes"
	return Mutant{
		Name:      name,
		Primitive: model.Event,
		Class:     ClassW,
		Pattern:   "a waiter woken by Set re-checks the flag and sleeps again if Clear came first, so a Set-Clear pulse is lost (CPython test_clear_with_waiters, specs/asyncio.md §3)",
		Target:    eventTarget(name, func(e *event) prims.EventImpl { return eventClearRevokesImpl{e} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
	}
}
