package mutants

import (
	"context"

	"github.com/syncheck/syncheck/impl/sched"
)

// waiter is the record of one blocked call: the slot its goroutine parks on,
// and the one flag a Lock keeps about it. Everything about it is guarded by
// the mutex of the primitive whose queue it is in.
type waiter struct {
	slot sched.Slot
	// committed (Lock only): the lock was handed to this waiter and released
	// by somebody else before it resumed, so its acquisition has happened
	// (G4).
	committed bool
}

func newWaiter(mu *sched.Mutex) *waiter {
	w := new(waiter)
	w.slot.Init(mu)
	return w
}

// woken reports whether the waiter has been granted (its slot woken).
func (w *waiter) woken() bool { return w.slot.Woken() }

// waitq is the FIFO of waiters every mutant shares. It is a plain slice:
// mutants are small programs, not fast ones.
type waitq struct{ ws []*waiter }

func (q *waitq) empty() bool { return len(q.ws) == 0 }

func (q *waitq) push(w *waiter) { q.ws = append(q.ws, w) }

// pushFront queues w ahead of everybody (a waiter that lost a race and keeps
// its seniority, as sync.Mutex does).
func (q *waitq) pushFront(w *waiter) { q.ws = append([]*waiter{w}, q.ws...) }

// pop unlinks and returns the first waiter, nil if there is none.
func (q *waitq) pop() *waiter {
	if len(q.ws) == 0 {
		return nil
	}
	w := q.ws[0]
	q.ws = q.ws[1:]
	return w
}

// remove unlinks w if it is queued and reports whether it was.
func (q *waitq) remove(w *waiter) bool {
	for i, x := range q.ws {
		if x == w {
			q.ws = append(q.ws[:i], q.ws[i+1:]...)
			return true
		}
	}
	return false
}

// firstNotWoken returns the first queued waiter not granted yet, or nil.
func (q *waitq) firstNotWoken() *waiter {
	for _, w := range q.ws {
		if !w.woken() {
			return w
		}
	}
	return nil
}

// park, with mu held, waits on w's slot with mu released and returns what
// the wait observed (nil: the wake, ctx.Err(): the cancel), with mu held
// again. The caller then looks at w (under mu) to learn what really happened.
//
// mu is taken again in a deferred call so that a caller's deferred
// mu.Unlock stays balanced when the controlled scheduler unwinds a parked
// task (scheduler.Close), as with sync.Cond.Wait.
func park(mu *sched.Mutex, ctx context.Context, w *waiter) error {
	mu.Unlock()
	defer mu.Lock()
	return w.slot.Wait(ctx)
}

// yieldUnlocked, with mu held, is the named scheduling point point with mu
// released: the place inside an operation where a class F mutant can be
// preempted. It returns with mu held (see park).
func yieldUnlocked(mu *sched.Mutex, point string) {
	mu.Unlock()
	defer mu.Lock()
	mu.Yield(point)
}
