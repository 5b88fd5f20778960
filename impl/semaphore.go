package impl

import (
	"context"
	"math"

	"github.com/syncheck/syncheck/impl/sched"
)

// The semaphores keep everything the fast paths need in one 64-bit state
// word, so that Acquire and Release are a single CAS while nobody waits:
//
//	Semaphore:         value<<1 | queued
//	BoundedSemaphore:  value<<32 | holders<<1 | queued
//
// queued means the wait queue is not empty (or, for a moment under the
// mutex, an acquirer about to queue looks at its context); it is set and cleared only under
// the mutex, and only while value is 0 (a Release with waiters hands its
// permit over instead of adding it to value, G11), so queued implies
// value == 0 and no fast path can succeed while anybody waits. holders counts
// the permits held by callers whose Acquire returned; with value (free
// permits) and the permits promised to granted waiters that have not resumed
// yet, it adds up to the bound, which is what lets BoundedSemaphore detect an
// over-release at once (G12).
const (
	semQueued uint64 = 1

	semOne uint64 = 1 << 1 // Semaphore: one permit of value

	bsemOne     uint64 = 1 << 32            // BoundedSemaphore: one permit of value
	bsemHeld    uint64 = 1 << 1             // BoundedSemaphore: one holder
	bsemHolders uint64 = bsemOne - bsemHeld // BoundedSemaphore: the holders' bits
	bsemMax            = math.MaxInt32      // BoundedSemaphore: largest bound
)

// semaphore is what Semaphore and BoundedSemaphore share: the state word, the
// queue and the slow paths. The fast paths live in the two types, with the
// layout as constants.
type semaphore struct {
	state sched.Uint64 // a scheduling point under a runtime
	mu    sched.Mutex  // guards q and every change of semQueued
	q     waitq
	shift uint   // value = state >> shift
	held  uint64 // one holder in state (bsemHeld), 0 for a Semaphore
	max   uint64 // largest value
}

func (s *semaphore) init(n int, bounded bool, opts []Option) {
	if bounded {
		s.shift, s.held, s.max = 32, bsemHeld, bsemMax
	} else {
		s.shift, s.held, s.max = 1, 0, math.MaxInt
	}
	s.state.Store(uint64(n) << s.shift) // before Init: not a scheduling point
	setup(&s.mu, opts)
	s.state.Init(&s.mu)
}

func (s *semaphore) value() int { return int(s.state.Load() >> s.shift) }

func (s *semaphore) locked() bool {
	st := s.state.Load()
	return st&semQueued != 0 || st>>s.shift == 0
}

func (s *semaphore) acquireSlow(ctx context.Context) error {
	one := uint64(1) << s.shift
	w := newWaiter(&s.mu) // outside the critical section
	s.mu.Lock()
	for {
		st := s.state.Load()
		if st&semQueued == 0 && st>>s.shift > 0 {
			// A permit came back since the fast path looked.
			if s.state.CompareAndSwap(st, st-one+s.held) {
				s.mu.Unlock()
				w.free()
				return nil
			}
			continue
		}
		// value is 0; the CAS loses only to a fast-path Release (or a
		// resumed BoundedSemaphore waiter counting itself), so look again.
		if st&semQueued != 0 || s.state.CompareAndSwap(st, st|semQueued) {
			break
		}
	}
	// ctx is looked at after the last operation on the word, with nothing
	// between the look and the queueing (see Lock.lockOrQueue); backing out
	// clears semQueued if nobody else is queued.
	if err := ctx.Err(); err != nil {
		if s.q.empty() {
			s.state.And(^semQueued)
		}
		s.mu.Unlock()
		w.free()
		return err // G2: would block, not queued
	}
	s.q.push(w)
	s.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		// The permit was handed to us (G11); a bounded one counts its
		// holders, and a promised permit becomes held only now.
		if s.held != 0 {
			for old := s.state.Load(); !s.state.CompareAndSwap(old, old+s.held); old = s.state.Load() {
			}
		}
		w.free()
		return nil
	}
	s.mu.Lock()
	if w.slot.Woken() {
		// Granted, but we observed the cancel (G3, G11): pass the unused
		// permit on, to the next waiter or back to value.
		s.releaseLocked(0)
	} else {
		s.q.remove(w)
		if s.q.empty() {
			s.state.And(^semQueued)
		}
	}
	s.mu.Unlock()
	w.free()
	return err
}

