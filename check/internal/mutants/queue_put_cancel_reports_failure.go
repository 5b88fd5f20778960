// queue-put-cancel-reports-failure
//
// The bug: a Get frees a place and admits the first waiting Put's item;
// that Put's context is cancelled before it resumes, it observes the
// cancel and returns ctx.Err(), although its item is in the queue. The
// caller, told the put failed, puts the item again (a duplicate) or gives
// up on work that will still be done.
//
// Reference: bpo-23812, the put side (asyncio.Queue.put: a cancelled putter
// whose item was enqueued raised CancelledError). The Go dialect: a put
// never reports failure after its item was admitted (G15).
//
// Class W: the cancel must meet the admission before the putter runs.
//
// Minimal counterexample (testdata/mutants/queue-put-cancel-reports-failure.scn),
// maxsize 1, 2 tasks / 3 ops / 0 preemptions: A puts 1; A's put 2 blocks;
// B's get takes 1 and admits 2; A is cancelled and observes the cancel:
// the model says ok, the mutant cancelled.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/model"
)

type queuePutCancelReportsFailureImpl struct{ *queue }

func (q queuePutCancelReportsFailureImpl) Put(ctx context.Context, x int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	w, err := q.putOrQueue(ctx, x)
	if w == nil {
		return err
	}
	err = park(&q.mu, ctx, w.waiter)
	if err != nil && !w.shut {
		// BUG: the cancel is reported even when the item was admitted.
		// The correct code returns nil then: q.putResumed(w, err).
		q.putters = drop(q.putters, w)
		return err
	}
	return q.putResumed(w, err)
}

func queuePutCancelReportsFailure() Mutant {
	const name = "queue-put-cancel-reports-failure"
	return Mutant{
		Name:      name,
		Primitive: model.Queue,
		Class:     ClassW,
		Pattern:   "a blocked put whose item was admitted reports its cancel: the put says it failed although its item is in the queue (bpo-23812, put side)",
		Target:    queueTarget(model.Queue, name, func(q *queue) queueImpl { return queuePutCancelReportsFailureImpl{q} }),
		Minimal:   Size{Tasks: 2, Ops: 3, Preemptions: 0},
		Params:    model.Params{"maxsize": 1},
	}
}
