// sem-release-lost-update
//
// The bug: Release's fast path loads the state word (permits<<1 | queued),
// sees nobody queued, and writes the loaded value plus one permit with a
// plain store instead of a compare-and-swap from the value it loaded.
// Whatever changed the word between the load and the store is lost: an
// Acquire that found no permit and set the queued bit before parking (the
// waiter then sleeps with a permit free), another Release's permit, a
// TryAcquire's take.
//
// Reference: apache/nuttx#16197 ("Fix the SMP acquire/release pattern in
// sem_post": the count was read once, outside the compare-and-swap loop, so
// a post racing with another worked from a stale count and one post was
// lost).
//
// Class F: the preemption falls between two operations on the state word,
// inside Release, at the point "store".
//
// Minimal counterexample (fclass_test.go), value 0, 2 tasks / 2 ops /
// 1 preemption: R's release runs to "store" (it loaded 0 permits, nobody
// queued); W's acquire finds no permit, sets the queued bit and parks; R
// stores one permit and no queued bit: quiescent with W parked and value 1.

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type semReleaseLostUpdateImpl struct{ *fsem }

func (s semReleaseLostUpdateImpl) Release() {
	st := s.state.Load()
	if st&fsemQueued != 0 {
		s.releaseSlow()
		return
	}
	// BUG: a store of a value computed from a load that may be stale by
	// now; the correct fast path retries CompareAndSwap(st, st+fsemOne).
	s.state.Store(st + fsemOne)
}

func semReleaseLostUpdate() Mutant {
	const name = "sem-release-lost-update"
	return Mutant{
		Name:      name,
		Primitive: model.Semaphore,
		Class:     ClassF,
		Pattern:   "Release's fast path loads the permit word and stores load+1 instead of CAS, losing what changed in between: a waiter's queued bit, so it sleeps with a permit free (apache/nuttx#16197)",
		Target:    fsemTarget(name, func(s *fsem) prims.SemaphoreImpl { return semReleaseLostUpdateImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 2, Preemptions: 1},
		Params:    model.Params{"value": 0},
	}
}
