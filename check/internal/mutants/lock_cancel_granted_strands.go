// lock-cancel-granted-strands
//
// The bug: a waiter the lock was handed to, whose context is cancelled
// before it resumes, returns ctx.Err() and does nothing else. It neither
// keeps the lock nor passes it on, so the lock stays handed to a call that
// has returned: every waiter behind it, and every later Acquire, waits
// forever.
//
// Reference: bpo-27585 (asyncio.Lock, fixed in 3.7 by "Cancelled lock waiter
// wakes up the next one", python/cpython#1031): release() woke the first
// waiter's future; the waiting task was cancelled before it ran, raised
// CancelledError, and nobody woke the next waiter.
//
// Class W: the cancel must meet the grant before the waiter runs (the
// release may come before or after the cancel: Go keeps a cancelled record
// queued until its goroutine runs, G3).
//
// Minimal counterexample (testdata/mutants/lock-cancel-granted-strands.scn),
// 2 tasks / 4 ops / 0 preemptions: W takes the lock, and its second acquire
// blocks (locks have no owner); R releases, handing the lock to W; W is
// cancelled and observes the cancel; W's third acquire blocks forever,
// where the Go dialect has the lock back and free.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

type lockCancelGrantStrandsImpl struct{ *lock }

func (l lockCancelGrantStrandsImpl) Acquire(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	w, err := l.takeOrQueue(ctx)
	if w == nil {
		return err
	}
	err = park(&l.mu, ctx, w)
	switch {
	case w.committed:
		return nil
	case err == nil:
		l.grantee, l.held = nil, true
	case w.woken():
		// BUG: granted, but we saw the cancel, so we just leave. The
		// correct code passes the lock on: l.grantee = nil; l.handOff().
	default:
		l.q.remove(w)
	}
	return err
}

func lockCancelGrantStrands() Mutant {
	const name = "lock-cancel-granted-strands"
	return Mutant{
		Name:      name,
		Primitive: model.Lock,
		Class:     ClassW,
		Pattern:   "a granted waiter cancelled before it resumes neither takes nor passes the lock, so the next waiter strands (bpo-27585, asyncio.Lock)",
		Target:    lockTarget(name, func(l *lock) prims.LockImpl { return lockCancelGrantStrandsImpl{l} }),
		Minimal:   Size{Tasks: 2, Ops: 4, Preemptions: 0},
	}
}
