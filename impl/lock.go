package impl

import (
	"context"
	"runtime"

	"github.com/syncheck/syncheck/impl/sched"
)

// Lock state word bits. The word is 0 (free), or locked with any of the
// other two bits; queued and granted are set and cleared only under mu, and
// while either is set no lock-free path can change the word (the fast paths
// are CAS 0 -> locked and CAS locked -> 0), so under mu it may be stored.
const (
	lockLocked uint64 = 1 << iota
	// lockQueued: the queue is not empty, or, for a moment under mu, the
	// word is frozen: a caller about to queue looks at its context
	// (lockOrQueue), or Condition.Wait checks the lock and its context and
	// releases the lock (freeze). Implies lockLocked: a Release with
	// waiters hands the lock over instead of unlocking it. Every path that
	// sees it set and must tell a freeze from a queue (Release, Acquire,
	// TryAcquire, Locked) takes mu, so it is serialized behind the freeze
	// and sees the word as the freezer left it.
	lockQueued
	// lockGranted: the lock was handed to a waiter (Lock.grantee) that has
	// not resumed yet. Implies lockLocked. It sends every Release to the
	// slow path, where it can commit the grant (G4).
	lockGranted
)

// Lock is a FIFO mutual-exclusion lock with context-aware acquisition, after
// asyncio.Lock. It is not owned: any goroutine may release it (specs/asyncio.md §1.6).
//
// Release with waiters hands the lock directly to the first one (G4): the
// lock stays locked while the granted waiter has not resumed yet (asyncio
// reports it unlocked in that window), and nobody can barge in ahead of it.
// If somebody releases the lock during that window, the release ends the
// granted waiter's hold: its Acquire has happened and returns nil, even if
// its context is done by the time it runs.
//
// The zero Lock is an unlocked production Lock, ready to use; NewLock is
// needed only to put a Lock under a runtime (WithRuntime). A Lock must not be
// copied after first use.
//
// In the terminology of the Go memory model, the n'th successful call to
// Release synchronizes before the m'th successful Acquire returns, for any
// n < m: everything done before releasing the lock is visible to the next
// holder. A successful TryAcquire counts as an Acquire, and Condition.Wait's
// release of the lock and its re-acquire count as a Release and an Acquire.
// An Acquire that returns an error, a failed TryAcquire and a Release that
// returns ErrNotLocked establish no synchronizes-before relation.
type Lock struct {
	// state is a scheduling point under a runtime, like mu: the checker
	// preempts between its loads and the CASes that act on them.
	state sched.Uint64 // lockLocked | lockQueued | lockGranted
	mu    sched.Mutex  // guards q, grantee, and the queued and granted bits
	q     waitq
	// grantee is the waiter the lock was handed to, until it resumes or a
	// Release commits its grant; nil unless lockGranted.
	grantee *waiter
}

// NewLock returns an unlocked Lock.
func NewLock(opts ...Option) *Lock {
	l := new(Lock)
	setup(&l.mu, opts)
	l.state.Init(&l.mu)
	return l
}

// Acquire locks l, waiting in FIFO order while it is locked or anybody is
// queued (no barging, G4). It returns nil once the caller holds the lock.
//
// If l is free and nobody waits, Acquire succeeds even if ctx is already done
// (G2); if it would block with a done ctx it returns ctx.Err() at once. If ctx
// is done while it waits, it returns ctx.Err() without the lock, unless the
// lock was handed to it in the meantime, in which case it either keeps it and
// returns nil or passes it to the next waiter and returns ctx.Err() (G3); it
// keeps it if somebody released it meanwhile (G4).
func (l *Lock) Acquire(ctx context.Context) error {
	// Fast path: free and nobody queued (lockQueued implies lockLocked).
	if l.state.CompareAndSwap(0, lockLocked) {
		return nil
	}
	return l.acquireSlow(ctx)
}

func (l *Lock) acquireSlow(ctx context.Context) error {
	if ctx.Err() == nil && l.spin() {
		return nil
	}
	w := newWaiter(&l.mu) // outside the critical section
	l.mu.Lock()
	if locked, err := l.lockOrQueue(ctx); locked || err != nil {
		l.mu.Unlock()
		w.free()
		return err
	}
	l.q.push(w)
	l.mu.Unlock()

	err := w.slot.Wait(ctx)
	l.mu.Lock()
	switch {
	case err == nil:
		// The lock was handed to us; we hold it now.
		l.resumed(w)
	case w.committed:
		// Handed to us and released by somebody else since: our
		// acquisition has happened and cannot be undone (G4).
		err = nil
	case w.slot.Woken():
		// Handed to us, but we observed the cancel (G3): pass the lock on,
		// to the next waiter or back to unlocked, straight from the grant.
		// Not through resumed: between its clearing lockGranted and the
		// release, the word would be plain lockLocked, and a Release on
		// the fast path (CAS lockLocked -> 0) could end our hold, which
		// commits our acquisition (G4): we would return ctx.Err() with
		// the lock released by somebody else. releaseLocked ends the grant
		// (marking w committed, which nobody reads any more) and passes
		// the lock on in one store, lockGranted set throughout.
		l.releaseLocked()
	default:
		l.q.remove(w)
		if l.q.empty() {
			l.state.And(^lockQueued)
		}
	}
	l.mu.Unlock()
	w.free()
	return err
}

