// event-set-store-loses-waiter
//
// The bug: Set loads the state word, sees it clear with nobody queued, and
// writes "set" with a plain store instead of a compare-and-swap from the
// value it loaded. A Wait that, between the load and the store, found the
// event clear sets the queued bit and parks: the store replaces the bit by
// the flag, nobody is woken (Set took the fast path, which has no queue to
// look at), and the waiter sleeps on an event that is set.
//
// Reference: lalinsky/zio#313 (an event's wait-queue word: removing the
// last waiter wrote a fixed state over it and lost a concurrent set(); fixed
// by operations that preserve what they do not own), the same lost update
// of one party's bit by another party's store.
//
// Class F: the preemption falls between two operations on the state word,
// inside Set, at the point "store".
//
// Minimal counterexample (fclass_test.go), 2 tasks / 2 ops / 1 preemption:
// S's set runs to "store" (it loaded a clear word); W's wait finds the
// event clear, sets the queued bit and parks; S stores "set": quiescent
// with W parked and the event set.

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type eventSetStoreLosesWaiterImpl struct{ *fevent }

func (e eventSetStoreLosesWaiterImpl) Set() {
	s := e.state.Load()
	if s&feventSet != 0 {
		return
	}
	if s&feventQueued != 0 {
		e.setSlow()
		return
	}
	// BUG: a store where the correct fast path is CompareAndSwap(s,
	// feventSet), which fails once a waiter has queued and sends Set to
	// the slow path that wakes it.
	e.state.Store(feventSet)
}

func eventSetStoreLosesWaiter() Mutant {
	const name = "event-set-store-loses-waiter"
	return Mutant{
		Name:      name,
		Primitive: model.Event,
		Class:     ClassF,
		Pattern:   "Set loads the word (clear, nobody queued) and stores \"set\" instead of CAS, wiping the queued bit of a Wait that parked in between: it sleeps on a set event (lalinsky/zio#313)",
		Target:    feventTarget(name, func(e *fevent) prims.EventImpl { return eventSetStoreLosesWaiterImpl{e} }),
		Minimal:   Size{Tasks: 2, Ops: 2, Preemptions: 1},
	}
}
