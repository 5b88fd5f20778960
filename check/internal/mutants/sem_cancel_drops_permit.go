// sem-cancel-drops-permit
//
// The bug: Release hands its permit to the first waiter; the waiter's
// context is cancelled before it resumes, it observes the cancel and
// returns ctx.Err(), and the permit it was handed goes nowhere: it is
// neither used nor passed on. Every such race loses a permit for good.
//
// Reference: the Semaphore analogue of bpo-23812 (asyncio.Queue: put_nowait
// handed an item to a blocked getter, the getter was cancelled before it
// resumed, and the item, already taken out of the queue on its behalf, was
// lost; queue-get-cancel-drops-item is the Queue copy): the permit plays
// the item. The Go dialect passes the permit on (G3, G11).
//
// Class W: the cancel must meet the grant before the waiter runs.
//
// Minimal counterexample (testdata/mutants/sem-cancel-drops-permit.scn),
// value 0, 2 tasks / 3 ops / 0 preemptions: W's acquire blocks; R releases,
// handing W the permit; W is cancelled and observes the cancel; W's next
// acquire blocks forever (Go: the permit came back, ok).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type semCancelDropsPermitImpl struct{ *sem }

func (s semCancelDropsPermitImpl) Acquire(ctx context.Context) error {
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
		// BUG: the permit handed to us is dropped. The correct code
		// passes it on: s.handOff().
	default:
		s.q.remove(w)
	}
	return err
}

func (s semCancelDropsPermitImpl) Release() { semaphore(s).Release() }

func semCancelDropsPermit() Mutant {
	const name = "sem-cancel-drops-permit"
	return Mutant{
		Name:      name,
		Primitive: model.Semaphore,
		Class:     ClassW,
		Pattern:   "the permit handed to a granted waiter is dropped when that waiter is cancelled before it resumes (Semaphore analogue of bpo-23812, asyncio.Queue item lost)",
		Target:    semTarget(name, func(s *sem) prims.SemaphoreImpl { return semCancelDropsPermitImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
		Params:    model.Params{"value": 0},
	}
}