// resumed, with mu held, ends w's grant window: w holds the lock as an
// ordinary holder. Nothing to do if a Release committed w's grant already.
func (l *Lock) resumed(w *waiter) {
	if l.grantee == w {
		l.grantee = nil
		l.state.And(^lockGranted)
	}
}

// lockOrQueue, with mu held, locks l if it is free with nobody queued
// (locked), or else sets lockQueued for the caller, who must then queue,
// unless ctx is done: then it changes nothing and returns ctx.Err() (G2).
func (l *Lock) lockOrQueue(ctx context.Context) (locked bool, err error) {
	for {
		s := l.state.Load()
		if s == 0 {
			if l.state.CompareAndSwap(0, lockLocked) {
				return true, nil
			}
			continue
		}
		// A holder may release through the fast path concurrently (when s
		// is just lockLocked), so setting lockQueued is a CAS: once it is
		// set, that holder's Release takes the slow path and finds us.
		if s&lockQueued != 0 || l.state.CompareAndSwap(s, s|lockQueued) {
			break
		}
	}
	// ctx is looked at after the last operation on the word, so that
	// nothing (no scheduling point, under a runtime) comes between the
	// look and the queueing: a call never queues on a context it saw live
	// a step ago and is done by now. With lockQueued set and mu held
	// nobody else can change the queued bit or take the lock, so backing
	// out is clearing the bit if the queue is still empty.
	if err := ctx.Err(); err != nil {
		if l.q.empty() {
			l.state.And(^lockQueued)
		}
		return false, err
	}
	return false, nil
}

// multicore: spinning only pays when the holder can run meanwhile.
var multicore = runtime.NumCPU() > 1

// lockSpins bounds spin: roughly the time a short critical section on
// another core takes, well under a park/unpark round trip.
const lockSpins = 64

// spin retries the fast path for a moment before the caller queues, as
// sync.Mutex does: a lock held for a few nanoseconds by a goroutine on
// another core is usually released sooner than a park and wake-up would
// take. It never lets the caller pass a waiter: only the fast path (free,
// nobody queued) can succeed, and it gives up as soon as somebody queues.
// It is production only: under a runtime one task runs
// at a time, so the holder cannot release meanwhile. Either way the state
// machine is the same; only the number of fast-path attempts differs.
func (l *Lock) spin() bool {
	if !multicore || l.mu.Runtime() != nil {
		return false
	}
	for range lockSpins {
		switch s := l.state.Load(); {
		case s == 0:
			if l.state.CompareAndSwap(0, lockLocked) {
				return true
			}
		case s&lockQueued != 0:
			return false
		}
	}
	return false
}

// TryAcquire locks l if it is free and nobody is queued (the Acquire fast
// path, specs/asyncio.md §2), and reports whether it did. It never waits. It fails
// while a granted waiter has not resumed, unlike !Locked() in asyncio (G4).
//
// It may wait for mu, behind a Condition.Wait that is releasing the lock:
// a failure seen on a frozen word (lockQueued set) cannot be taken at face
// value. The frozen lock is locked, but a Wait may already have taken
// effect (released it) in the history, at the moment it found its context
// live, with its word operations still to come; a failure then, after a
// cancel of that Wait, has no linearization. Under mu the Wait is over.
func (l *Lock) TryAcquire() bool {
	for {
		if l.state.CompareAndSwap(0, lockLocked) {
			return true
		}
		switch s := l.state.Load(); {
		case s&lockQueued != 0:
			return l.tryAcquireSlow()
		case s != 0:
			// Locked or granted, not frozen: the failure takes effect
			// at this load, where l is locked by somebody else.
			return false
		}
		// Free again since the CAS: try again, as an Acquire would.
	}
}

// tryAcquireSlow is TryAcquire under mu, where lockQueued means waiters
// (no freeze outlives its critical section): only a free word is taken.
// The CAS can still fail against a fast-path Acquire; the failure then
// takes effect at the CAS, with l locked by that Acquire.
func (l *Lock) tryAcquireSlow() bool {
	l.mu.Lock()
	ok := l.state.CompareAndSwap(0, lockLocked)
	l.mu.Unlock()
	return ok
}

