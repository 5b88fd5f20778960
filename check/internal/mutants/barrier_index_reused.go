// barrier-index-reused
//
// The bug: a party's index is the number of parties already waiting when
// it arrives (asyncio's idx = count at entry), not its place among the
// parties that trip the cycle. After a party cancelled while filling has
// left, the next arrival gets an index a party still waiting already has:
// two parties of one cycle return the same index, and an index is
// missing.
//
// Reference: CPython gh-155233 (asyncio.Barrier: index repeats in a cycle
// after a cancel while filling; specs/asyncio.md §7, probe B3: indices 1,
// 1, 2); the Go dialect assigns indices at the trip (G18).
//
// Class S: a plain order of whole operations kills it, with a cancel of a
// waiting (not released) party.
//
// Minimal counterexample (testdata/mutants/barrier-index-reused.scn),
// 3 tasks / 4 ops / 0 preemptions, parties 3: A and B wait; A is cancelled
// and leaves; A waits again and gets index 1 at entry, as B did; C trips
// the cycle; B returns 1 (Go: 0).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/model"
)

type barrierIndexReusedImpl struct {
	*barrier
	entry map[*waiter]int // each waiting party's index, taken at entry
}

func (b barrierIndexReusedImpl) Wait(ctx context.Context) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.broken {
		return -1, impl.ErrBrokenBarrier
	}
	// BUG: the index is the count at entry. The correct code numbers the
	// parties when the cycle trips (see barrier.trip).
	idx := len(b.q.ws)
	if idx+1 == b.parties {
		b.trip(func(_ int, w *waiter) int { i := b.entry[w]; delete(b.entry, w); return i })
		return idx, nil
	}
	if err := ctx.Err(); err != nil {
		return -1, err
	}
	w := newWaiter(&b.mu)
	b.q.push(w)
	b.entry[w] = idx
	i, err := b.resume(w, park(&b.mu, ctx, w))
	delete(b.entry, w)
	return i, err
}

func barrierIndexReused() Mutant {
	const name = "barrier-index-reused"
	return Mutant{
		Name:      name,
		Primitive: model.Barrier,
		Class:     ClassS,
		Pattern:   "a party's index is the count of parties waiting at its entry, so after a party cancelled while filling has left, an index repeats in one cycle (CPython gh-155233, specs/asyncio.md §7 probe B3)",
		Target: barrierTarget(name, func(b *barrier) prims.BarrierImpl {
			return barrierIndexReusedImpl{b, map[*waiter]int{}}
		}),
		Minimal: Size{Tasks: 3, Ops: 4, Preemptions: 0},
		Params:  model.Params{"parties": 3},
	}
}
