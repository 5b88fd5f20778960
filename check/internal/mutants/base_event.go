package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// event is the correct Event the Event mutants are written against (see
// lock).
type event struct {
	mu  sched.Mutex
	set bool
	q   waitq
}

func newEvent(rt sched.Runtime) *event {
	e := new(event)
	e.mu.SetRuntime(rt)
	return e
}

func (e *event) Wait(ctx context.Context) error {
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		e.mu.Unlock()
		return err
	}
	w := newWaiter(&e.mu)
	e.q.push(w)
	e.mu.Unlock()
	return e.park(ctx, w)
}

// park waits on w, queued, and ends the call: a granted waiter returns what
// it observed (G5), a cancelled one leaves the queue.
func (e *event) park(ctx context.Context, w *waiter) error {
	err := w.slot.Wait(ctx)
	if err != nil {
		e.mu.Lock()
		e.q.remove(w)
		e.mu.Unlock()
	}
	return err
}

func (e *event) Set() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.set {
		return
	}
	e.set = true
	for w := e.q.pop(); w != nil; w = e.q.pop() {
		w.slot.Wake()
	}
}

func (e *event) Clear() {
	e.mu.Lock()
	e.set = false
	e.mu.Unlock()
}

func (e *event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

func init() {
	register(model.Event, func() harness.Target { return eventTarget(baseName, func(e *event) prims.EventImpl { return e }) },
		eventCheckThenPark,
		eventClearRevokes,
		eventSetStoreLosesWaiter)
}
