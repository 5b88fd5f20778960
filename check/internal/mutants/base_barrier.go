package mutants

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// barrier is the correct Barrier the barrier mutants are written against
// (see lock): the current cycle is a queue of waiters, and a waiter's
// outcome (its index, or -1 for broken) is put in a map before it is
// woken (G17-G19).
type barrier struct {
	mu      sched.Mutex
	parties int
	broken  bool
	q       waitq // the parties waiting in the current cycle, arrival order
	// out holds the outcome of every woken waiter that has not resumed:
	// its index, or -1 when Reset or Abort sent it away.
	out map[*waiter]int
}

func newBarrier(rt sched.Runtime, parties int) *barrier {
	b := &barrier{parties: parties, out: map[*waiter]int{}}
	b.mu.SetRuntime(rt)
	return b
}

func (b *barrier) Wait(ctx context.Context) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	w, i, err := b.enter(ctx)
	if w == nil {
		return i, err
	}
	return b.resume(w, park(&b.mu, ctx, w))
}

// enter, with mu held, fails on a broken barrier, trips it (-1 if it
// would not), fails with a done ctx when it would block (G2), or queues
// the caller (w).
func (b *barrier) enter(ctx context.Context) (w *waiter, index int, err error) {
	if b.broken {
		return nil, -1, impl.ErrBrokenBarrier
	}
	if len(b.q.ws)+1 == b.parties {
		b.trip(func(i int, _ *waiter) int { return i })
		return nil, b.parties - 1, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, -1, err
	}
	w = newWaiter(&b.mu)
	b.q.push(w)
	return w, 0, nil
}

// trip, with mu held, releases every waiting party with the index index
// gives it (the i-th in arrival order gets i: G18), and starts the next
// cycle.
func (b *barrier) trip(index func(i int, w *waiter) int) {
	for i, w := range b.q.ws {
		b.out[w] = index(i, w)
		w.slot.Wake()
	}
	b.q.ws = nil
}

// resume, with mu held, ends the blocked Wait of w, which observed err: a
// woken waiter returns its outcome whatever it observed (G18), one still
// waiting leaves the cycle with ctx.Err().
func (b *barrier) resume(w *waiter, err error) (int, error) {
	if i, ok := b.out[w]; ok {
		delete(b.out, w)
		if i < 0 {
			return -1, impl.ErrBrokenBarrier
		}
		return i, nil
	}
	b.q.remove(w)
	return -1, err
}

// breakCycle, with mu held, sends every waiting party away broken.
func (b *barrier) breakCycle() {
	for _, w := range b.q.ws {
		b.out[w] = -1
		w.slot.Wake()
	}
	b.q.ws = nil
}

func (b *barrier) Reset() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.breakCycle()
	b.broken = false
}

func (b *barrier) Abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.breakCycle()
	b.broken = true
}

func (b *barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}

func (b *barrier) Waiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.q.ws)
}

func init() {
	register(model.Barrier, func() harness.Target {
		return barrierTarget(baseName, func(b *barrier) prims.BarrierImpl { return b })
	},
		barrierIndexReused,
		barrierCancelLeavesGhost,
		barrierResetStrands)
}
