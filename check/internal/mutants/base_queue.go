package mutants

import (
	"context"
	"slices"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// queue is the correct Queue, LifoQueue and PriorityQueue of ints the queue
// mutants are written against (see lock): hand-off (G14), a served call
// keeps what it was given (G15), asyncio 3.13's shutdown (G16).
type queue struct {
	mu         sched.Mutex
	kind       model.Primitive
	maxsize    int
	items      []int
	unfinished int
	// perPut is what a put adds to unfinished: 1 (a mutant sets 0).
	perPut  int
	shut    bool
	getters []*qwaiter // waiting for an item: the queue is empty
	putters []*qwaiter // waiting for a place, each with its item
	joiners waitq
}

// qwaiter is a blocked Put or Get: its waiter, the item (a Put's; the one
// handed to a Get), and whether a shutdown woke it.
type qwaiter struct {
	*waiter
	item int
	shut bool
}

func newQueue(rt sched.Runtime, kind model.Primitive, maxsize int) *queue {
	q := &queue{kind: kind, maxsize: maxsize, perPut: 1}
	q.mu.SetRuntime(rt)
	return q
}

func (q *queue) full() bool { return q.maxsize > 0 && len(q.items) >= q.maxsize }

// add queues x by the discipline (a PriorityQueue keeps items sorted).
func (q *queue) add(x int) {
	i := len(q.items)
	if q.kind == model.PriorityQueue {
		i, _ = slices.BinarySearch(q.items, x)
	}
	q.items = slices.Insert(q.items, i, x)
	q.unfinished += q.perPut
}

// take removes the next item (the last for a LifoQueue) and admits the
// first waiting Put's item in the place it frees.
func (q *queue) take() int {
	i := 0
	if q.kind == model.LifoQueue {
		i = len(q.items) - 1
	}
	x := q.items[i]
	q.items = slices.Delete(q.items, i, i+1)
	if len(q.putters) > 0 {
		p := q.putters[0]
		q.putters = q.putters[1:]
		q.add(p.item)
		p.slot.Wake()
	}
	return x
}

// offer hands x to the first waiting Get or queues it; false if it must
// wait.
func (q *queue) offer(x int) bool {
	if len(q.getters) > 0 {
		g := q.getters[0]
		q.getters = q.getters[1:]
		g.item = x
		q.unfinished += q.perPut
		g.slot.Wake()
		return true
	}
	if q.full() || len(q.putters) > 0 {
		return false
	}
	q.add(x)
	return true
}

func (q *queue) Put(ctx context.Context, x int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	w, err := q.putOrQueue(ctx, x)
	if w == nil {
		return err
	}
	return q.putResumed(w, park(&q.mu, ctx, w.waiter))
}

// putOrQueue, with mu held, puts x at once (nil, nil), fails (nil, err:
// shut down, or a done ctx when it would block, G2), or queues the caller
// as a putter (w, nil), to park.
func (q *queue) putOrQueue(ctx context.Context, x int) (*qwaiter, error) {
	switch {
	case q.shut:
		return nil, impl.ErrQueueShutDown
	case q.offer(x):
		return nil, nil
	case ctx.Err() != nil:
		return nil, ctx.Err()
	}
	w := &qwaiter{waiter: newWaiter(&q.mu), item: x}
	q.putters = append(q.putters, w)
	return w, nil
}

// putResumed, with mu held, ends the blocked Put of w, which observed err.
func (q *queue) putResumed(w *qwaiter, err error) error {
	switch {
	case w.shut:
		return impl.ErrQueueShutDown
	case w.woken():
		return nil // admitted (G15), whatever err says
	}
	q.putters = drop(q.putters, w)
	return err
}

func (q *queue) PutNowait(x int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.shut:
		return impl.ErrQueueShutDown
	case q.offer(x):
		return nil
	}
	return impl.ErrQueueFull
}

func (q *queue) Get(ctx context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	x, w, err := q.getOrQueue(ctx)
	if w == nil {
		return x, err
	}
	return q.getResumed(w, park(&q.mu, ctx, w.waiter))
}

