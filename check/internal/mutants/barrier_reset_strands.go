// barrier-reset-strands
//
// The bug: Reset starts a fresh cycle by forgetting the waiting parties
// instead of waking them: they stay parked forever, although the reset
// sent them away broken.
//
// Reference: specs/asyncio.md §7 reset() (notify_all, so that the waiting
// parties raise BrokenBarrierError; probe B4, test_reset_barrier_when_tasks_waiting)
// and G19. A cyclic barrier that resets by starting a new generation
// without a broadcast strands the old one's waiters.
//
// Class S: a plain order of whole operations kills it.
//
// Minimal counterexample (testdata/mutants/barrier-reset-strands.scn),
// 2 tasks / 2 ops / 0 preemptions, parties 2: A waits; R resets; A stays
// parked (Go: it returns broken-barrier), a lost wakeup.

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type barrierResetStrandsImpl struct{ *barrier }

func (b barrierResetStrandsImpl) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	// BUG: a new cycle, but the waiting parties are not woken. The correct
	// code sends each away broken (see barrier.breakCycle).
	b.q.ws = nil
	b.broken = false
}

func barrierResetStrands() Mutant {
	const name = "barrier-reset-strands"
	return Mutant{
		Name:      name,
		Primitive: model.Barrier,
		Class:     ClassS,
		Pattern:   "Reset starts a new cycle without waking the parties waiting in the old one, which stay parked forever (specs/asyncio.md §7 reset() notify_all, probe B4; G19)",
		Target: barrierTarget(name, func(b *barrier) prims.BarrierImpl {
			return barrierResetStrandsImpl{b}
		}),
		Minimal: Size{Tasks: 2, Ops: 2, Preemptions: 0},
		Params:  model.Params{"parties": 2},
	}
}
