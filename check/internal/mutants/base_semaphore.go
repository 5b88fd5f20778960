package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// sem is the correct Semaphore and BoundedSemaphore the semaphore mutants
// are written against (see lock): FIFO hand-off (G11), and over-release
// detected at once by counting holders (G12).
type sem struct {
	mu      sched.Mutex
	value   int   // free permits, not counting those handed to waiters
	bounded bool  // a BoundedSemaphore
	bound   int   // its bound: the initial value
	holders int   // permits held by callers whose Acquire returned
	q       waitq // waiting, not granted
}

func newSem(rt sched.Runtime, value int, bounded bool) *sem {
	s := &sem{value: value, bounded: bounded, bound: value}
	s.mu.SetRuntime(rt)
	return s
}

func (s *sem) Acquire(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.takeOrQueue(ctx)
	if w == nil {
		return err
	}
	return s.resume(w, park(&s.mu, ctx, w))
}

// takeOrQueue, with mu held, takes a free permit if nobody waits (nil,
// nil), fails with a done ctx when it would block (nil, ctx.Err(), G2), or
// queues the caller (w, nil).
func (s *sem) takeOrQueue(ctx context.Context) (*waiter, error) {
	if s.value > 0 && s.q.empty() {
		s.value--
		s.holders++
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := newWaiter(&s.mu)
	s.q.push(w)
	return w, nil
}

// resume, with mu held, ends the blocked Acquire of w, which observed err.
func (s *sem) resume(w *waiter, err error) error {
	switch {
	case err == nil:
		s.holders++ // the permit handed to us is held from now on
	case w.woken():
		s.handOff() // granted, but we observed the cancel (G3): pass it on
	default:
		s.q.remove(w)
	}
	return err
}

// handOff, with mu held, gives one permit to the first waiter, or to the
// free permits if nobody waits.
func (s *sem) handOff() {
	if w := s.q.pop(); w != nil {
		w.slot.Wake()
		return
	}
	s.value++
}

func (s *sem) TryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.value > 0 && s.q.empty() {
		s.value--
		s.holders++
		return true
	}
	return false
}

// release, with mu held, returns a holder's permit.
func (s *sem) release() error {
	if s.bounded && s.holders == 0 {
		// Every permit is free or promised to a granted waiter (G12).
		return impl.ErrReleasedTooOften
	}
	s.holders--
	s.handOff()
	return nil
}

func (s *sem) Value() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value
}

func (s *sem) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value == 0 || !s.q.empty()
}

// semaphore is a Semaphore: Release has no result.
type semaphore struct{ *sem }

func (s semaphore) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	_ = s.release()
}

// boundedSem is a BoundedSemaphore.
type boundedSem struct{ *sem }

func (s boundedSem) Release() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.release()
}

func init() {
	register(model.Semaphore, func() harness.Target {
		return semTarget(baseName, func(s *sem) prims.SemaphoreImpl { return semaphore{s} })
	},
		semWakeupFlagStuck,
		semCancelDropsPermit,
		semFrontCancelStrands,
		semReleaseDoublePermit,
		semCheckThenQueue,
		semReleaseLostUpdate,
	)
	register(model.BoundedSemaphore, func() harness.Target {
		return bsemTarget(baseName, func(s *sem) prims.BoundedSemaphoreImpl { return boundedSem{s} })
	},
		bsemIgnoresPromised,
	)
}
