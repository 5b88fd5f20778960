// sem-release-double-permit
//
// The bug: Release counts its permit as free and also hands it to the first
// waiter. Every release that meets a waiter creates a permit: the semaphore
// admits more holders than it has permits.
//
// Reference: Shopify/quilt#1394 (@shopify/semaphore: a permit's release did
// "availablePermits++" and then resolved the next deferred acquire with a
// new permit, without taking the free one back).
//
// Class S: whole steps, no cancel.
//
// Minimal counterexample (testdata/mutants/sem-release-double-permit.scn),
// value 0, 2 tasks / 3 ops / 0 preemptions: W's acquire blocks; R releases
// (W granted) and R's tryacquire succeeds (Go: false, the one permit is
// W's).

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type semReleaseDoublePermitImpl struct{ *sem }

func (s semReleaseDoublePermitImpl) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holders--
	// BUG: free and handed over. The correct code does one or the other:
	// s.handOff().
	s.value++
	if w := s.q.pop(); w != nil {
		w.slot.Wake()
	}
}

func semReleaseDoublePermit() Mutant {
	const name = "sem-release-double-permit"
	return Mutant{
		Name:      name,
		Primitive: model.Semaphore,
		Class:     ClassS,
		Pattern:   "Release increments the free permits and also hands the permit to the first waiter, creating a permit (Shopify/quilt#1394, @shopify/semaphore)",
		Target:    semTarget(name, func(s *sem) prims.SemaphoreImpl { return semReleaseDoublePermitImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
		Params:    model.Params{"value": 0},
	}
}
