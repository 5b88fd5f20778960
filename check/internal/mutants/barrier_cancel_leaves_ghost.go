// barrier-cancel-leaves-ghost
//
// The bug: a party whose context is done while it waits returns ctx.Err()
// but does not leave the cycle: its record stays counted as a waiting
// party (a ghost), so a later arrival trips the barrier one live party
// short, and the ghost's index is given to nobody.
//
// Reference: specs/asyncio.md §7 step 4 (asyncio leaves the barrier in a
// finally clause that runs on cancellation too; probe B3: a cancel takes
// the party out and count drops by one) and G18; a cleanup forgotten on
// the cancellation path, the pattern of bpo-23812.
//
// Class S: a plain order of whole operations kills it, with a cancel of a
// waiting party.
//
// Minimal counterexample (testdata/mutants/barrier-cancel-leaves-ghost.scn),
// 1 task / 2 ops / 0 preemptions, parties 2: A waits, is cancelled and
// returns cancelled; A waits again and trips the barrier alone, with index
// 1 (Go: it blocks, the only party waiting).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type barrierCancelLeavesGhostImpl struct{ *barrier }

func (b barrierCancelLeavesGhostImpl) Wait(ctx context.Context) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w, i, err := b.enter(ctx)
	if w == nil {
		return i, err
	}
	err = park(&b.mu, ctx, w)
	if _, woken := b.out[w]; woken {
		return b.resume(w, err)
	}
	// BUG: cancelled while waiting, it returns without leaving the cycle.
	// The correct code takes it out of the queue (see barrier.resume).
	return -1, err
}

func barrierCancelLeavesGhost() Mutant {
	const name = "barrier-cancel-leaves-ghost"
	return Mutant{
		Name:      name,
		Primitive: model.Barrier,
		Class:     ClassS,
		Pattern:   "a party cancelled while filling returns ctx.Err() but stays counted, so the barrier later trips one live party short (specs/asyncio.md §7 step 4, G18; the forgotten-cleanup pattern of bpo-23812)",
		Target: barrierTarget(name, func(b *barrier) prims.BarrierImpl {
			return barrierCancelLeavesGhostImpl{b}
		}),
		Minimal: Size{Tasks: 1, Ops: 2, Preemptions: 0},
		Params:  model.Params{"parties": 2},
	}
}