// getOrQueue, with mu held, takes an item at once (x, nil, nil), fails
// (0, nil, err: shut down and empty, or a done ctx when it would block,
// G2), or queues the caller as a getter (0, w, nil), to park.
func (q *queue) getOrQueue(ctx context.Context) (int, *qwaiter, error) {
	switch {
	case len(q.items) > 0:
		return q.take(), nil, nil
	case q.shut:
		return 0, nil, impl.ErrQueueShutDown
	case ctx.Err() != nil:
		return 0, nil, ctx.Err()
	}
	w := &qwaiter{waiter: newWaiter(&q.mu)}
	q.getters = append(q.getters, w)
	return 0, w, nil
}

// getResumed, with mu held, ends the blocked Get of w, which observed err.
func (q *queue) getResumed(w *qwaiter, err error) (int, error) {
	switch {
	case w.shut:
		return 0, impl.ErrQueueShutDown
	case w.woken():
		return w.item, nil // handed over (G15), whatever err says
	}
	q.getters = drop(q.getters, w)
	return 0, err
}

func (q *queue) GetNowait() (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case len(q.items) > 0:
		return q.take(), nil
	case q.shut:
		return 0, impl.ErrQueueShutDown
	}
	return 0, impl.ErrQueueEmpty
}

func (q *queue) TaskDone() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished == 0 {
		return impl.ErrTaskDoneTooOften
	}
	q.unfinished--
	q.releaseJoiners()
	return nil
}

// releaseJoiners wakes every Join once nothing is unfinished.
func (q *queue) releaseJoiners() {
	if q.unfinished > 0 {
		return
	}
	for w := q.joiners.pop(); w != nil; w = q.joiners.pop() {
		w.slot.Wake()
	}
}

func (q *queue) Join(ctx context.Context) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	switch {
	case q.unfinished == 0:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	}
	w := newWaiter(&q.mu)
	q.joiners.push(w)
	err := park(&q.mu, ctx, w)
	if w.woken() {
		return nil
	}
	q.joiners.remove(w)
	return err
}

func (q *queue) Shutdown(immediate bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shut = true
	if immediate {
		q.unfinished = max(q.unfinished-len(q.items), 0)
		q.items = nil
		q.releaseJoiners()
	}
	for _, w := range append(q.getters, q.putters...) {
		w.shut = true
		w.slot.Wake()
	}
	q.getters, q.putters = nil, nil
}

func (q *queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

func (q *queue) Empty() bool { return q.Len() == 0 }

func (q *queue) Full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.full()
}

// drop removes w from ws.
func drop(ws []*qwaiter, w *qwaiter) []*qwaiter {
	if i := slices.Index(ws, w); i >= 0 {
		return slices.Delete(ws, i, i+1)
	}
	return ws
}

// queueImpl is everything a queue mutant implements.
type queueImpl interface {
	prims.QueueCore
	PutNowait(x int) error
	GetNowait() (int, error)
	TaskDone() error
	Join(ctx context.Context) error
	Shutdown(immediate bool)
	Len() int
	Empty() bool
	Full() bool
}

func queueTarget(kind model.Primitive, name string, mk func(*queue) queueImpl) harness.Target {
	return prims.QueueOf(kind, name, func(rt sched.Runtime, maxsize int) queueImpl {
		return mk(newQueue(rt, kind, maxsize))
	})
}

func init() {
	for _, kind := range []model.Primitive{model.Queue, model.LifoQueue, model.PriorityQueue} {
		var ms []func() Mutant
		switch kind {
		case model.Queue:
			ms = []func() Mutant{queueGetCancelDropsItem, queuePutCancelReportsFailure, queuePutterCountStale, queuePendingCancelDropsItem}
		case model.LifoQueue:
			ms = []func() Mutant{putNotUnfinished(model.LifoQueue)}
		case model.PriorityQueue:
			ms = []func() Mutant{priorityQueuePutNotUnfinished}
		}
		register(kind, func() harness.Target {
			return queueTarget(kind, baseName, func(q *queue) queueImpl { return q })
		}, ms...)
	}
}
