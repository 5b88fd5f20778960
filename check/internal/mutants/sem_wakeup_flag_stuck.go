// sem-wakeup-flag-stuck
//
// The bug: the Semaphore keeps a "wakeup scheduled" flag, set when a
// release wakes a waiter and cleared only when that waiter resumes
// normally; while it is set, Acquire does not take a free permit (somebody
// woken is on the way). A woken waiter that observes its cancel passes the
// permit back, but the flag stays set forever: every later Acquire blocks,
// with free permits.
//
// Reference: gh-90155 (asyncio.Semaphore, 3.10/3.11 era: _wakeup_scheduled
// was reset only after "await fut" returned normally; the cancelled path
// left it set and the semaphore hung; fixed by the hand-off rewrite in
// 3.10.8/3.11.1). Written here on the hand-off base, with the flag added.
//
// Class W: the cancel must meet the wake before the waiter runs.
//
// Minimal counterexample (testdata/mutants/sem-wakeup-flag-stuck.scn),
// value 0, 2 tasks / 3 ops / 0 preemptions: W's acquire blocks; R
// releases, waking W (flag set); W is cancelled and observes the cancel,
// giving the permit back (value 1); W's next acquire blocks forever (Go:
// ok).

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type semWakeupFlagStuckImpl struct {
	*sem
	wakeupScheduled bool
}

func (s *semWakeupFlagStuckImpl) Acquire(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.wakeupScheduled && s.value > 0 && s.q.empty() {
		s.value--
		s.holders++
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	w := newWaiter(&s.mu)
	s.q.push(w)
	err := park(&s.mu, ctx, w)
	switch {
	case err == nil:
		s.wakeupScheduled = false // reset only after a normal wake-up
		s.holders++
	case w.woken():
		// BUG: the permit goes on, but the flag raised for us stays
		// raised. The correct code clears it here too.
		s.handOff()
	default:
		s.q.remove(w)
	}
	return err
}

func (s *semWakeupFlagStuckImpl) TryAcquire() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.wakeupScheduled && s.value > 0 && s.q.empty() {
		s.value--
		s.holders++
		return true
	}
	return false
}

// handOff is sem.handOff raising the flag when it wakes somebody.
func (s *semWakeupFlagStuckImpl) handOff() {
	if w := s.q.pop(); w != nil {
		w.slot.Wake()
		s.wakeupScheduled = true
		return
	}
	s.value++
}

func (s *semWakeupFlagStuckImpl) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holders--
	s.handOff()
}

func semWakeupFlagStuck() Mutant {
	const name = "sem-wakeup-flag-stuck"
	return Mutant{
		Name:      name,
		Primitive: model.Semaphore,
		Class:     ClassW,
		Pattern:   "a 'wakeup scheduled' flag set on wake is cleared only on a normal resume, so cancelling the woken waiter makes every later acquire block with free permits (gh-90155, asyncio.Semaphore 3.10/3.11)",
		Target: semTarget(name, func(s *sem) prims.SemaphoreImpl {
			return &semWakeupFlagStuckImpl{sem: s}
		}),
		Minimal: Size{Tasks: 2, Ops: 3, Preemptions: 0},
		Params:  model.Params{"value": 0},
	}
}
