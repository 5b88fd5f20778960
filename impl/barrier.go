package impl

import (
	"context"
	"errors"
	"sync"

	"github.com/syncheck/syncheck/impl/sched"
)

// ErrBrokenBarrier is returned by Barrier.Wait when the barrier is broken
// (Abort) or reset while the call waits, and by every Wait on a broken
// barrier until Reset (asyncio.BrokenBarrierError). It is returned, never
// wrapped; match it with errors.Is.
var ErrBrokenBarrier = errors.New("impl: barrier is broken")

// Barrier makes a fixed number of goroutines, its parties, wait for each
// other, after asyncio.Barrier (Python 3.11+): each calls Wait, and the
// Wait that makes parties goroutines waiting trips the barrier, releasing
// them all at once. The barrier can be used again at once: its next cycle
// starts with the trip (G17).
//
// Every party of a cycle returns an index, distinct within the cycle: 0 to
// parties-1 in the order the parties arrived, assigned at the trip; the
// party that trips the barrier gets parties-1. A party released by the trip
// returns its index with a nil error even if its context is done by the
// time it runs: the cycle is committed (G18). A released party that calls
// Wait again joins the next cycle at once (asyncio blocks it until every
// party of the previous cycle has left).
//
// A Wait whose context is done before the trip leaves the cycle and returns
// ctx.Err(); the barrier is not broken and the others keep waiting (as in
// asyncio; threading.Barrier breaks instead). Until that goroutine runs,
// though, it still counts as waiting, and a trip in the meantime releases
// it with an index (G3, G18). A Wait with a context already done trips the
// barrier if it would, and otherwise returns ctx.Err() at once, leaving
// nothing behind (G2).
//
// Reset releases the parties waiting with ErrBrokenBarrier and starts a
// fresh cycle, not broken; Abort breaks the barrier: the parties waiting
// and every later Wait return ErrBrokenBarrier until Reset (G19).
//
// A Barrier must be made with NewBarrier and must not be copied after first
// use. The zero value is not a usable Barrier (it has no parties): its
// Wait panics.
//
// In the terminology of the Go memory model, every call to Wait of a cycle
// synchronizes before the return of every Wait of that cycle that returns
// an index (with a nil error). A Wait that returns an error establishes no
// relation.
type Barrier struct {
	mu      sched.Mutex // guards everything below
	parties int
	// waiters are the parties waiting in the current cycle, in arrival
	// order, including those whose context is done and that have not run
	// since (G3).
	waiters []*bwaiter
	broken  bool
}

// bwaiter is one blocked Wait. Its owner is the goroutine whose call
// created it; released, broke and index are written under the barrier's
// mutex, before its slot is woken.
type bwaiter struct {
	slot sched.Slot
	// released: the cycle tripped, with index; broke: Reset or Abort sent
	// it away with ErrBrokenBarrier.
	released, broke bool
	index           int
	pooled          bool // production record, goes back to bwaiterPool
}

// NewBarrier returns a Barrier for parties goroutines, filling and not
// broken. It panics if parties < 1, like make with a bad size (asyncio
// raises ValueError).
func NewBarrier(parties int, opts ...Option) *Barrier {
	if parties < 1 {
		panic("impl: NewBarrier: parties must be >= 1")
	}
	b := &Barrier{parties: parties}
	setup(&b.mu, opts)
	return b
}

