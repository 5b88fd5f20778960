package impl

import (
	"context"
	"errors"

	"github.com/syncheck/syncheck/impl/sched"
)

// Queue errors. They are returned, never wrapped; match them with
// errors.Is.
var (
	// ErrQueueFull is returned by PutNowait when the queue holds maxsize
	// items (asyncio.QueueFull).
	ErrQueueFull = errors.New("impl: queue is full")
	// ErrQueueEmpty is returned by GetNowait when the queue holds no item
	// (asyncio.QueueEmpty).
	ErrQueueEmpty = errors.New("impl: queue is empty")
	// ErrQueueShutDown is returned by a put, and by a get that finds no
	// item, once the queue is shut down (asyncio 3.13's QueueShutDown).
	ErrQueueShutDown = errors.New("impl: queue is shut down")
	// ErrTaskDoneTooOften is returned by TaskDone when no item is
	// unfinished (asyncio raises ValueError), which changes nothing.
	ErrTaskDoneTooOften = errors.New("impl: task_done called more times than items were put")
)

// Queue is a queue of values of type T, after asyncio.Queue: first in, first
// out (NewQueue), last in, first out (NewLifoQueue, asyncio.LifoQueue), or
// least first (NewPriorityQueue, asyncio.PriorityQueue), holding at most
// maxsize items (unbounded when maxsize <= 0).
//
// Blocked Puts and Gets are served in arrival order, by hand-off: a Put that
// finds a Get waiting gives its item to the first waiting Get directly, and
// a Get that frees a place admits the first waiting Put's item into the
// queue; a newcomer never overtakes a waiter served that way (G14; asyncio
// lets it barge). Nothing is lost or duplicated by cancellation (G15): a Put whose item was admitted returns nil
// even if its context is done by the time it returns (the item is in the
// queue: it never reports failure after its item was enqueued); a Get whose
// item was handed to it returns that item, even if its context is done by
// then. A Put or Get whose context is done before it was served returns
// ctx.Err() and leaves the queue as if it had never been called.
//
// Every item put counts as unfinished until TaskDone is called for it; Join
// waits until none is. Shutdown refuses further Puts and, when immediate,
// drops the queued items (counting them done), as asyncio 3.13 does (G16).
//
// The zero Queue is not usable: make one with NewQueue, NewLifoQueue or
// NewPriorityQueue. A Queue must not be copied after first use.
//
// In the terminology of the Go memory model, a Put of an item synchronizes
// before the return of the Get (or GetNowait) that returns that item; a
// TaskDone that makes the unfinished count reach zero synchronizes before
// the return of every Join it unblocks, and of every Join that returns nil
// because it found the count zero after it.
type Queue[T any] struct {
	mu      sched.Mutex // guards everything below
	items   itemStore[T]
	maxsize int
	// getters are Gets waiting for an item (the queue is empty then);
	// putters are Puts waiting for a place (the queue is full then), each
	// with its item; joiners are Joins waiting for unfinished to reach 0.
	getters, putters, joiners []*qwaiter[T]
	unfinished                int
	shutdown                  bool
}

// qwaiter is one blocked call of a Queue. Its owner is the goroutine whose
// call created it; the other fields are written under the queue's mutex.
type qwaiter[T any] struct {
	slot sched.Slot
	item T
	// served: a Get was handed item, a Put's item was admitted, a Join saw
	// the count reach zero; shut: the queue was shut down while it waited.
	served, shut bool
}

// NewQueue returns an empty first-in first-out Queue holding at most maxsize
// items (unbounded when maxsize <= 0).
func NewQueue[T any](maxsize int, opts ...Option) *Queue[T] {
	return newQueue(maxsize, &fifo[T]{}, opts)
}

// NewLifoQueue returns an empty last-in first-out Queue (asyncio.LifoQueue).
func NewLifoQueue[T any](maxsize int, opts ...Option) *Queue[T] {
	return newQueue(maxsize, &lifo[T]{}, opts)
}

// NewPriorityQueue returns an empty Queue that gives out its least item
// first, by less (asyncio.PriorityQueue; items equal by less come out in no
// particular order). less must be a strict weak order. A function rather
// than cmp.Ordered, so that items can be any type: a struct with a
// priority field, as asyncio's (priority, data) tuples.
func NewPriorityQueue[T any](maxsize int, less func(a, b T) bool, opts ...Option) *Queue[T] {
	return newQueue(maxsize, &heap[T]{less: less}, opts)
}

func newQueue[T any](maxsize int, items itemStore[T], opts []Option) *Queue[T] {
	q := &Queue[T]{items: items, maxsize: max(maxsize, 0)}
	setup(&q.mu, opts)
	return q
}