func (s *semaphore) releaseSlow() bool {
	s.mu.Lock()
	ok := s.releaseLocked(s.held)
	s.mu.Unlock()
	return ok
}

// releaseLocked, with mu held, gives one permit to the first waiter, or to
// value if nobody waits. h is s.held when a holder returns its permit, 0 when
// a granted waiter passes its unused one on. It reports false, changing
// nothing, when a BoundedSemaphore has no holder (G12).
func (s *semaphore) releaseLocked(h uint64) bool {
	for {
		st := s.state.Load()
		if h != 0 && st&bsemHolders == 0 {
			return false
		}
		if st&semQueued != 0 {
			// Hand-off: value stays 0, the head is granted.
			next := st - h
			if s.q.single() {
				next &^= semQueued
			}
			// The CAS loses only to a resumed waiter counting itself as a
			// holder (BoundedSemaphore); look again.
			if s.state.CompareAndSwap(st, next) {
				s.q.pop().slot.Wake()
				return true
			}
			continue
		}
		if st>>s.shift >= s.max {
			panic("impl: Semaphore released too many times: value overflows int")
		}
		if s.state.CompareAndSwap(st, st+uint64(1)<<s.shift-h) {
			return true
		}
	}
}

// Semaphore is a counting semaphore with FIFO hand-off, after
// asyncio.Semaphore (3.10.8+). Release has no upper bound; see
// BoundedSemaphore for one that detects over-release.
//
// Release with waiters grants the first one the permit directly, leaving
// Value unchanged, and Acquire takes the fast path only if a permit is free
// and nobody waits, so a newcomer never overtakes a waiter (G11). A waiter
// granted a permit whose context is done before it resumes either keeps the
// permit or passes it on (G3).
//
// A Semaphore must be made with NewSemaphore and not copied. The zero value
// is not a usable Semaphore, not even one with no permits: its state has no
// layout yet, so it miscounts Value and Release may panic.
//
// In the terminology of the Go memory model, a call to Release synchronizes
// before the return of the Acquire, or the success of the TryAcquire, that
// receives the permit it returned: the waiter it hands the permit to, or
// (with nobody waiting) any Acquire or TryAcquire that takes a permit from
// the free permits afterwards. A permit passed on by a granted waiter that
// gave up (G3) carries the relation on to the waiter that finally gets it.
// Failed TryAcquires and Acquires that return an error establish no relation.
type Semaphore struct {
	s semaphore
}

// NewSemaphore returns a Semaphore with n free permits. It panics if n < 0,
// like make with a negative size (G13).
func NewSemaphore(n int, opts ...Option) *Semaphore {
	if n < 0 {
		panic("impl: NewSemaphore: initial value must be >= 0")
	}
	s := new(Semaphore)
	s.s.init(n, false, opts)
	return s
}

// Acquire takes a permit, waiting in FIFO order while none is free or
// anybody is queued (G11). It takes a free permit even if ctx is already
// done; if it would block with a done ctx it returns ctx.Err() at once (G2).
// If ctx is done while it waits, it returns ctx.Err() without a permit, unless
// one was handed to it in the meantime: then it either keeps it and returns
// nil, or passes it on and returns ctx.Err() (G3).
func (s *Semaphore) Acquire(ctx context.Context) error {
	if s.TryAcquire() {
		return nil
	}
	return s.s.acquireSlow(ctx)
}

// TryAcquire takes a permit if one is free and nobody is queued (the
// Acquire fast path, that is !Locked()), and reports whether it did.
func (s *Semaphore) TryAcquire() bool {
	for {
		st := s.s.state.Load()
		if st&semQueued != 0 || st < semOne {
			return false
		}
		if s.s.state.CompareAndSwap(st, st-semOne) {
			return true
		}
	}
}

