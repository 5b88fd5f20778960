// bsem-ignores-promised
//
// The bug: BoundedSemaphore.Release detects an over-release by comparing
// the free permits with the bound, not counting the permits already handed
// to waiters that have not resumed. An extra release inside a wake window
// is accepted and creates a permit; the legitimate release that comes later
// is the one refused.
//
// Reference: asyncio.BoundedSemaphore since 3.10.8 ("if self._value >=
// self._bound_value: raise ValueError" over the hand-off Semaphore; probe
// S6, specs/asyncio.md §5). That is asyncio behaviour, a legitimate dialect
// difference, but a bug against the Go dialect, which counts promised
// permits and refuses the faulty release itself (G12).
//
// Class W: the extra release must land in the wake window.
//
// Minimal counterexample (testdata/mutants/bsem-ignores-promised.scn),
// value 1, 2 tasks / 4 ops / 0 preemptions: W takes the permit and its
// second acquire blocks; R releases (W granted) and releases again: ok
// (Go: released-too-often).

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/model"
)

type bsemIgnoresPromisedImpl struct{ *sem }

func (s bsemIgnoresPromisedImpl) Release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// BUG: asyncio's test; permits promised to granted waiters are not
	// counted. The correct test is s.holders == 0.
	if s.value >= s.bound {
		return impl.ErrReleasedTooOften
	}
	s.holders--
	s.handOff()
	return nil
}

func bsemIgnoresPromised() Mutant {
	const name = "bsem-ignores-promised"
	return Mutant{
		Name:      name,
		Primitive: model.BoundedSemaphore,
		Class:     ClassW,
		Pattern:   "BoundedSemaphore.Release checks value >= bound, ignoring permits promised to granted waiters, so an over-release in the wake window is accepted (asyncio >= 3.10.8 BoundedSemaphore, probe S6; a dialect difference, a bug against G12)",
		Target:    bsemTarget(name, func(s *sem) prims.BoundedSemaphoreImpl { return bsemIgnoresPromisedImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 4, Preemptions: 0},
		Params:    model.Params{"value": 1},
	}
}