// full reports whether no item can be added without waiting.
func (q *Queue[T]) full() bool { return q.maxsize > 0 && q.items.len() >= q.maxsize }

// Put adds v to the queue, waiting for a place while it is full. It
// returns ErrQueueShutDown once the queue is shut down, and ctx.Err() if ctx
// is done before v was admitted (at once, leaving nothing behind, if it
// already is and the queue is full).
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	q.mu.Lock()
	if q.shutdown {
		q.mu.Unlock()
		return ErrQueueShutDown
	}
	if q.offer(v) {
		q.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		q.mu.Unlock()
		return err
	}
	w := &qwaiter[T]{item: v}
	w.slot.Init(&q.mu)
	q.putters = append(q.putters, w)
	q.mu.Unlock()
	err := w.slot.Wait(ctx)
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case w.served:
		return nil // admitted: the item is in the queue, whatever ctx says
	case w.shut:
		return ErrQueueShutDown
	}
	q.putters = drop(q.putters, w)
	var zero T
	w.item = zero // the item was not put: not kept reachable
	return err
}

// PutNowait adds v without waiting: ErrQueueFull when the queue is full,
// ErrQueueShutDown once it is shut down.
func (q *Queue[T]) PutNowait(v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.shutdown:
		return ErrQueueShutDown
	case q.offer(v):
		return nil
	}
	return ErrQueueFull
}

// offer hands v to the first waiting Get, or adds it to the queue if it
// is not full; false when v must wait. Called under q.mu.
func (q *Queue[T]) offer(v T) bool {
	if len(q.getters) > 0 {
		// Getters wait only on an empty queue: the first one gets v.
		g := q.getters[0]
		q.getters[0] = nil // the served record is not kept reachable
		q.getters = q.getters[1:]
		g.item, g.served = v, true
		q.unfinished++
		g.slot.Wake()
		return true
	}
	if q.full() || len(q.putters) > 0 {
		return false
	}
	q.items.push(v)
	q.unfinished++
	return true
}

// Get removes and returns an item, waiting for one while the queue is
// empty. It returns ErrQueueShutDown when the queue is shut down and
// empty, and ctx.Err() if ctx is done before an item was handed to it (at
// once, leaving nothing behind, if it already is and the queue is empty).
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	var zero T
	q.mu.Lock()
	if v, ok := q.take(); ok {
		q.mu.Unlock()
		return v, nil
	}
	if q.shutdown {
		q.mu.Unlock()
		return zero, ErrQueueShutDown
	}
	if err := ctx.Err(); err != nil {
		q.mu.Unlock()
		return zero, err
	}
	w := new(qwaiter[T])
	w.slot.Init(&q.mu)
	q.getters = append(q.getters, w)
	q.mu.Unlock()
	err := w.slot.Wait(ctx)
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case w.served:
		return w.item, nil // handed over: it is ours, whatever ctx says
	case w.shut:
		return zero, ErrQueueShutDown
	}
	q.getters = drop(q.getters, w)
	return zero, err
}

// GetNowait removes and returns an item without waiting: ErrQueueEmpty when
// the queue is empty, ErrQueueShutDown when it is also shut down.
func (q *Queue[T]) GetNowait() (T, error) {
	var zero T
	q.mu.Lock()
	defer q.mu.Unlock()
	if v, ok := q.take(); ok {
		return v, nil
	}
	if q.shutdown {
		return zero, ErrQueueShutDown
	}
	return zero, ErrQueueEmpty
}

// take removes the next item, and admits the first waiting Put's item in
// the place it frees. Called under q.mu.
func (q *Queue[T]) take() (T, bool) {
	if q.items.len() == 0 {
		var zero T
		return zero, false
	}
	v := q.items.pop()
	if len(q.putters) > 0 {
		p := q.putters[0]
		q.putters[0] = nil
		q.putters = q.putters[1:]
		q.items.push(p.item)
		q.unfinished++
		p.served = true
		var zero T
		p.item = zero
		p.slot.Wake()
	}
	return v, true
}

// TaskDone marks one item put as finished (asyncio's task_done), waking
// the Joins when none is left unfinished. It returns ErrTaskDoneTooOften,
// changing nothing, when every item put is finished already.
func (q *Queue[T]) TaskDone() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		return ErrTaskDoneTooOften
	}
	q.unfinished--
	if q.unfinished == 0 {
		q.releaseJoiners()
	}
	return nil
}

// releaseJoiners wakes every waiting Join. Called under q.mu.
func (q *Queue[T]) releaseJoiners() {
	for _, j := range q.joiners {
		j.served = true
		j.slot.Wake()
	}
	q.joiners = nil
}