// Release returns a permit: to the first waiter if there is one (hand-off,
// value unchanged, G11), else to the free permits. It never blocks. It
// panics if the number of free permits would overflow int.
func (s *Semaphore) Release() {
	for {
		st := s.s.state.Load()
		if st&semQueued != 0 || st>>1 >= math.MaxInt {
			s.s.releaseSlow()
			return
		}
		if s.s.state.CompareAndSwap(st, st+semOne) {
			return
		}
	}
}

// Value reports the number of free permits, not counting those already
// promised to granted waiters that have not resumed (asyncio's _value).
func (s *Semaphore) Value() int { return s.s.value() }

// Locked reports whether Acquire would block: no free permit, or somebody
// queued (G11). A granted waiter that has not resumed holds its permit and
// is not queued, so, unlike asyncio (probe S1), a permit released meanwhile
// is free at once and Locked is false.
func (s *Semaphore) Locked() bool { return s.s.locked() }

// BoundedSemaphore is a Semaphore that refuses to be released more often
// than it was acquired, after asyncio.BoundedSemaphore.
//
// An over-release is detected immediately (G12): Release returns
// ErrReleasedTooOften when every permit is either free or already promised to
// a granted waiter. asyncio (3.10.8+) does not count promised permits, so it
// accepts such a release and fails a later, legitimate one instead.
//
// A BoundedSemaphore must be made with NewBoundedSemaphore and not copied.
// The zero value is not a usable BoundedSemaphore (it is not one with bound
// 0): its state has no layout yet, so Value miscounts.
//
// In the terminology of the Go memory model it gives the guarantee of
// Semaphore: a successful Release synchronizes before the return of the
// Acquire (or the success of the TryAcquire) that receives its permit. A
// Release that returns ErrReleasedTooOften establishes no relation.
type BoundedSemaphore struct {
	s semaphore
}

// NewBoundedSemaphore returns a BoundedSemaphore with n free permits, n also
// being its bound. It panics if n < 0 (G13) or n > math.MaxInt32.
func NewBoundedSemaphore(n int, opts ...Option) *BoundedSemaphore {
	if n < 0 {
		panic("impl: NewBoundedSemaphore: initial value must be >= 0")
	}
	if n > bsemMax {
		panic("impl: NewBoundedSemaphore: initial value must be <= math.MaxInt32")
	}
	s := new(BoundedSemaphore)
	s.s.init(n, true, opts)
	return s
}

// Acquire is Semaphore.Acquire.
func (s *BoundedSemaphore) Acquire(ctx context.Context) error {
	if s.TryAcquire() {
		return nil
	}
	return s.s.acquireSlow(ctx)
}

// TryAcquire is Semaphore.TryAcquire.
func (s *BoundedSemaphore) TryAcquire() bool {
	for {
		st := s.s.state.Load()
		if st&semQueued != 0 || st < bsemOne {
			return false
		}
		if s.s.state.CompareAndSwap(st, st-bsemOne+bsemHeld) {
			return true
		}
	}
}

// Release returns a permit like Semaphore.Release, or returns
// ErrReleasedTooOften, changing nothing, if no permit is held: value plus
// the permits promised to granted waiters already equals the bound (G12).
func (s *BoundedSemaphore) Release() error {
	for {
		st := s.s.state.Load()
		if st&bsemHolders == 0 {
			return ErrReleasedTooOften
		}
		if st&semQueued != 0 {
			if !s.s.releaseSlow() {
				return ErrReleasedTooOften
			}
			return nil
		}
		if s.s.state.CompareAndSwap(st, st+bsemOne-bsemHeld) {
			return nil
		}
	}
}

// Value is Semaphore.Value.
func (s *BoundedSemaphore) Value() int { return s.s.value() }

// Locked is Semaphore.Locked.
func (s *BoundedSemaphore) Locked() bool { return s.s.locked() }
