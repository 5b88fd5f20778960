package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
)

// The fast-path copies: impl's Lock, Semaphore and Event as they are, with
// their lock-free fast paths on a sched.Uint64 state word, trimmed of what
// only production needs (spinning, the waiter pool, the bounded layout),
// for the class F mutants whose bug is in those fast paths: the bases
// (base_*.go) keep everything under one mutex and have no fast path to get
// wrong. Each such mutant embeds its copy and replaces one method by a
// buggy one; every word operation is a scheduling point ("load", "cas",
// "store", "add", "and"), so the counterexample is a preemption between
// two of them. TestFastPathCopiesPass runs every specs/ scenario against
// the copies.

// Lock state word bits (impl/lock.go).
const (
	flockLocked uint64 = 1 << iota
	flockQueued
	flockGranted
)

// flock is impl.Lock, less what only Condition.Wait's freeze needs (lockQueued
// set with an empty queue while a Wait releases the lock): impl's TryAcquire
// and Locked take mu on a word with lockQueued set, and its releaseFrozen
// unlocks such a word; with no Condition on a flock the word is never
// frozen, and those paths are the ones below.
type flock struct {
	state   sched.Uint64 // flockLocked | flockQueued | flockGranted
	mu      sched.Mutex  // guards q, grantee, and the queued and granted bits
	q       waitq
	grantee *waiter
}

func newFLock(rt sched.Runtime) *flock {
	l := new(flock)
	l.mu.SetRuntime(rt)
	l.state.Init(&l.mu)
	return l
}

func flockTarget(name string, mk func(*flock) prims.LockImpl) harness.Target {
	return prims.Lock(name, func(rt sched.Runtime) prims.LockImpl { return mk(newFLock(rt)) })
}

func (l *flock) Acquire(ctx context.Context) error {
	if l.state.CompareAndSwap(0, flockLocked) {
		return nil
	}
	return l.acquireSlow(ctx)
}

func (l *flock) acquireSlow(ctx context.Context) error {
	w := newWaiter(&l.mu)
	l.mu.Lock()
	if locked, err := l.lockOrQueue(ctx); locked || err != nil {
		l.mu.Unlock()
		return err
	}
	l.q.push(w)
	l.mu.Unlock()

	err := w.slot.Wait(ctx)
	l.mu.Lock()
	switch {
	case err == nil:
		l.resumed(w)
	case w.committed:
		err = nil // G4
	case w.woken():
		l.releaseLocked() // G3: pass it on, straight from the grant
	default:
		l.q.remove(w)
		if l.q.empty() {
			l.state.And(^flockQueued)
		}
	}
	l.mu.Unlock()
	return err
}

// resumed, with mu held, ends w's grant window.
func (l *flock) resumed(w *waiter) {
	if l.grantee == w {
		l.grantee = nil
		l.state.And(^flockGranted)
	}
}