// Join waits until every item put is finished (TaskDone), or returns
// ctx.Err() if ctx is done first (at once if it already is and some item
// is unfinished).
func (q *Queue[T]) Join(ctx context.Context) error {
	q.mu.Lock()
	if q.unfinished == 0 {
		q.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		q.mu.Unlock()
		return err
	}
	w := new(qwaiter[T])
	w.slot.Init(&q.mu)
	q.joiners = append(q.joiners, w)
	q.mu.Unlock()
	err := w.slot.Wait(ctx)
	q.mu.Lock()
	defer q.mu.Unlock()
	if w.served {
		return nil
	}
	q.joiners = drop(q.joiners, w)
	return err
}

// Shutdown shuts the queue down (asyncio 3.13): every Put from now on, and
// every Put waiting, returns ErrQueueShutDown, and so do the Gets waiting
// (the queue is empty while they wait) and every Get that finds the queue
// empty. With immediate, the items still queued are dropped and counted as
// finished, which may release the Joins. A second Shutdown changes nothing
// more than its immediate drop.
func (q *Queue[T]) Shutdown(immediate bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shutdown = true
	if immediate {
		for q.items.len() > 0 {
			q.items.pop()
			if q.unfinished > 0 {
				q.unfinished--
			}
		}
		if q.unfinished == 0 {
			q.releaseJoiners()
		}
	}
	for _, w := range q.getters {
		w.shut = true
		w.slot.Wake()
	}
	for _, w := range q.putters {
		w.shut = true
		w.slot.Wake()
	}
	q.getters, q.putters = nil, nil
}

// Len is the number of items queued.
func (q *Queue[T]) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.len()
}

// Empty reports whether no item is queued.
func (q *Queue[T]) Empty() bool { return q.Len() == 0 }

// Full reports whether the queue holds maxsize items (never, unbounded).
func (q *Queue[T]) Full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.full()
}

// Maxsize is the most items the queue holds, 0 when unbounded.
func (q *Queue[T]) Maxsize() int { return q.maxsize }

// drop removes w from ws, keeping the order, and clears the slot it frees
// so that the array keeps nothing reachable.
func drop[T any](ws []*qwaiter[T], w *qwaiter[T]) []*qwaiter[T] {
	for i, x := range ws {
		if x == w {
			copy(ws[i:], ws[i+1:])
			ws[len(ws)-1] = nil
			return ws[:len(ws)-1]
		}
	}
	return ws
}

// itemStore is a queue's discipline.
type itemStore[T any] interface {
	len() int
	push(v T)
	pop() T
}

// fifo is a ring buffer.
type fifo[T any] struct {
	buf        []T
	head, size int
}

func (f *fifo[T]) len() int { return f.size }

func (f *fifo[T]) push(v T) {
	if f.size == len(f.buf) {
		grown := make([]T, max(2*len(f.buf), 4))
		for i := range f.size {
			grown[i] = f.buf[(f.head+i)%len(f.buf)]
		}
		f.buf, f.head = grown, 0
	}
	f.buf[(f.head+f.size)%len(f.buf)] = v
	f.size++
}

func (f *fifo[T]) pop() T {
	var zero T
	v := f.buf[f.head]
	f.buf[f.head] = zero // no reference kept
	f.head = (f.head + 1) % len(f.buf)
	f.size--
	return v
}

// lifo is a stack.
type lifo[T any] struct{ s []T }

func (l *lifo[T]) len() int { return len(l.s) }
func (l *lifo[T]) push(v T) { l.s = append(l.s, v) }
func (l *lifo[T]) pop() T {
	var zero T
	v := l.s[len(l.s)-1]
	l.s[len(l.s)-1] = zero
	l.s = l.s[:len(l.s)-1]
	return v
}

// heap is a binary min-heap by less.
type heap[T any] struct {
	s    []T
	less func(a, b T) bool
}

func (h *heap[T]) len() int { return len(h.s) }

func (h *heap[T]) push(v T) {
	h.s = append(h.s, v)
	for i := len(h.s) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(h.s[i], h.s[p]) {
			break
		}
		h.s[i], h.s[p] = h.s[p], h.s[i]
		i = p
	}
}

func (h *heap[T]) pop() T {
	var zero T
	v := h.s[0]
	n := len(h.s) - 1
	h.s[0] = h.s[n]
	h.s[n] = zero
	h.s = h.s[:n]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < n && h.less(h.s[l], h.s[m]) {
			m = l
		}
		if r < n && h.less(h.s[r], h.s[m]) {
			m = r
		}
		if m == i {
			break
		}
		h.s[i], h.s[m] = h.s[m], h.s[i]
		i = m
	}
	return v
}
