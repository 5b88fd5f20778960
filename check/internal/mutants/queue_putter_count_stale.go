// queue-putter-count-stale
//
// The bug: the queue keeps a count of blocked putters beside its list of
// them, and a get admits the next putter's item only while the count says
// one waits. An admitted putter takes itself off the count when it resumes,
// but the get that admitted it has taken it off already: with several
// putters blocked, the count reaches zero while one still waits, and the
// places freed after that go to nobody: that putter waits for good.
//
// Reference: python/asyncio#268 (Python 3.5.0: a producer and a consumer
// on a Queue of maxsize 1 hang or trip "why are getters waiting?"), fixed
// by python/asyncio#269, after which CPython tests
// test_why_are_putters_waiting (maxsize 2, four putters, one getter that
// drains: every putter completes). A Go copy of its pattern: the wake-up
// accounting for several blocked putters kept apart from the putters.
//
// Class S: whole operations, no cancel.
//
// Minimal counterexample (testdata/mutants/queue-putter-count-stale.scn),
// maxsize 1, 2 tasks / 5 ops / 1 preemption: A puts 1; A's put 2 blocks;
// B's getnowait admits 2 (the count goes to 0); A returns (and counts
// itself off again: -1); A's put 3 blocks (0); B's get takes 2 and, the
// count saying nobody waits, admits nobody: A waits for good.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/model"
)

type queuePutterCountStaleImpl struct {
	*queue
	blocked *int // putters blocked, as the (buggy) bookkeeping counts them
}

func (q queuePutterCountStaleImpl) Put(ctx context.Context, x int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	w, err := q.putOrQueue(ctx, x)
	if w == nil {
		return err
	}
	*q.blocked++
	err = park(&q.mu, ctx, w.waiter)
	// BUG: counted off again, though the get that admitted it did so
	// already. The correct bookkeeping is the list itself.
	*q.blocked--
	return q.putResumed(w, err)
}

func (q queuePutterCountStaleImpl) Get(ctx context.Context) (int, error) {
	q.mu.Lock()
	if len(q.items) > 0 {
		defer q.mu.Unlock()
		return q.take(), nil
	}
	q.mu.Unlock()
	return q.queue.Get(ctx)
}

func (q queuePutterCountStaleImpl) GetNowait() (int, error) {
	q.mu.Lock()
	if len(q.items) > 0 {
		defer q.mu.Unlock()
		return q.take(), nil
	}
	q.mu.Unlock()
	return q.queue.GetNowait()
}

// take admits a putter only while the count says one waits.
func (q queuePutterCountStaleImpl) take() int {
	putters := q.putters
	if *q.blocked <= 0 {
		q.putters = nil // hidden from the base's take
	}
	x := q.queue.take()
	if *q.blocked <= 0 {
		q.putters = putters
	} else {
		*q.blocked--
	}
	return x
}

func queuePutterCountStale() Mutant {
	const name = "queue-putter-count-stale"
	return Mutant{
		Name:      name,
		Primitive: model.Queue,
		Class:     ClassS,
		Pattern:   "blocked putters are counted apart from their list and an admitted one is counted off twice, so a freed place goes to nobody (the 3.5.0 asyncio.Queue putter bug, python/asyncio#268)",
		Target: queueTarget(model.Queue, name, func(q *queue) queueImpl {
			return queuePutterCountStaleImpl{queue: q, blocked: new(int)}
		}),
		Minimal: Size{Tasks: 2, Ops: 5, Preemptions: 1},
		Params:  model.Params{"maxsize": 1},
	}
}