// lockOrQueue, with mu held, locks l if it is free with nobody queued, or
// sets flockQueued for the caller, unless ctx is done (G2).
func (l *flock) lockOrQueue(ctx context.Context) (locked bool, err error) {
	for {
		s := l.state.Load()
		if s == 0 {
			if l.state.CompareAndSwap(0, flockLocked) {
				return true, nil
			}
			continue
		}
		if s&flockQueued != 0 || l.state.CompareAndSwap(s, s|flockQueued) {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		if l.q.empty() {
			l.state.And(^flockQueued)
		}
		return false, err
	}
	return false, nil
}

func (l *flock) TryAcquire() bool { return l.state.CompareAndSwap(0, flockLocked) }

func (l *flock) Release() error {
	if l.state.CompareAndSwap(flockLocked, 0) {
		return nil
	}
	return l.releaseSlow()
}

func (l *flock) releaseSlow() error {
	l.mu.Lock()
	err := l.releaseLocked()
	l.mu.Unlock()
	return err
}

// releaseLocked is Release with mu held.
func (l *flock) releaseLocked() error {
	for {
		s := l.state.Load()
		switch s {
		case 0:
			return impl.ErrNotLocked
		case flockLocked:
			if l.state.CompareAndSwap(flockLocked, 0) {
				return nil
			}
			continue
		}
		if s&flockGranted != 0 {
			l.grantee.committed = true
			l.grantee = nil
		}
		if s&flockQueued == 0 {
			l.state.Store(0)
			return nil
		}
		w := l.q.pop()
		next := flockLocked | flockGranted
		if !l.q.empty() {
			next |= flockQueued
		}
		l.grantee = w
		l.state.Store(next)
		w.slot.Wake()
		return nil
	}
}

func (l *flock) Locked() bool { return l.state.Load()&flockLocked != 0 }

// Semaphore state word (impl/semaphore.go, the unbounded layout):
// value<<1 | queued.
const (
	fsemQueued uint64 = 1
	fsemOne    uint64 = 1 << 1
)

// fsem is impl.Semaphore.
type fsem struct {
	state sched.Uint64
	mu    sched.Mutex // guards q and every change of fsemQueued
	q     waitq
}

func newFSem(rt sched.Runtime, n int) *fsem {
	s := new(fsem)
	s.state.Store(uint64(n) << 1)
	s.mu.SetRuntime(rt)
	s.state.Init(&s.mu)
	return s
}

func fsemTarget(name string, mk func(*fsem) prims.SemaphoreImpl) harness.Target {
	return prims.Semaphore(name, func(rt sched.Runtime, v int) prims.SemaphoreImpl { return mk(newFSem(rt, v)) })
}

func (s *fsem) Acquire(ctx context.Context) error {
	if s.TryAcquire() {
		return nil
	}
	return s.acquireSlow(ctx)
}

func (s *fsem) TryAcquire() bool {
	for {
		st := s.state.Load()
		if st&fsemQueued != 0 || st < fsemOne {
			return false
		}
		if s.state.CompareAndSwap(st, st-fsemOne) {
			return true
		}
	}
}

func (s *fsem) acquireSlow(ctx context.Context) error {
	w := newWaiter(&s.mu)
	s.mu.Lock()
	for {
		st := s.state.Load()
		if st&fsemQueued == 0 && st >= fsemOne {
			if s.state.CompareAndSwap(st, st-fsemOne) {
				s.mu.Unlock()
				return nil
			}
			continue
		}
		if st&fsemQueued != 0 || s.state.CompareAndSwap(st, st|fsemQueued) {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		if s.q.empty() {
			s.state.And(^fsemQueued)
		}
		s.mu.Unlock()
		return err // G2
	}
	s.q.push(w)
	s.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		return nil
	}
	s.mu.Lock()
	if w.woken() {
		s.releaseLocked() // G3: pass the permit on
	} else {
		s.q.remove(w)
		if s.q.empty() {
			s.state.And(^fsemQueued)
		}
	}
	s.mu.Unlock()
	return err
}

func (s *fsem) Release() {
	for {
		st := s.state.Load()
		if st&fsemQueued != 0 {
			s.releaseSlow()
			return
		}
		if s.state.CompareAndSwap(st, st+fsemOne) {
			return
		}
	}
}

func (s *fsem) releaseSlow() {
	s.mu.Lock()
	s.releaseLocked()
	s.mu.Unlock()
}

// releaseLocked, with mu held, gives one permit to the first waiter, or to
// value if nobody waits.
func (s *fsem) releaseLocked() {
	for {
		st := s.state.Load()
		if st&fsemQueued != 0 {
			next := st
			if len(s.q.ws) == 1 {
				next &^= fsemQueued
			}
			if s.state.CompareAndSwap(st, next) {
				s.q.pop().slot.Wake()
				return
			}
			continue
		}
		if s.state.CompareAndSwap(st, st+fsemOne) {
			return
		}
	}
}

func (s *fsem) Value() int { return int(s.state.Load() >> 1) }

func (s *fsem) Locked() bool {
	st := s.state.Load()
	return st&fsemQueued != 0 || st < fsemOne
}

// Event state word bits (impl/event.go).
const (
	feventSet uint64 = 1 << iota
	feventQueued
)

// fevent is impl.Event.
type fevent struct {
	state sched.Uint64 // feventSet | feventQueued
	mu    sched.Mutex  // guards q and every change of feventQueued
	q     waitq
}

func newFEvent(rt sched.Runtime) *fevent {
	e := new(fevent)
	e.mu.SetRuntime(rt)
	e.state.Init(&e.mu)
	return e
}

func feventTarget(name string, mk func(*fevent) prims.EventImpl) harness.Target {
	return prims.Event(name, func(rt sched.Runtime) prims.EventImpl { return mk(newFEvent(rt)) })
}

func (e *fevent) Wait(ctx context.Context) error {
	if e.state.Load()&feventSet != 0 {
		return nil
	}
	e.mu.Lock()
	for {
		s := e.state.Load()
		if s&feventSet != 0 {
			e.mu.Unlock()
			return nil
		}
		if s&feventQueued != 0 || e.state.CompareAndSwap(s, s|feventQueued) {
			break
		}
	}
	if err := ctx.Err(); err != nil {
		if e.q.empty() {
			e.state.And(^feventQueued)
		}
		e.mu.Unlock()
		return err
	}
	w := newWaiter(&e.mu)
	e.q.push(w)
	e.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		return nil
	}
	e.mu.Lock()
	if !w.woken() {
		e.q.remove(w)
		if e.q.empty() {
			e.state.And(^feventQueued)
		}
	}
	e.mu.Unlock()
	return err
}

func (e *fevent) Set() {
	for {
		s := e.state.Load()
		if s&feventSet != 0 {
			return
		}
		if s&feventQueued != 0 {
			e.setSlow()
			return
		}
		if e.state.CompareAndSwap(s, feventSet) {
			return
		}
	}
}

func (e *fevent) setSlow() {
	e.mu.Lock()
	for {
		s := e.state.Load()
		if s&feventSet != 0 {
			break
		}
		if s&feventQueued == 0 {
			if e.state.CompareAndSwap(s, feventSet) {
				break
			}
			continue
		}
		e.state.Store(feventSet)
		for w := e.q.pop(); w != nil; w = e.q.pop() {
			w.slot.Wake()
		}
		break
	}
	e.mu.Unlock()
}

func (e *fevent) Clear() { e.state.And(^feventSet) }

func (e *fevent) IsSet() bool { return e.state.Load()&feventSet != 0 }
