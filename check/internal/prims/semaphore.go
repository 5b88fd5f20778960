package prims

import (
	"context"
	"reflect"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

var semaphoreDescriptor = Descriptor{
	Primitive: model.Semaphore,
	Optional: map[model.Kind][]reflect.Type{
		model.TryAcquire: {is[tryAcquirer]()},
		model.Locked:     {is[lockedTeller]()},
		model.Value:      {is[valueTeller]()},
	},
	Builtin: func() harness.Target {
		return Semaphore("impl", func(rt sched.Runtime, v int) *impl.Semaphore {
			return impl.NewSemaphore(v, impl.WithRuntime(rt))
		})
	},
	Fragments:  semFragments,
	Params:     semParams,
	Invariants: history.Invariants{Holders: value, Permits: true},
}

var boundedSemaphoreDescriptor = Descriptor{
	Primitive: model.BoundedSemaphore,
	Sentinels: []ErrAs{{Err: model.ReleasedTooOften, Values: []error{impl.ErrReleasedTooOften}}},
	Optional: map[model.Kind][]reflect.Type{
		model.TryAcquire: {is[tryAcquirer]()},
		model.Locked:     {is[lockedTeller]()},
		model.Value:      {is[valueTeller]()},
	},
	Builtin: func() harness.Target {
		return BoundedSemaphore("impl", func(rt sched.Runtime, v int) *impl.BoundedSemaphore {
			return impl.NewBoundedSemaphore(v, impl.WithRuntime(rt))
		})
	},
	Fragments:  semFragments,
	Params:     semParams,
	Invariants: history.Invariants{Holders: value, Permits: true, BoundedReleases: true},
}

var semFragments = []Fragment{
	{8, Ops(model.Acquire, model.Release)},
	{2, Ops(model.Acquire)},
	{3, Ops(model.Release)},
	{2, Ops(model.TryAcquire)},
	{1, Ops(model.Value)},
	{1, Ops(model.Locked)},
}

// The value is drawn from 0 (no permit to take before the interesting
// part) to 2; shrinking may give a permit from the start instead of a
// release, or one fewer and an acquire less.
var semParams = []ParamGen{{Key: "value", Lo: 0, Hi: 2, Trades: map[model.Kind]int{
	model.Release: +1, model.Acquire: -1, model.TryAcquire: -1,
}}}

// value is a semaphore's bound on holders.
func value(p model.Params) int { return p["value"] }

// Semaphore adapts a Semaphore implementation with initial value v.
func Semaphore[S SemaphoreCore](name string, mk func(rt sched.Runtime, v int) S, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Semaphore, Ops: opsOf(model.Semaphore, reflect.TypeFor[S]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			s := mk(rt, p["value"])
			return &semInstance{acq: s, rel: func() error { s.Release(); return nil }, errs: withSentinels(model.Semaphore, errs)}
		}}
}

// BoundedSemaphore adapts a BoundedSemaphore implementation.
func BoundedSemaphore[S BoundedSemaphoreCore](name string, mk func(rt sched.Runtime, v int) S, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.BoundedSemaphore, Ops: opsOf(model.BoundedSemaphore, reflect.TypeFor[S]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			s := mk(rt, p["value"])
			return &semInstance{acq: s, rel: s.Release, errs: withSentinels(model.BoundedSemaphore, errs)}
		}}
}

// semInstance drives a Semaphore or a BoundedSemaphore (rel adapts a
// Release that cannot fail).
type semInstance struct {
	acq  interface{ Acquire(context.Context) error }
	rel  func() error
	errs []ErrAs
}

func (x *semInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Acquire:
		return errResult(op, x.acq.Acquire(ctx), x.errs)
	case model.Release:
		return errResult(op, x.rel(), x.errs)
	case model.TryAcquire:
		if t, ok := x.acq.(tryAcquirer); ok {
			return boolResult(t.TryAcquire())
		}
	case model.Locked:
		if t, ok := x.acq.(lockedTeller); ok {
			return boolResult(t.Locked())
		}
	case model.Value:
		if t, ok := x.acq.(valueTeller); ok {
			return model.Result{Int: t.Value()}
		}
	}
	return unsupported(model.Semaphore, op)
}
