// weighted-front-cancel-strands
//
// The bug: a waiter whose context is done leaves the queue without
// looking whether the waiters behind it can now be served. When it was
// the front one, the next waiter may fit in the tokens already free, but
// nobody grants it: FIFO keeps newcomers behind it, and it waits until
// some later release, forever if none comes.
//
// Reference: golang/go#37852 (x/sync/semaphore: the cancel branch of
// Acquire removed the waiter without "if isFront && s.size > s.cur {
// s.notifyWaiters() }", fixed in x/sync in 2020). The unit-permit copy is
// sem-front-cancel-strands (class W); with weights it takes no wake
// window, only the order of whole calls.
//
// Class S: a plain order of whole operations (and a cancel) kills it.
//
// Minimal counterexample (testdata/mutants/weighted-front-cancel-strands.scn),
// size 2, 2 tasks / 3 ops / 0 preemptions: H takes 1 token; H's wacquire 2
// queues (1 free); W's wacquire 1 queues behind it (it fits, but H is
// ahead: no overtaking); H is cancelled and leaves: W fits and is granted
// (go, and x/sync since the fix), but the mutant leaves W parked with a
// token free.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/model"
)

type weightedFrontCancelStrandsImpl struct{ *weighted }

func (s weightedFrontCancelStrandsImpl) Acquire(ctx context.Context, n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.takeOrQueue(ctx, n)
	if w == nil {
		return err
	}
	if err := park(&s.mu, ctx, w.waiter); err != nil {
		// BUG: the correct code re-examines the queue when it leaves it:
		// s.cancelled(w, true).
		s.cancelled(w, false)
		return err
	}
	return nil
}

func weightedFrontCancelStrands() Mutant {
	const name = "weighted-front-cancel-strands"
	return Mutant{
		Name:      name,
		Primitive: model.Weighted,
		Class:     ClassS,
		Pattern:   "a cancelled front waiter leaves the queue without re-examining it, so the waiter behind it, which fits in the free tokens, is never granted (golang/go#37852, x/sync/semaphore)",
		Target:    weightedTarget(name, func(s *weighted) weightedImpl { return weightedFrontCancelStrandsImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
		Params:    model.Params{"size": 2},
	}
}
