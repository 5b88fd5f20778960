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

var lockDescriptor = Descriptor{
	Primitive: model.Lock,
	Sentinels: []ErrAs{{Err: model.NotLocked, Values: []error{impl.ErrNotLocked}}},
	Optional: map[model.Kind][]reflect.Type{
		model.TryAcquire: {is[tryAcquirer]()},
		model.Locked:     {is[lockedTeller]()},
	},
	Builtin: func() harness.Target {
		return Lock("impl", func(rt sched.Runtime) *impl.Lock { return impl.NewLock(impl.WithRuntime(rt)) })
	},
	Fragments: []Fragment{
		{8, Ops(model.Acquire, model.Release)},
		{2, Ops(model.Acquire)},
		{1, Ops(model.Release)},
		{2, Ops(model.TryAcquire)},
		{1, Ops(model.Locked)},
	},
	Invariants: history.Invariants{Holders: one},
}

// one is a Lock's bound on holders.
func one(model.Params) int { return 1 }

// Lock adapts a Lock implementation.
func Lock[L LockCore](name string, mk func(rt sched.Runtime) L, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Lock, Ops: opsOf(model.Lock, reflect.TypeFor[L]()),
		New: func(rt sched.Runtime, _ model.Params) harness.Instance {
			return &lockInstance{l: mk(rt), errs: withSentinels(model.Lock, errs)}
		}}
}

type lockInstance struct {
	l    LockCore
	errs []ErrAs
}

func (x *lockInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Acquire:
		return errResult(op, x.l.Acquire(ctx), x.errs)
	case model.Release:
		return errResult(op, x.l.Release(), x.errs)
	case model.TryAcquire:
		if t, ok := x.l.(tryAcquirer); ok {
			return boolResult(t.TryAcquire())
		}
	case model.Locked:
		if t, ok := x.l.(lockedTeller); ok {
			return boolResult(t.Locked())
		}
	}
	return unsupported(model.Lock, op)
}
