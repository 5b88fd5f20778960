// sem-check-then-queue
//
// The bug: Acquire finds no free permit, lets the mutex go, and takes it
// again to queue, without looking at the permits a second time. A Release
// that runs in between finds nobody to hand its permit to and frees it; the
// acquirer then queues behind nobody and parks, with a permit free, until
// some later Release.
//
// Reference: marusama/semaphore#2 ("Fix race condition resulting in hung
// Acquire()": Acquire saw the semaphore full, Release then swapped and
// closed the broadcast channel, and Acquire grabbed the new channel, which
// nobody would close).
//
// Class F: the preemption falls inside Acquire, at the point
// "sem.acquire.full".
//
// Minimal counterexample (fclass_test.go), value 0, 2 tasks / 2 ops /
// 1 preemption: W's acquire runs to "sem.acquire.full" and is preempted;
// R's release frees the permit; W queues and parks: quiescent with W parked
// and value 1.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type semCheckThenQueueImpl struct{ *sem }

func (s semCheckThenQueueImpl) Acquire(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value > 0 && s.q.empty() {
		s.value--
		s.holders++
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	yieldUnlocked(&s.mu, "sem.acquire.full")
	// BUG: queues on the strength of the check above. The correct code
	// checks and queues in one critical section: s.takeOrQueue(ctx).
	w := newWaiter(&s.mu)
	s.q.push(w)
	return s.resume(w, park(&s.mu, ctx, w))
}

func (s semCheckThenQueueImpl) Release() { semaphore(s).Release() }

func semCheckThenQueue() Mutant {
	const name = "sem-check-then-queue"
	return Mutant{
		Name:      name,
		Primitive: model.Semaphore,
		Class:     ClassF,
		Pattern:   "Acquire sees no permit, unlocks, then re-locks to queue and parks without re-checking, so a Release in between leaves it parked with a permit free (marusama/semaphore#2)",
		Target:    semTarget(name, func(s *sem) prims.SemaphoreImpl { return semCheckThenQueueImpl{s} }),
		Minimal:   Size{Tasks: 2, Ops: 2, Preemptions: 1},
		Params:    model.Params{"value": 0},
	}
}
