package impl

import (
	"context"

	"github.com/syncheck/syncheck/impl/sched"
)

// Event state word bits.
const (
	eventSet uint64 = 1 << iota
	// eventQueued: the queue is not empty (or, for a moment under mu, a
	// waiter about to queue looks at its context). Set and cleared only under mu;
	// never together with eventSet (Set empties the queue, and Wait does not
	// queue on a set event), so Set's fast path (CAS 0 -> set) can only
	// succeed while nobody waits.
	eventQueued
)

// Event is a flag that goroutines can wait for, after asyncio.Event.
//
// Set grants every goroutine waiting at that moment, and a granted waiter
// returns nil even if the event is cleared before it resumes: Set followed by
// Clear releases all current waiters (G5, specs/asyncio.md §3). A waiter whose context
// is done after it was granted returns nil or ctx.Err() (G3); Set being a
// broadcast, nothing needs passing on.
//
// The zero Event is a clear production Event, ready to use; NewEvent is
// needed only to put an Event under a runtime (WithRuntime). An Event must
// not be copied after first use.
//
// In the terminology of the Go memory model, a call to Set that sets e
// synchronizes before the return of every Wait it unblocks, and before every
// Wait that returns nil and every IsSet that returns true because they
// observed e set by it. A Set that finds e already set changes nothing and
// establishes no relation; neither do Clear, an IsSet that returns false or a
// Wait that returns an error.
type Event struct {
	state sched.Uint64 // eventSet | eventQueued; a scheduling point under a runtime
	mu    sched.Mutex  // guards q and every change of eventQueued
	q     waitq
}

// NewEvent returns a clear Event.
func NewEvent(opts ...Option) *Event {
	e := new(Event)
	setup(&e.mu, opts)
	e.state.Init(&e.mu)
	return e
}

// Wait returns nil at once if e is set, even if ctx is done (G2); otherwise
// it waits until Set, or returns ctx.Err() if ctx is done first (at once,
// without queueing, if it already is).
func (e *Event) Wait(ctx context.Context) error {
	if e.state.Load()&eventSet != 0 {
		return nil
	}
	return e.waitSlow(ctx)
}

func (e *Event) waitSlow(ctx context.Context) error {
	e.mu.Lock()
	for {
		s := e.state.Load()
		if s&eventSet != 0 {
			e.mu.Unlock()
			return nil
		}
		// s is 0 or eventQueued; the CAS loses only to a concurrent Set
		// (fast path) or Clear, so look again.
		if s&eventQueued != 0 || e.state.CompareAndSwap(s, s|eventQueued) {
			break
		}
	}
	// ctx is looked at after the last operation on the word, with nothing
	// between the look and the queueing (see Lock.lockOrQueue); backing out
	// clears eventQueued if nobody else is queued (atomically: Clear may
	// run concurrently).
	if err := ctx.Err(); err != nil {
		if e.q.empty() {
			e.state.And(^eventQueued)
		}
		e.mu.Unlock()
		return err
	}
	w := newWaiter(&e.mu)
	e.q.push(w)
	e.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		w.free()
		return nil
	}
	e.mu.Lock()
	if !w.slot.Woken() {
		e.q.remove(w)
		if e.q.empty() {
			// Atomic: Clear may be running concurrently.
			e.state.And(^eventQueued)
		}
	}
	// Granted and cancelled: Set was a broadcast, nothing to pass on (G5).
	e.mu.Unlock()
	w.free()
	return err
}

// Set sets e and grants every current waiter, in FIFO order. It does nothing
// if e is already set.
func (e *Event) Set() {
	for {
		s := e.state.Load()
		if s&eventSet != 0 {
			return
		}
		if s&eventQueued != 0 {
			e.setSlow()
			return
		}
		if e.state.CompareAndSwap(s, eventSet) {
			return
		}
	}
}

func (e *Event) setSlow() {
	e.mu.Lock()
	// Under mu, eventQueued can only have been cleared by the last waiter
	// leaving; then this is the fast path again. Otherwise nobody but a
	// concurrent Clear (clearing an already clear flag) touches the word, so
	// a plain store both sets the flag and empties the queue bit.
	for {
		s := e.state.Load()
		if s&eventSet != 0 {
			break
		}
		if s&eventQueued == 0 {
			if e.state.CompareAndSwap(s, eventSet) {
				break
			}
			continue
		}
		e.state.Store(eventSet)
		for w := e.q.pop(); w != nil; w = e.q.pop() {
			w.slot.Wake()
		}
		break
	}
	e.mu.Unlock()
}

// Clear clears e. Grants already made by Set are not revoked (G5).
func (e *Event) Clear() {
	// Without mu: it only touches eventSet, which never coexists with queued
	// waiters, and Set and Wait look at the word atomically.
	e.state.And(^eventSet)
}

// IsSet reports whether e is set.
func (e *Event) IsSet() bool {
	return e.state.Load()&eventSet != 0
}
