// lock-tryacquire-in-window
//
// The bug: TryAcquire succeeds whenever no resumed holder has the lock, the
// way asyncio's locked() answers: it ignores a lock handed to a waiter that
// has not resumed yet. Called in that wake window it takes the lock from
// under the granted waiter, which then resumes holding it too: two holders.
//
// Reference: asyncio.Lock.locked() is False during the wake window (probe
// L1, specs/asyncio.md §2), so a try-acquire written as "if not
// lock.locked(): take it" breaks mutual exclusion; the Go dialect's
// TryAcquire follows the fast-path rule instead (G4: not locked and nobody
// queued, a grant in flight counting as locked).
//
// Class W: the TryAcquire must run inside the wake window.
//
// Minimal counterexample (testdata/mutants/lock-tryacquire-in-window.scn),
// 2 tasks / 4 ops / 0 preemptions: W takes the lock and its second acquire
// blocks; R releases, granting W, and R's tryacquire returns true (Go:
// false); W then resumes holding the lock as well.

package mutants

import (
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type lockTryAcquireInWindowImpl struct{ *lock }

func (l lockTryAcquireInWindowImpl) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	// BUG: asyncio's locked(): only a resumed holder counts. The correct
	// test is l.busy() || !l.q.empty(), a grantee counting as a holder.
	if l.held {
		return false
	}
	l.held = true
	return true
}

func lockTryAcquireInWindow() Mutant {
	const name = "lock-tryacquire-in-window"
	return Mutant{
		Name:      name,
		Primitive: model.Lock,
		Class:     ClassW,
		Pattern:   "TryAcquire tests asyncio's locked(), false while the lock is handed to a waiter that has not resumed, and steals it from that waiter: two holders (specs/asyncio.md §2, probe L1)",
		Target:    lockTarget(name, func(l *lock) prims.LockImpl { return lockTryAcquireInWindowImpl{l} }),
		Minimal:   Size{Tasks: 2, Ops: 4, Preemptions: 0},
	}
}
