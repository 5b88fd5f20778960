package prims

import (
	"container/list"
	"context"

	"github.com/syncheck/syncheck/impl/sched"
)

// WeightedPort is golang.org/x/sync/semaphore.Weighted (v0.24.0) ported
// onto impl/sched, so that the controlled scheduler owns its
// interleavings: a sched.Mutex for its state, one sched.Slot per waiter
// instead of the ready channel, and the same algorithm (FIFO without
// overtaking, notifyWaiters, acquires of more than size parked apart).
// It is the built-in Weighted (impl has none: its public surface stays
// as it is), with the go dialect's choices where x/sync's differ (G20):
//
//   - a done ctx fails only an acquire that would block (G2); x/sync
//     fails first ("We prefer to fail");
//   - a waiter that observes its wake returns ok whatever cancel arrived
//     since (G3); x/sync checks done again and gives the tokens back;
//   - a cancelled waiter that leaves always re-examines the queue;
//     x/sync only when it was the front one and size > cur.
//
// With xsync set it makes x/sync's choices instead: x/sync's own
// algorithm, judged against the x/sync dialect (TestWeightedPortXSync).
type WeightedPort struct {
	mu      sched.Mutex
	size    int64
	cur     int64
	waiters list.List // of *weightedWaiter
	xsync   bool
}

type weightedWaiter struct {
	n    int64
	slot sched.Slot // woken when the tokens are granted (x/sync: close(ready))
}

// NewWeightedPort returns a port of size size under rt (nil: production).
func NewWeightedPort(rt sched.Runtime, size int64, xsync bool) *WeightedPort {
	if size < 0 {
		panic("semaphore: size < 0")
	}
	s := &WeightedPort{size: size, xsync: xsync}
	s.mu.SetRuntime(rt)
	return s
}

// Acquire takes n tokens, blocking until they are granted or ctx is done.
func (s *WeightedPort) Acquire(ctx context.Context, n int64) error {
	if n < 0 {
		panic("semaphore: n < 0")
	}
	s.mu.Lock()
	if s.xsync && ctx.Err() != nil {
		// x/sync: a done ctx fails first, even if the tokens are free.
		s.mu.Unlock()
		return ctx.Err()
	}
	if s.size-s.cur >= n && s.waiters.Len() == 0 {
		s.cur += n
		s.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		// G2: it would block with a done ctx. (In x/sync a ctx done here
		// queues the waiter and removes it at once, with no effect anyone
		// can see.)
		s.mu.Unlock()
		return err
	}
	if n > s.size {
		// Don't make other Acquire calls block on one that's doomed to
		// fail: park on a slot nobody wakes, until ctx is done.
		slot := new(sched.Slot)
		slot.Init(&s.mu)
		s.mu.Unlock()
		return slot.Wait(ctx)
	}
	w := &weightedWaiter{n: n}
	w.slot.Init(&s.mu)
	elem := s.waiters.PushBack(w)
	s.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		if s.xsync && ctx.Err() != nil {
			// x/sync: acquired, but ctx is done: give them back.
			s.Release(n)
			return ctx.Err()
		}
		return nil
	}
	s.mu.Lock()
	if w.slot.Woken() {
		// Granted after we were cancelled: put the tokens back.
		s.cur -= n
		s.notifyWaiters()
	} else {
		isFront := s.waiters.Front() == elem
		s.waiters.Remove(elem)
		// golang/go#37852: the waiters behind may fit now. (x/sync: only
		// when we were at the front and tokens are free.)
		if !s.xsync || isFront && s.size > s.cur {
			s.notifyWaiters()
		}
	}
	s.mu.Unlock()
	return err
}

// TryAcquire takes n tokens if they are free and nobody waits.
func (s *WeightedPort) TryAcquire(n int64) bool {
	if n < 0 {
		panic("semaphore: n < 0")
	}
	s.mu.Lock()
	ok := s.size-s.cur >= n && s.waiters.Len() == 0
	if ok {
		s.cur += n
	}
	s.mu.Unlock()
	return ok
}

// Release gives n tokens back; it panics on more than are taken.
func (s *WeightedPort) Release(n int64) {
	if n < 0 {
		panic("semaphore: n < 0")
	}
	s.mu.Lock()
	s.cur -= n
	if s.cur < 0 {
		s.mu.Unlock()
		panic("semaphore: released more than held")
	}
	s.notifyWaiters()
	s.mu.Unlock()
}

// notifyWaiters grants the waiters from the front while the front one
// fits, and leaves the rest blocked (no overtaking: a large request is
// not starved by small ones).
func (s *WeightedPort) notifyWaiters() {
	for {
		next := s.waiters.Front()
		if next == nil {
			return
		}
		w := next.Value.(*weightedWaiter)
		if s.size-s.cur < w.n {
			return
		}
		s.cur += w.n
		s.waiters.Remove(next)
		w.slot.Wake()
	}
}
