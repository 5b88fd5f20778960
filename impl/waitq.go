package impl

import (
	"sync"

	"github.com/syncheck/syncheck/impl/sched"
)

// waiter is the record of one blocked call. Its owner is the goroutine whose
// call created it: only the owner frees it, and only after it is out of every
// queue. Its links are guarded by the mutex of the primitive whose queue it is
// in; its slot is woken at most once, under that mutex.
//
// A woken waiter is never in a queue: every primitive unlinks a waiter before
// it wakes it (the grant is a hand-off). So under the mutex, slot.Woken()
// tells the owner both "I was granted" and "I am no longer queued".
type waiter struct {
	slot       sched.Slot
	next, prev *waiter
	pooled     bool // production record, goes back to waiterPool
	// committed (Lock queue only): the lock was handed to this waiter and
	// released by somebody else before it resumed (G4).
	committed bool
}

// In production, waiter records are recycled: a blocked call then allocates
// at most the slot's channel, and only when it really has to park. Under a
// runtime they are not, so that a controlled run never depends on the pool's
// (nondeterministic) contents and a runtime never sees a slot it parked on
// come back as somebody else's.
var waiterPool = sync.Pool{New: func() any { return new(waiter) }}

// newWaiter returns a fresh record whose slot is under m's runtime.
func newWaiter(m *sched.Mutex) *waiter {
	var w *waiter
	if m.Runtime() == nil {
		w = waiterPool.Get().(*waiter)
		w.pooled = true
	} else {
		w = new(waiter)
	}
	w.slot.Init(m)
	w.committed = false
	return w
}

// free recycles w. The caller is its owner, w is in no queue, and nobody can
// touch it any more: whoever woke it did so under the mutex the owner has
// since taken, or before the owner's Wait returned nil (sched.Slot.Wake does
// not touch the slot after the wake is observable).
func (w *waiter) free() {
	w.next, w.prev = nil, nil
	if w.pooled {
		waiterPool.Put(w)
	}
}

// waitq is an intrusive FIFO of waiters, guarded by its primitive's mutex.
// Removal from the middle (a cancelled waiter) is O(1).
type waitq struct {
	head, tail *waiter
}

func (q *waitq) empty() bool { return q.head == nil }

// single reports whether q holds exactly one waiter, so that a caller about
// to pop can update its state word in the same step.
func (q *waitq) single() bool { return q.head != nil && q.head == q.tail }

func (q *waitq) push(w *waiter) {
	w.next = nil
	w.prev = q.tail
	if q.tail == nil {
		q.head = w
	} else {
		q.tail.next = w
	}
	q.tail = w
}

// pop unlinks and returns the first waiter, nil if q is empty.
func (q *waitq) pop() *waiter {
	w := q.head
	if w == nil {
		return nil
	}
	q.head = w.next
	if q.head == nil {
		q.tail = nil
	} else {
		q.head.prev = nil
	}
	w.next = nil
	return w
}

// remove unlinks w, which must be in q.
func (q *waitq) remove(w *waiter) {
	if w.prev == nil {
		q.head = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		q.tail = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.next, w.prev = nil, nil
}
