package mutants

import (
	"context"
	"slices"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// weighted is the correct Weighted semaphore the weighted mutants are
// written against (see lock): x/sync's semaphore.Weighted ported onto
// impl/sched with the go dialect's choices (G20), as the built-in one is,
// but written over the mutants' own waiter records.
type weighted struct {
	mu      sched.Mutex
	size    int64
	cur     int64
	waiters []*wwaiter // FIFO, not granted
}

type wwaiter struct {
	*waiter
	n int64
}

func newWeighted(rt sched.Runtime, size int64) *weighted {
	s := &weighted{size: size}
	s.mu.SetRuntime(rt)
	return s
}

func (s *weighted) Acquire(ctx context.Context, n int64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, err := s.takeOrQueue(ctx, n)
	if w == nil {
		return err
	}
	if err := park(&s.mu, ctx, w.waiter); err != nil {
		s.cancelled(w, true)
		return err
	}
	return nil
}

// takeOrQueue, with mu held, takes n free tokens if nobody waits (nil,
// nil), fails with a done ctx when it would block (nil, ctx.Err(), G2),
// parks an acquire of more than size until ctx is done (nil, ctx.Err()),
// or queues the caller (w, nil).
func (s *weighted) takeOrQueue(ctx context.Context, n int64) (*wwaiter, error) {
	if s.size-s.cur >= n && len(s.waiters) == 0 {
		s.cur += n
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if n > s.size {
		// Doomed: wait for the cancel, blocking nobody.
		return nil, park(&s.mu, ctx, newWaiter(&s.mu))
	}
	w := &wwaiter{waiter: newWaiter(&s.mu), n: n}
	s.waiters = append(s.waiters, w)
	return w, nil
}

// cancelled, with mu held, ends the Acquire of w, which observed its
// cancel: granted since, it gives the tokens back; otherwise it leaves
// the queue, and with reexamine the waiters behind it are looked at
// again (golang/go#37852's fix).
func (s *weighted) cancelled(w *wwaiter, reexamine bool) {
	if w.woken() {
		s.cur -= w.n
		s.notify()
		return
	}
	i := slices.Index(s.waiters, w)
	s.waiters = slices.Delete(s.waiters, i, i+1)
	if reexamine {
		s.notify()
	}
}

// notify, with mu held, grants waiters from the front while the front
// one fits.
func (s *weighted) notify() {
	for len(s.waiters) > 0 && s.size-s.cur >= s.waiters[0].n {
		w := s.waiters[0]
		s.waiters = s.waiters[1:]
		s.cur += w.n
		w.slot.Wake()
	}
}

func (s *weighted) TryAcquire(n int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.size-s.cur >= n && len(s.waiters) == 0 {
		s.cur += n
		return true
	}
	return false
}

func (s *weighted) Release(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur -= n
	if s.cur < 0 {
		panic("semaphore: released more than held")
	}
	s.notify()
}

// weightedImpl is the full method set of a weighted semaphore.
type weightedImpl interface {
	prims.WeightedCore
	TryAcquire(n int64) bool
}

func weightedTarget(name string, mk func(*weighted) weightedImpl) harness.Target {
	return prims.Weighted(name, func(rt sched.Runtime, size int64) weightedImpl {
		return mk(newWeighted(rt, size))
	})
}

func init() {
	register(model.Weighted, func() harness.Target {
		return weightedTarget(baseName, func(s *weighted) weightedImpl { return s })
	},
		weightedFrontCancelStrands,
	)
}
