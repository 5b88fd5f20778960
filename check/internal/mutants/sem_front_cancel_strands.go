// sem-front-cancel-strands
//
// The bug: the front waiter, handed a permit and cancelled before it
// resumes, puts the permit back among the free ones and leaves the queue
// without looking whether the waiter behind it can now be served. The
// permit is free, the next waiter is queued, and FIFO keeps newcomers
// behind it: it waits forever with a permit free.
//
// Reference: golang/go#37852 (x/sync/semaphore: a cancelled front waiter
// was removed from the queue without notifyWaiters re-checking whether the
// new front fits, so a waiter behind it waited forever with tokens free).
// With unit permits the front waiter only blocks the others while it holds
// a grant, so this copy needs the grant: class W here, where the weighted
// original is class S.
//
// Class W: the cancel must meet the grant before the waiter runs.
//
// Minimal counterexample (testdata/mutants/sem-front-cancel-strands.scn),
// value 0, 2 tasks / 3 ops / 0 preemptions: W's acquire blocks; R releases,
// handing W the permit, and R's acquire queues behind W; W is cancelled and
// observes the cancel: value 1 and R parked forever (Go: W passes the permit
// to R).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type semFrontCancelStrandsImpl struct{ *sem }

func (s semFrontCancelStrandsImpl) Acquire(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.takeOrQueue(ctx)
	if w == nil {
		return err
	}
	err = park(&s.mu, ctx, w)
	switch {
	case err == nil:
		s.holders++
	case w.woken():
		// BUG: back to the free permits, past the queue. The correct code
		// gives it to the next waiter first: s.handOff().
		s.value++
	default:
		s.q.remove(w)
	}
	return err
}

func (s semFrontCancelStrandsImpl) Release() { semaphore(s).Release() }

func semFrontCancelStrands() Mutant {
	const name = "sem-front-cancel-strands"
	return Mutant{
		Name:      name,
		Primitive: model.Semaphore,
		Class:     ClassW,
		Pattern:   "a cancelled front waiter returns its permit to the free pool and leaves without waking the next waiter, stranded behind it with a permit free (golang/go#37852 shape with unit permits, x/sync/semaphore)",
		Target:    semTarget(name, func(s *sem) prims.SemaphoreImpl { return semFrontCancelStrandsImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
		Params:    model.Params{"value": 0},
	}
}
