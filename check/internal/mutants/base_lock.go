package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// lock is the correct Lock every Lock and Condition mutant is written
// against: small and slow, everything under one sched.Mutex, and faithful to
// the Go dialect (TestBasesPassSpecs runs every specs/ scenario against it),
// so that each mutant differs from the specification by its bug alone.
//
// Its state is asyncio's: held is true while a resumed holder has the lock,
// and during a wake window the lock belongs to grantee instead (asyncio
// reports such a lock unlocked; Locked() here is true, G4).
type lock struct {
	mu      sched.Mutex
	held    bool    // a holder that has resumed holds it
	grantee *waiter // handed the lock, not resumed yet; never together with held
	q       waitq   // waiting, not granted
}

func newLock(rt sched.Runtime) *lock {
	l := new(lock)
	l.mu.SetRuntime(rt)
	return l
}

// busy is Locked with mu held: held, or handed to a waiter.
func (l *lock) busy() bool { return l.held || l.grantee != nil }

func (l *lock) Acquire(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.acquireLocked(ctx)
}

// acquireLocked is Acquire with mu held (mu is released while it waits).
func (l *lock) acquireLocked(ctx context.Context) error {
	w, err := l.takeOrQueue(ctx)
	if w == nil {
		return err
	}
	return l.resume(w, park(&l.mu, ctx, w))
}

// takeOrQueue, with mu held, takes the lock if it is free and nobody waits
// (nil, nil), fails with a done ctx when it would block (nil, ctx.Err(), G2),
// or queues the caller (w, nil).
func (l *lock) takeOrQueue(ctx context.Context) (*waiter, error) {
	if !l.busy() && l.q.empty() {
		l.held = true // fast path, even with a done ctx (G2)
		return nil, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	w := newWaiter(&l.mu)
	l.q.push(w)
	return w, nil
}

// resume, with mu held, ends the blocked Acquire of w, which observed err.
func (l *lock) resume(w *waiter, err error) error {
	switch {
	case w.committed:
		// Handed to w and released by somebody else since (G4).
		return nil
	case err == nil:
		l.grantee, l.held = nil, true
	case w.woken():
		// Granted, but w observed the cancel (G3): pass the lock on.
		l.grantee = nil
		l.handOff()
	default:
		l.q.remove(w)
	}
	return err
}

// handOff, with mu held and the lock neither held nor granted, gives it to
// the first waiter, or leaves it free.
func (l *lock) handOff() {
	if w := l.q.pop(); w != nil {
		l.grantee = w
		w.slot.Wake()
	}
}

func (l *lock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy() || !l.q.empty() {
		return false
	}
	l.held = true
	return true
}

func (l *lock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.releaseLocked()
}

// releaseLocked is Release with mu held.
func (l *lock) releaseLocked() error {
	switch {
	case l.grantee != nil:
		// This release ends the granted waiter's hold (G4).
		l.grantee.committed = true
		l.grantee = nil
	case l.held:
		l.held = false
	default:
		return impl.ErrNotLocked
	}
	l.handOff()
	return nil
}

func (l *lock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.busy()
}

// reacquire, with mu held, is the lock phase of Condition.Wait (G9): it
// takes the lock through the FIFO and cannot be cancelled. It returns with mu
// held.
func (l *lock) reacquire(ctx context.Context) {
	if !l.busy() && l.q.empty() {
		l.held = true
		return
	}
	w := newWaiter(&l.mu)
	l.q.push(w)
	_ = l.resume(w, park(&l.mu, context.WithoutCancel(ctx), w))
}

func init() {
	register(model.Lock, func() harness.Target { return lockTarget(baseName, func(l *lock) prims.LockImpl { return l }) },
		lockCancelGrantStrands,
		lockBarging,
		lockTryAcquireInWindow,
		lockReleaseStoreClearsQueued)
}
