package impl

import "context"

// Condition lets goroutines wait until they are notified, after
// asyncio.Condition: a Lock plus a FIFO of waiters. Several Conditions may
// share one Lock; each has its own waiters, and all of them (and the Lock's
// own queue) are guarded by the Lock's sched.Mutex, which is what makes
// Wait's release-and-register atomic.
//
// Differences from asyncio, all in the direction of losing nothing:
//   - WaitFor checks the lock before evaluating the predicate (G6).
//   - A notified waiter whose context is done before it resumes passes its
//     notification on to the next waiter (G8, like 3.13), and a waiter that
//     was never notified never wakes (no spurious wakeup, unlike 3.13).
//   - Re-acquiring the lock after the wake cannot be cancelled and keeps its
//     place in the Lock's queue (G9; asyncio re-queues at the tail).
//
// Wait returns with the lock held, on success and on cancellation alike
// (G7). The re-acquire is Mesa-style: a newcomer may take the lock between
// Notify and the waiter's resumption (G9), so re-check the condition, or use
// WaitFor.
//
// A Condition must be made with NewCondition: NewCondition(l) for one that
// shares the Lock l, NewCondition(nil) for one with a Lock of its own. The
// zero Condition has no Lock: L returns nil and every other method panics
// (nil pointer dereference). A Condition must not be copied after first use.
//
// In the terminology of the Go memory model, a call to Notify or NotifyAll
// synchronizes before the return of each Wait it wakes (also when the
// notification reaches that Wait by being passed on, G8). Wait also returns
// holding the Lock, and its release and re-acquire of the Lock are a Release
// and an Acquire in the Lock's ordering: whatever a goroutine did before it
// released the Lock is visible to a waiter once Wait has re-acquired it. That
// is the usual way to publish the state a condition is about: change it with
// the Lock held.
type Condition struct {
	l *Lock
	q waitq // guarded by l.mu; only waiters not yet notified
}

// NewCondition returns a Condition over l. With a nil l it makes its own
// Lock, with opts; with a non-nil l it shares it, and runs under l's runtime
// (opts are then ignored).
func NewCondition(l *Lock, opts ...Option) *Condition {
	if l == nil {
		l = NewLock(opts...)
	}
	return &Condition{l: l}
}

// L returns the Condition's Lock.
func (c *Condition) L() *Lock { return c.l }

// Acquire is c.L().Acquire.
func (c *Condition) Acquire(ctx context.Context) error { return c.l.Acquire(ctx) }

// TryAcquire is c.L().TryAcquire.
func (c *Condition) TryAcquire() bool { return c.l.TryAcquire() }

// Release is c.L().Release.
func (c *Condition) Release() error { return c.l.Release() }

// Locked is c.L().Locked.
func (c *Condition) Locked() bool { return c.l.Locked() }

// Wait releases the lock (handing it to the Lock's first waiter, G4),
// registers as a waiter in the same atomic step, and waits until Notify or
// NotifyAll picks it, or ctx is done; then it re-acquires the lock through
// the Lock's FIFO, uncancellably (G9), and returns nil if it was notified,
// ctx.Err() if it observed the cancellation (G7). A waiter notified and
// cancelled at once may return either; when it returns ctx.Err() it has
// passed its notification to the next waiter (G8).
//
// It returns ErrNotLocked if the lock is not locked (G6), and ctx.Err() at
// once, without releasing the lock, if ctx is already done (G7, G2).
func (c *Condition) Wait(ctx context.Context) error {
	l := c.l
	w := newWaiter(&l.mu) // outside the critical section
	l.mu.Lock()
	// Lock check, ctx check and release are one step with respect to every
	// other operation on the lock: freeze sets lockQueued on its word, and
	// from then until the word is stored every path that changes or reads
	// it takes mu, which we hold. Without the freeze the release's own word
	// operations (scheduling points under a runtime) let a Release and a
	// TryAcquire by others recycle the word (ABA) between our look and our
	// CAS, and a cancel delivered in that gap would precede the only point
	// where our release could take effect: a wait cancelled before it
	// takes effect must leave no trace (G2), and this one would release
	// somebody else's hold. Frozen, the wait takes effect at the ctx check
	// below: nothing anybody else does on the lock can come between it and
	// the release.
	s := l.freeze()
	if s == 0 {
		// Not locked (G6 before G7: the lock check comes first). Nothing
		// was frozen.
		l.mu.Unlock()
		w.free()
		return ErrNotLocked
	}
	if err := ctx.Err(); err != nil {
		// Done before the wait took effect: unfreeze, which restores the
		// word (lockQueued stays if it stands for the lock's waiters);
		// nobody saw the frozen word without waiting for mu (G2, G7).
		l.unfreeze()
		l.mu.Unlock()
		w.free()
		return err
	}
	// The word is s since the freeze: release the lock (hand it to the
	// lock's first waiter, G4, or unlock it) and end the freeze in one store.
	l.releaseFrozen(s)
	if err := ctx.Err(); err != nil {
		// Done since the check above (a cancel can be delivered at the
		// release's store, a scheduling point under a runtime), so after the
		// wait took effect: a cancel after registering (G7), looked at here,
		// after the last word operation and right before queueing, so that
		// no waiter queues on a context already done. Take the lock back.
		l.reacquire(ctx, w, true)
		w.free()
		return err
	}
	c.q.push(w)
	l.mu.Unlock()

	err := w.slot.Wait(ctx)
	if err == nil {
		l.reacquire(ctx, w, false)
		w.free()
		return nil
	}
	l.mu.Lock()
	if w.slot.Woken() {
		// Notified, but we observed the cancel: forward the notification to
		// the next waiter not yet notified, so that none is lost (G8).
		if next := c.q.pop(); next != nil {
			next.slot.Wake()
		}
	} else {
		c.q.remove(w)
	}
	l.reacquire(ctx, w, true)
	w.free()
	return err
}

// WaitFor waits until pred() is true: it returns ErrNotLocked if the lock
// is not locked (checked first, G6: asyncio evaluates pred first, which
// would be a data race here), then calls Wait while pred() is false (G10).
// pred is only called while the lock is locked, so by its holder if the
// caller holds it. An error from Wait is returned as is, with the lock held.
// In particular, once ctx is done, a false pred makes WaitFor return
// ctx.Err() at once, even after a Wait that returned nil (G9, G2).
func (c *Condition) WaitFor(ctx context.Context, pred func() bool) error {
	if !c.l.Locked() {
		return ErrNotLocked
	}
	for !pred() {
		if err := c.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Notify wakes the first n waiters not yet notified, in FIFO order (fewer if
// fewer wait); n <= 0 wakes nobody. Two Notify(1) calls wake two distinct
// waiters. It returns ErrNotLocked if the lock is not locked (G6); as in
// asyncio, who holds it is not checked.
func (c *Condition) Notify(n int) error {
	l := c.l
	l.mu.Lock()
	if l.state.Load()&lockLocked == 0 {
		l.mu.Unlock()
		return ErrNotLocked
	}
	for ; n > 0; n-- {
		w := c.q.pop()
		if w == nil {
			break
		}
		w.slot.Wake()
	}
	l.mu.Unlock()
	return nil
}

// NotifyAll wakes every waiter not yet notified. It returns ErrNotLocked if
// the lock is not locked (G6).
func (c *Condition) NotifyAll() error {
	l := c.l
	l.mu.Lock()
	if l.state.Load()&lockLocked == 0 {
		l.mu.Unlock()
		return ErrNotLocked
	}
	for w := c.q.pop(); w != nil; w = c.q.pop() {
		w.slot.Wake()
	}
	l.mu.Unlock()
	return nil
}