// Wait waits until parties goroutines are waiting, then returns this
// party's index in the cycle (0 to parties-1, in arrival order) and nil.
// The call that makes parties goroutines waiting trips the barrier and
// returns parties-1 without blocking, even if ctx is already done (G2).
//
// It returns -1 and ErrBrokenBarrier if the barrier is broken, or is reset
// or aborted while the call waits; -1 and ctx.Err() if ctx is done before
// the trip (at once, leaving nothing behind, if it already is and the call
// would block). Once the cycle has tripped, the index is returned with nil
// whatever ctx says.
func (b *Barrier) Wait(ctx context.Context) (int, error) {
	if b.parties < 1 {
		panic("impl: Barrier.Wait on a Barrier not made with NewBarrier")
	}
	b.mu.Lock()
	if b.broken {
		b.mu.Unlock()
		return -1, ErrBrokenBarrier
	}
	if len(b.waiters)+1 == b.parties {
		b.trip()
		b.mu.Unlock()
		return b.parties - 1, nil
	}
	if err := ctx.Err(); err != nil {
		b.mu.Unlock()
		return -1, err // G2: would block
	}
	w := newBwaiter(&b.mu)
	b.waiters = append(b.waiters, w)
	b.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		// Woken: whoever woke w decided its outcome before the wake.
		return w.outcome()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if w.released || w.broke {
		return w.outcome() // woken before the cancel was seen: served wins
	}
	// Still waiting, and the context is done: leave the cycle.
	b.remove(w)
	w.free()
	return -1, err
}

// In production, a Barrier's waiter records are recycled, as waitq's are
// (see waiterPool): a party that parks then allocates only its slot's
// channel.
var bwaiterPool = sync.Pool{New: func() any { return new(bwaiter) }}

// newBwaiter returns a fresh record whose slot is under m's runtime.
func newBwaiter(m *sched.Mutex) *bwaiter {
	var w *bwaiter
	if m.Runtime() == nil {
		w = bwaiterPool.Get().(*bwaiter)
		w.pooled = true
	} else {
		w = new(bwaiter)
	}
	w.slot.Init(m)
	w.released, w.broke, w.index = false, false, 0
	return w
}

// free recycles w. The caller is its owner and w is out of the cycle:
// whoever woke it did so under the mutex, and sched.Slot.Wake does not
// touch the slot once the wake is observable.
func (w *bwaiter) free() {
	if w.pooled {
		bwaiterPool.Put(w)
	}
}

// outcome is what a woken party's Wait returns (its index, or
// ErrBrokenBarrier after a Reset or Abort), and frees w.
func (w *bwaiter) outcome() (int, error) {
	released, index := w.released, w.index
	w.free()
	if released {
		return index, nil // the cycle is committed, whatever ctx says
	}
	return -1, ErrBrokenBarrier
}

// trip releases every waiting party, numbering them in arrival order, and
// starts the next cycle. Called under b.mu.
func (b *Barrier) trip() {
	for i, w := range b.waiters {
		w.released, w.index = true, i
		w.slot.Wake()
	}
	b.clearWaiters()
}

// breakWaiters sends every waiting party away with ErrBrokenBarrier.
// Called under b.mu.
func (b *Barrier) breakWaiters() {
	for _, w := range b.waiters {
		w.broke = true
		w.slot.Wake()
	}
	b.clearWaiters()
}

// clearWaiters empties the cycle, keeping its array but no record
// reachable from it. Called under b.mu.
func (b *Barrier) clearWaiters() {
	clear(b.waiters)
	b.waiters = b.waiters[:0]
}

// remove takes w out of the cycle. Called under b.mu.
func (b *Barrier) remove(w *bwaiter) {
	for i, x := range b.waiters {
		if x == w {
			copy(b.waiters[i:], b.waiters[i+1:])
			b.waiters[len(b.waiters)-1] = nil
			b.waiters = b.waiters[:len(b.waiters)-1]
			return
		}
	}
}

// Reset sends the parties waiting away with ErrBrokenBarrier and starts a
// fresh cycle at once, not broken, even if the barrier was broken. Parties
// already released keep their indices (G19).
func (b *Barrier) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.breakWaiters()
	b.broken = false
}

// Abort breaks the barrier: the parties waiting, and every Wait from now
// on, return ErrBrokenBarrier until Reset. Parties already released keep
// their indices (G19).
func (b *Barrier) Abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.breakWaiters()
	b.broken = true
}

// Broken reports whether the barrier is broken (Abort, and no Reset since).
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}

// Waiting reports how many parties are waiting in the current cycle,
// counting one whose context is done until its goroutine has run (G3).
func (b *Barrier) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.waiters)
}

// Parties reports the number of parties the barrier was made for.
func (b *Barrier) Parties() int { return b.parties }
