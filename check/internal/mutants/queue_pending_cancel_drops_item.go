// queue-pending-cancel-drops-item
//
// The bug: a blocked Get whose context was cancelled, but which has not run
// since, is still queued and is handed an item; when it runs it sees the
// wake-up, but checks its context first and returns ctx.Err(), and the
// item handed to it is lost.
//
// Reference: agronholm/anyio#728 (a memory object stream's receiver with a
// pending cancellation was given an item, then raised the cancellation and
// the item was gone). The Go dialect keeps the item with the get (G3: the
// record stays grantable until its goroutine runs; G15).
//
// Class W: the cancel must come before the hand-off, both before the getter
// runs.
//
// Minimal counterexample (testdata/mutants/queue-pending-cancel-drops-item.scn),
// 2 tasks / 2 ops / 0 preemptions: G's get blocks; G is cancelled; P's put
// hands it item 1; G runs and sees the wake-up: the model says 1, the
// mutant cancelled.

package mutants

import (
	"context"

	"github.com/syncheck/syncheck/model"
)

type queuePendingCancelDropsItemImpl struct{ *queue }

func (q queuePendingCancelDropsItemImpl) Get(ctx context.Context) (int, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	x, w, err := q.getOrQueue(ctx)
	if w == nil {
		return x, err
	}
	err = park(&q.mu, ctx, w.waiter)
	if err == nil && ctx.Err() != nil && !w.shut {
		// BUG: woken with an item, but the pending cancel is raised first
		// and the item dropped. The correct code returns it (G15).
		return 0, ctx.Err()
	}
	return q.getResumed(w, err)
}

func queuePendingCancelDropsItem() Mutant {
	const name = "queue-pending-cancel-drops-item"
	return Mutant{
		Name:      name,
		Primitive: model.Queue,
		Class:     ClassW,
		Pattern:   "a blocked get with a cancel pending is handed an item, then raises the cancel and drops the item (agronholm/anyio#728)",
		Target:    queueTarget(model.Queue, name, func(q *queue) queueImpl { return queuePendingCancelDropsItemImpl{q} }),
		Minimal:   Size{Tasks: 2, Ops: 2, Preemptions: 0},
		Params:    model.Params{"maxsize": 1},
	}
}
