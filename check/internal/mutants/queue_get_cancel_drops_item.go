// queue-get-cancel-drops-item
//
// The bug: Put hands its item to the first waiting Get; that Get's context
// is cancelled before it resumes, it observes the cancel and returns
// ctx.Err(), and the item handed to it goes nowhere: it was taken out of
// the queue's hands on the getter's behalf and is lost.
//
// Reference: bpo-23812, the get side (asyncio.Queue: put_nowait granted a
// blocked getter, the getter was cancelled before it ran, and the item was
// gone). The Go dialect keeps the item with the get (G15).
//
// Class W: the cancel must meet the hand-off before the getter runs.
//
// Minimal counterexample (testdata/mutants/queue-get-cancel-drops-item.scn),
// 2 tasks / 2 ops / 0 preemptions: G's get blocks; P's put hands it item 1;
// G is cancelled and observes the cancel: the model says 1, the mutant
// cancelled.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/model"
)

type queueGetCancelDropsItemImpl struct{ *queue }

func (q queueGetCancelDropsItemImpl) Get(ctx context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	x, w, err := q.getOrQueue(ctx)
	if w == nil {
		return x, err
	}
	err = park(&q.mu, ctx, w.waiter)
	if err != nil && w.woken() && !w.shut {
		// BUG: the item handed to us is dropped with the cancel. The
		// correct code returns it (G15): q.getResumed(w, err).
		return 0, err
	}
	return q.getResumed(w, err)
}

func queueGetCancelDropsItem() Mutant {
	const name = "queue-get-cancel-drops-item"
	return Mutant{
		Name:      name,
		Primitive: model.Queue,
		Class:     ClassW,
		Pattern:   "the item handed to a blocked get is dropped when that get is cancelled before it resumes (bpo-23812, get side)",
		Target:    queueTarget(model.Queue, name, func(q *queue) queueImpl { return queueGetCancelDropsItemImpl{q} }),
		Minimal:   Size{Tasks: 2, Ops: 2, Preemptions: 0},
		Params:    model.Params{"maxsize": 1},
	}
}
