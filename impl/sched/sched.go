// Package sched is the scheduling hook layer every primitive in impl is built
// on: a mutex for the primitive's own state, a one-shot slot a waiter parks on,
// the wake that grants it, and named yield points.
//
// In production (a nil Runtime) each hook is the plain Go thing: a sync.Mutex,
// a channel closed once. Under a controlled scheduler (package check) each hook
// is a scheduling point, so the scheduler decides who runs next, can hold a
// woken waiter back (the wake window) and can deliver a cancellation at any
// point. A primitive written against this package gets controlled checking for
// free; that is the contract between impl and check, and impl never imports
// check.
package sched

import (
	"context"
	"sync"
)

// Runtime is the controlled scheduler's side of the hooks. Exactly one task
// runs at a time under a Runtime; every method is called by the running task.
type Runtime interface {
	// Lock is a scheduling point. It returns when the calling task owns m;
	// while another task owns m the caller is blocked (not runnable).
	Lock(m *Mutex)
	// Unlock gives up the calling task's ownership of m. It is not a
	// scheduling point: the next hook the task reaches is.
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
func (m *Mutex) SetRuntime(rt Runtime) { m.rt = rt }

// Runtime reports the runtime m is under, nil in production.
func (m *Mutex) Runtime() Runtime { return m.rt }

// Lock locks m.
func (m *Mutex) Lock() {
	if m.rt != nil {
		// The controlled lock decides ownership; the real lock below is then
		// never contended, and keeps the race detector's view exact.
		m.rt.Lock(m)
	}
	m.mu.Lock()
}

// Unlock unlocks m.
func (m *Mutex) Unlock() {
	m.mu.Unlock()
	if m.rt != nil {
		m.rt.Unlock(m)
	}
}

// Yield is a named scheduling point: free in production, a place where the
// controlled scheduler may switch tasks (or deliver a cancel) under check.
// Call it without m held unless the point is meant to be inside the
// critical section.
func (m *Mutex) Yield(point string) {
	if m.rt != nil {
		m.rt.Yield(point)
	}
}

// NewSlot returns a fresh one-shot slot under the same runtime as m.
func (m *Mutex) NewSlot() *Slot {
	s := new(Slot)
	s.Init(m)
	return s
}

// Slot is a one-shot wake-up a waiter parks on. Its owner (the primitive,
// under its Mutex) calls Wake at most once; the waiting task calls Wait.
type Slot struct {
	rt    Runtime
	ch    chan struct{}
	woken bool // written by Wake under the owning primitive's mutex
}

// Init makes s a fresh slot under m's runtime, for a slot embedded in a
// larger waiter record.
func (s *Slot) Init(m *Mutex) {
	s.rt = m.rt
	s.woken = false
	if m.rt == nil {
		s.ch = make(chan struct{})
	} else {
		s.ch = nil
	}
}

// Wake grants the slot. Call it once, with the owning primitive's mutex held.
func (s *Slot) Wake() {
	s.woken = true
	if s.ch != nil {
		close(s.ch)
	}
}

// Woken reports whether Wake has been called. Read it with the owning
// primitive's mutex held (or, under a Runtime, from the running task).
func (s *Slot) Woken() bool { return s.woken }

// Wait blocks until the slot is woken or ctx is done. It returns nil when it
// observed the wake and ctx.Err() when it observed the cancellation; when both
// have happened either may be observed, so the caller must look at its own
// waiter record (under the mutex) to learn whether it was granted.
func (s *Slot) Wait(ctx context.Context) error {
	if s.rt != nil {
		return s.rt.Park(ctx, s)
	}
	select {
	case <-s.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
