// lock-barging
//
// The bug: Release unlocks and wakes the first waiter, which then competes
// for the lock like everybody else, instead of handing the lock to it. A
// newcomer (or the releaser itself) that calls Acquire before the woken
// waiter runs takes the lock first; the woken waiter finds it held and goes
// back to sleep at the head of the queue.
//
// Reference: golang/go#13086 (sync.Mutex "normal mode": a woken waiter does
// not own the mutex and competes with new arrivals, which usually win;
// severe unfairness, fixed in Go 1.9 by starvation mode). The Go dialect
// forbids barging (G4: hand-off, Locked() stays true in the wake window).
//
// Class W: the newcomer must run inside the wake window.
//
// Minimal counterexample (testdata/mutants/lock-barging.scn), 2 tasks /
// 4 ops / 0 preemptions: W takes the lock and its second acquire blocks; R
// releases, granting W; R's own acquire then takes the lock at once, where
// the Go dialect has it queue behind W.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/model"
)

type lockBargingImpl struct{ *lock }

func (l lockBargingImpl) Acquire(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	first := true
	for {
		// BUG: whoever finds the lock unheld takes it, even while a woken
		// waiter is on its way to it (the correct fast path also checks
		// grantee and the queue).
		if !l.held {
			l.held = true
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		w := newWaiter(&l.mu)
		if first {
			l.q.push(w)
		} else {
			l.q.pushFront(w) // lost the race: keep the place at the head
		}
		first = false
		if err := park(&l.mu, ctx, w); err != nil {
			if !l.q.remove(w) && !l.held {
				// Woken, but leaving: pass the wake-up on.
				l.wakeFirst()
			}
			return err
		}
		// Woken: compete again.
	}
}

// wakeFirst wakes the first waiter to compete for the lock.
func (l lockBargingImpl) wakeFirst() {
	if w := l.q.pop(); w != nil {
		w.slot.Wake()
	}
}

func (l lockBargingImpl) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held {
		return false
	}
	l.held = true
	return true
}

func (l lockBargingImpl) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.held {
		return impl.ErrNotLocked
	}
	// BUG: unlock and wake, instead of handing the lock to the first
	// waiter.
	l.held = false
	l.wakeFirst()
	return nil
}

func (l lockBargingImpl) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held
}

func lockBarging() Mutant {
	const name = "lock-barging"
	return Mutant{
		Name:      name,
		Primitive: model.Lock,
		Class:     ClassW,
		Pattern:   "Release unlocks and wakes the first waiter, which re-competes, so a newcomer acquiring in the wake window takes the lock first (golang/go#13086, sync.Mutex normal mode)",
		Target:    lockTarget(name, func(l *lock) prims.LockImpl { return lockBargingImpl{l} }),
		Minimal:   Size{Tasks: 2, Ops: 4, Preemptions: 0},
	}
}