// Release unlocks l, or hands it to the first waiter if there is one (G4).
// It returns ErrNotLocked, changing nothing, if l is not locked (G13). Any
// goroutine may release a locked Lock.
func (l *Lock) Release() error {
	if l.state.CompareAndSwap(lockLocked, 0) {
		return nil
	}
	return l.releaseSlow()
}

func (l *Lock) releaseSlow() error {
	l.mu.Lock()
	err := l.releaseLocked()
	l.mu.Unlock()
	return err
}

// releaseLocked is Release with mu held.
func (l *Lock) releaseLocked() error {
	for {
		s := l.state.Load()
		switch s {
		case 0:
			return ErrNotLocked
		case lockLocked:
			// Nobody queued or granted: unlock. The CAS only fails against
			// another Release racing on the fast path (misuse); look again.
			if l.state.CompareAndSwap(lockLocked, 0) {
				return nil
			}
			continue
		}
		l.releaseFrozen(s)
		return nil
	}
}

// releaseFrozen, with mu held, releases l whose word is s, with lockQueued
// or lockGranted set: no lock-free path changes such a word (see the
// bits), so it is stored, and s is still the word. lockQueued with an
// empty queue is a freeze (Condition.Wait's): the word is stored without
// it, which ends the freeze in the same step.
func (l *Lock) releaseFrozen(s uint64) {
	if s&lockGranted != 0 {
		// The holder is a waiter that was handed the lock and has not
		// resumed: this release ends its hold, so its acquisition has
		// happened and its grant is committed (G4).
		l.grantee.committed = true
		l.grantee = nil
	}
	if s&lockQueued == 0 || l.q.empty() {
		l.state.Store(0)
		return
	}
	// Hand-off: the lock stays locked and becomes the head's.
	w := l.q.pop()
	next := lockLocked | lockGranted
	if !l.q.empty() {
		next |= lockQueued
	}
	l.grantee = w
	l.state.Store(next)
	w.slot.Wake()
}

// freeze, with mu held, sets lockQueued on l's word if l is locked, and
// reports the word it left (0 if l is not locked: nothing changed). The
// CAS loop loses only against lock-free paths (a Release, an Acquire or a
// TryAcquire on the fast path); once the bit is set, or if it was set
// already (waiters, and mu is held), every path that would change the word
// or read it (Release, Acquire, TryAcquire, Locked) takes mu, so the word
// stays s until the caller stores it or unfreezes it, with mu held.
func (l *Lock) freeze() uint64 {
	for {
		s := l.state.Load()
		if s&lockLocked == 0 {
			return 0
		}
		if s&lockQueued != 0 || l.state.CompareAndSwap(s, s|lockQueued) {
			return s | lockQueued
		}
	}
}

// unfreeze, with mu held, ends a freeze that changes nothing: it clears
// lockQueued unless it stands for waiters. Like lockOrQueue's backing out.
func (l *Lock) unfreeze() {
	if l.q.empty() {
		l.state.And(^lockQueued)
	}
}

// Locked reports whether l is locked. It is true while a granted waiter has
// not resumed yet (G4), so it tells whether Acquire would block.
//
// On a word with lockQueued set it looks again under mu, for the reason
// TryAcquire does: the word may be frozen by a Condition.Wait that has
// already released the lock in the history.
func (l *Lock) Locked() bool {
	s := l.state.Load()
	if s&lockQueued != 0 {
		l.mu.Lock()
		s = l.state.Load()
		l.mu.Unlock()
	}
	return s&lockLocked != 0
}

// reacquire is the lock phase of Condition.Wait (G9): it takes l through the
// ordinary FIFO (queueing behind everybody already waiting, or the fast path
// if l is free and nobody waits) and cannot be cancelled, so the waiter keeps
// its place. w is the caller's own waiter record, out of every queue; it is
// reused for l's queue and still the caller's to free afterwards. With held,
// the caller already holds mu; reacquire always returns with mu released.
// ctx is the Wait's context, used only for its values.
func (l *Lock) reacquire(ctx context.Context, w *waiter, held bool) {
	if !held {
		if l.state.CompareAndSwap(0, lockLocked) || l.spin() {
			return
		}
		l.mu.Lock()
	}
	if locked, _ := l.lockOrQueue(context.Background()); locked {
		l.mu.Unlock()
		return
	}
	w.slot.Init(&l.mu)
	w.committed = false
	l.q.push(w)
	l.mu.Unlock()
	// A context that is never done (it keeps ctx's values for the runtime
	// and tracing): Wait returns only when the lock has been handed to us.
	_ = w.slot.Wait(context.WithoutCancel(ctx))
	l.mu.Lock()
	l.resumed(w)
	l.mu.Unlock()
}
