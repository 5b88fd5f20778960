// Package sched is the scheduling hook layer every primitive in impl is built
// on: a mutex for the primitive's own state, an atomic state word for its
// lock-free fast paths (Uint64), a one-shot slot a waiter parks on, the wake
// that grants it, and named yield points.
//
// In production (a nil Runtime) each hook is the plain Go thing: a sync.Mutex,
// a channel closed once (made lazily, only when a waiter actually has to
// block). Under a controlled scheduler (package check) each hook is a
// scheduling point, so the scheduler decides who runs next, can hold a woken
// waiter back (the wake window) and can deliver a cancellation at any point.
// A primitive written against this package gets controlled checking for free;
// that is the contract between impl and check, and impl never imports check.
package sched

import (
	"context"
	"sync"
	"sync/atomic"
)

// Runtime is the controlled scheduler's side of the hooks. Exactly one task
// runs at a time under a Runtime; every method is called by the running task.
type Runtime interface {
	// Lock is a scheduling point. It returns when the calling task owns m;
	// while another task owns m the caller is blocked (not runnable).
	Lock(m *Mutex)
	// Unlock gives up the calling task's ownership of m, before the real
	// unlock. It is not a scheduling point: the next hook the task reaches
	// is. A runtime unwinding a task that does not own m (a deferred Unlock
	// after the task let go of m and parked) ends the goroutine here
	// (runtime.Goexit), so the real mutex is never unlocked twice.
	Unlock(m *Mutex)
	// Park is a scheduling point. It blocks the calling task until s has been
	// woken or ctx is done, and returns nil when the task observed the wake,
	// ctx.Err() when it observed the cancellation. When both hold by the time
	// the task runs again, the runtime chooses, as select does in production.
	Park(ctx context.Context, s *Slot) error
	// Yield is a named scheduling point.
	Yield(point string)
}

// Mutex guards one primitive's state. The zero value is a production mutex.
// Under a Runtime, Lock is a scheduling point.
type Mutex struct {
	mu sync.Mutex
	rt Runtime
}

// SetRuntime puts m under rt's control (nil restores production behaviour).
// Call it before m is first used, never concurrently with other methods.
func (m *Mutex) SetRuntime(rt Runtime) {
	if rt != nil {
		controlled.Store(true)
	}
	m.rt = rt
}

// controlled is set once any Mutex has been put under a Runtime. Until then
// Lock, Unlock and Yield need not look at m.rt, which shares a cache line
// with the lock word: under contention that line moves between cores, and
// reading rt before the lock's CAS would cost a second transfer. controlled
// is never written in production, so reading it is a cache hit. (A Lock that
// could see rt set has SetRuntime happen before it, so it sees the flag.)
var controlled atomic.Bool

// Runtime reports the runtime m is under, nil in production.
func (m *Mutex) Runtime() Runtime { return m.rt }

// Lock locks m.
func (m *Mutex) Lock() {
	if !controlled.Load() || m.rt == nil {
		m.mu.Lock()
		return
	}
	m.lockControlled()
}

// lockControlled is Lock under a Runtime, out of line so that the production
// path is one load of controlled and sync.Mutex's own inlined fast path.
func (m *Mutex) lockControlled() {
	// The controlled lock decides ownership; the real lock below is then
	// never contended, and keeps the race detector's view exact.
	m.rt.Lock(m)
	m.mu.Lock()
}

// Unlock unlocks m.
func (m *Mutex) Unlock() {
	if controlled.Load() && m.rt != nil {
		m.unlockControlled()
		return
	}
	m.mu.Unlock()
}

// unlockControlled is Unlock under a Runtime, out of line (see
// lockControlled). The runtime hears of it first, so that it can refuse an
// unlock by a task that does not own m (see Runtime.Unlock).
func (m *Mutex) unlockControlled() {
	m.rt.Unlock(m)
	m.mu.Unlock()
}

// Yield is a named scheduling point: free in production, a place where the
// controlled scheduler may switch tasks (or deliver a cancel) under check.
// Call it without m held unless the point is meant to be inside the
// critical section.
func (m *Mutex) Yield(point string) {
	if controlled.Load() && m.rt != nil {
		m.rt.Yield(point)
	}
}

// Slot states. A slot goes from slotIdle to slotWoken (Wake first: Wait will
// not block, and no channel is ever made) or to slotParked (Wait first: it
// made ch and blocks on it) and then slotWoken (Wake closes ch).
const (
	slotIdle   uint32 = iota // fresh
	slotParked               // Wait published ch and blocks on it (production only)
	slotWoken                // Wake has been called
)

// Slot is a one-shot wake-up a waiter parks on. Its owner (the primitive,
// under its Mutex) calls Wake at most once; the waiting task calls Wait.
//
// In production the channel is made by Wait, outside the primitive's critical
// section, and only when the waiter really blocks: a slot woken before its
// waiter reaches Wait costs no channel at all.
//
// A Slot's state word is a plain sync/atomic one, not a Uint64: it is no
// decision point under a Runtime. There Wait goes straight to Runtime.Park
// without reading it, Wake runs under the owning primitive's Mutex, and
// Woken is read under that Mutex or by the scheduler between steps, so
// every access is already ordered by a Lock or by the scheduler's token; a
// point before each would only add steps. In production the word is the
// lock-free handshake between Wait and Wake, which the checker does not
// model (it is below the hook).
type Slot struct {
	rt    Runtime
	state atomic.Uint32 // slotIdle, slotParked, slotWoken
	// ch is written once by Wait before it publishes slotParked, and read by
	// Wake only after it observed slotParked: the state word orders them.
	ch chan struct{}
}

// Init makes s a fresh slot under m's runtime, for a slot embedded in a
// larger waiter record. Nobody else may be using s.
func (s *Slot) Init(m *Mutex) {
	s.rt = m.rt
	s.state.Store(slotIdle)
	s.ch = nil
}

// Wake grants the slot. Call it once, with the owning primitive's mutex held.
func (s *Slot) Wake() {
	if s.state.Swap(slotWoken) == slotParked {
		close(s.ch)
	}
}

// Woken reports whether Wake has been called. Read it with the owning
// primitive's mutex held (or, under a Runtime, from the running task).
func (s *Slot) Woken() bool { return s.state.Load() == slotWoken }

// Wait blocks until the slot is woken or ctx is done. It returns nil when it
// observed the wake and ctx.Err() when it observed the cancellation; when both
// have happened either may be observed, so the caller must look at its own
// waiter record (under the mutex) to learn whether it was granted. Everything
// the waker did before Wake happens before a Wait that returns nil.
func (s *Slot) Wait(ctx context.Context) error {
	if s.rt == nil && s.state.Load() == slotWoken {
		return nil // the wake came first: no channel, no select
	}
	return s.park(ctx)
}

// park is Wait's blocking half, out of line so that Wait itself inlines.
func (s *Slot) park(ctx context.Context) error {
	if s.rt != nil {
		return s.rt.Park(ctx, s)
	}
	var ch chan struct{}
	if s.state.Load() == slotParked {
		// An earlier Wait made the channel and returned on its context.
		ch = s.ch
	} else {
		ch = make(chan struct{})
		s.ch = ch
		if !s.state.CompareAndSwap(slotIdle, slotParked) {
			return nil // woken since the load: nothing to wait for
		}
	}
	done := ctx.Done()
	if done == nil {
		<-ch // a context that is never done: a plain receive
		return nil
	}
	select {
	case <-ch:
		return nil
	case <-done:
		return ctx.Err()
	}
}
