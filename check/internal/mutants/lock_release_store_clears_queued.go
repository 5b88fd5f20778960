// lock-release-store-clears-queued
//
// The bug: Release's fast path loads the state word, sees it locked with
// nobody queued, and writes 0 with a plain store instead of a
// compare-and-swap from the value it loaded. An Acquire that, between the
// load and the store, finds the lock held sets the queued bit (its own CAS)
// and parks: the store wipes the bit out, the lock is free with a waiter
// queued, and no Release will ever look at the queue again (the fast paths
// now succeed), so the waiter sleeps forever.
//
// Reference: switchbrew/libnx#120 ("Fix mutexUnlock": the unlock wrote 0
// over the mutex word unconditionally, losing what a concurrent locker had
// put there between the unlock's read and its write), and the same shape in
// FEX-Emu/FEX#5161 (an unlock clearing a waiter bit that a reader had just
// set: its wake-up was dropped).
//
// Class F: the preemption falls between two operations on the state word,
// inside Release, at the point "store".
//
// Minimal counterexample (fclass_test.go), 2 tasks / 3 ops / 1 preemption:
// H acquires (fast path) and its release runs to "store" (it loaded
// "locked"); W's acquire finds the lock held, sets the queued bit and parks;
// H stores 0: quiescent with W parked and the lock free.

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type lockReleaseStoreClearsQueuedImpl struct{ *flock }

func (l lockReleaseStoreClearsQueuedImpl) Release() error {
	// BUG: a load and a store where the correct fast path is one
	// CompareAndSwap(flockLocked, 0), which fails once a waiter has set
	// flockQueued and sends the release to the slow path.
	if l.state.Load() == flockLocked {
		l.state.Store(0)
		return nil
	}
	return l.releaseSlow()
}

func lockReleaseStoreClearsQueued() Mutant {
	const name = "lock-release-store-clears-queued"
	return Mutant{
		Name:      name,
		Primitive: model.Lock,
		Class:     ClassF,
		Pattern:   "Release's fast path loads the word (locked, nobody queued) and stores 0 instead of CAS, wiping the queued bit a concurrent Acquire set in between: the waiter sleeps with the lock free (switchbrew/libnx#120)",
		Target:    flockTarget(name, func(l *flock) prims.LockImpl { return lockReleaseStoreClearsQueuedImpl{l} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 1},
	}
}
