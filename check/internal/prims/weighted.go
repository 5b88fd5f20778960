package prims

import (
	"context"
	"fmt"
	"reflect"
	"sync"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

var weightedDescriptor = Descriptor{
	Primitive: model.Weighted,
	Optional: map[model.Kind][]reflect.Type{
		model.WTryAcquire: {is[weightedTryAcquirer]()},
	},
	// impl has no Weighted: the built-in one is x/sync's algorithm ported
	// onto impl/sched, with the go dialect's choices (weighted_port.go).
	Builtin: func() harness.Target {
		return Weighted("impl", func(rt sched.Runtime, size int64) *WeightedPort {
			return NewWeightedPort(rt, size, false)
		})
	},
	// What users write: take N, use them, give N back (a read lock of 1
	// token, a write lock of all of them); a lone acquire or release, a
	// tryacquire, now and then.
	Fragments: []Fragment{
		{5, []model.Op{{Kind: model.WAcquire, Arg: 1}, {Kind: model.WRelease, Arg: 1}}},
		{4, []model.Op{{Kind: model.WAcquire, Arg: 2}, {Kind: model.WRelease, Arg: 2}}},
		{4, Ops(model.WAcquire)},
		{2, Ops(model.WRelease)},
		{2, Ops(model.WTryAcquire)},
		{1, []model.Op{{Kind: model.WTryAcquire, Arg: 1}, {Kind: model.WRelease, Arg: 1}}},
	},
	// Weights of 1 and 2 in a size of 1 to 3, so that waiters of
	// different weights queue behind one another; 0 (fits whenever
	// nobody waits) and 3 (more than size 2) now and then.
	Args: map[model.Kind][]int{
		model.WAcquire:    {1, 2, 1, 2, 0, 3},
		model.WTryAcquire: {1, 2, 0},
		model.WRelease:    {1, 2},
	},
	Params:     []ParamGen{{Key: "size", Lo: 1, Hi: 3}},
	Invariants: history.Invariants{Check: weightedTokens},
}

// WeightedCore is what a weighted semaphore must have to be checked:
// x/sync's semaphore.Weighted's method set.
type WeightedCore interface {
	Acquire(ctx context.Context, n int64) error
	Release(n int64)
}

type weightedTryAcquirer interface{ TryAcquire(n int64) bool }

// Weighted adapts a weighted semaphore of the given size.
//
// A release of more than is held is outside the contract (x/sync
// panics, "semaphore: released more than held", leaving its count
// negative), but generated programs misuse now and then (a lone release,
// one after a failed or cancelled acquire). The instance counts the
// weight each task holds (its acquisitions that returned, less its
// releases let through) and refuses a release of more than the releasing
// task holds with released-too-often, without calling Release; both
// dialects' models say the same. So a task only ever releases tokens it
// acquired itself: what an implementation does with an over-release,
// and a release of tokens another goroutine acquired (legal in x/sync),
// are not exercised; everything else is. (A count over all tasks could
// not be kept in step with the implementation: whether a release is too
// much then depends on how calls in flight were ordered inside it.)
func Weighted[S WeightedCore](name string, mk func(rt sched.Runtime, size int64) S, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Weighted, Ops: opsOf(model.Weighted, reflect.TypeFor[S]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			return &weightedInstance{s: mk(rt, int64(p["size"])), errs: withSentinels(model.Weighted, errs)}
		}}
}

type weightedInstance struct {
	s    WeightedCore
	errs []ErrAs
	mu   sync.Mutex    // guards held's map (never held across a call)
	held map[int]int64 // per task: acquisitions that returned, less releases
}

func (x *weightedInstance) Do(ctx context.Context, op model.Op) model.Result {
	panic("weighted: the instance needs the task (harness.Call)")
}

func (x *weightedInstance) DoTask(ctx context.Context, task int, op model.Op) model.Result {
	n := int64(op.Arg)
	switch op.Kind {
	case model.WAcquire:
		err := x.s.Acquire(ctx, n)
		if err == nil {
			x.add(task, n)
		}
		return errResult(op, err, x.errs)
	case model.WTryAcquire:
		if t, ok := x.s.(weightedTryAcquirer); ok {
			got := t.TryAcquire(n)
			if got {
				x.add(task, n)
			}
			return boolResult(got)
		}
	case model.WRelease:
		x.mu.Lock()
		h := x.held[task]
		x.mu.Unlock()
		if n > h {
			return model.Result{Err: model.ReleasedTooOften}
		}
		x.add(task, -n)
		x.s.Release(n)
		return model.Result{}
	}
	return unsupported(model.Weighted, op)
}

// add counts n tokens more held by task (the task's own calls are
// sequential: only the map needs the lock).
func (x *weightedInstance) add(task int, n int64) {
	x.mu.Lock()
	if x.held == nil {
		x.held = map[int]int64{}
	}
	x.held[task] += n
	x.mu.Unlock()
}

// weightedTokens is the Weighted semaphore's history invariant, in every
// linearization and either dialect: the weight held never exceeds size.
// At each acquisition that returns ok it counts the weight of those
// returned so far, less every release begun and not refused (a lower
// bound of what is held then, whatever the order of the calls in
// flight).
func weightedTokens(h []history.Event, p model.Params, d model.Dialect, name func(int) string) (int, string) {
	size := p["size"]
	held := 0
	for i, e := range h {
		switch {
		case e.Op.Kind == model.WRelease && e.Kind == history.Call:
			held -= e.Op.Arg
		case e.Op.Kind == model.WRelease && e.Kind == history.Return && e.Result.Err != model.OK:
			held += e.Op.Arg
		case e.Kind == history.Return && (e.Op.Kind == model.WAcquire && e.Result.Err == model.OK ||
			e.Op.Kind == model.WTryAcquire && e.Result.Bool):
			held += e.Op.Arg
			if held > size {
				return i, fmt.Sprintf("%s's %s %d succeeded at step %d, which leaves at least %d tokens held of %d (tokens were created)",
					name(e.Task), e.Op.Kind, e.Op.Arg, i+1, held, size)
			}
		}
	}
	return -1, ""
}
