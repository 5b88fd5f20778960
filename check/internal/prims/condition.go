package prims

import (
	"context"
	"fmt"
	"reflect"
	"sync/atomic"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

var conditionDescriptor = Descriptor{
	Primitive: model.Condition,
	Sentinels: []ErrAs{{Err: model.NotLocked, Values: []error{impl.ErrNotLocked}}},
	Optional: map[model.Kind][]reflect.Type{
		model.TryAcquire: {is[tryAcquirer]()},
		model.Locked:     {is[lockedTeller]()},
		model.NotifyAll:  {is[notifyAller]()},
		// WaitFor is derived from Wait when the type has Locked (G10).
		model.WaitFor: {is[waitForer](), is[lockedTeller]()},
	},
	Builtin: func() harness.Target {
		return Condition("impl", func(rt sched.Runtime, n int) []*impl.Condition {
			l := impl.NewLock(impl.WithRuntime(rt))
			cs := make([]*impl.Condition, n)
			for i := range cs {
				cs[i] = impl.NewCondition(l)
			}
			return cs
		})
	},
	Fragments: []Fragment{
		{16, Ops(model.Acquire, model.Wait, model.Release)},
		{10, Ops(model.Acquire, model.Notify, model.Release)},
		{3, Ops(model.Acquire, model.NotifyAll, model.Release)},
		{4, Ops(model.Acquire, model.WaitFor, model.Release)},
		{2, Ops(model.Acquire, model.Add, model.NotifyAll, model.Release)},
		{2, Ops(model.Acquire, model.Add, model.Notify, model.Release)},
		{3, Ops(model.Acquire, model.Notify, model.Notify, model.Release)},
		{1, Ops(model.Acquire, model.Add, model.Release)},
		{1, Ops(model.Add)},
		{2, Ops(model.Acquire)},
		{2, Ops(model.Release)},
		{1, Ops(model.TryAcquire)},
		{2, Ops(model.Wait)},
		{2, Ops(model.Notify)},
		{1, Ops(model.Locked)},
	},
	// notify 1 first (what shrinking goes to), then 2, then 0 (wakes
	// nobody).
	Args:       map[model.Kind][]int{model.Notify: {1, 2, 0}},
	MaxOps:     6,
	Params:     []ParamGen{{Key: "conditions", Lo: 1, Hi: 2}},
	Invariants: history.Invariants{Holders: one, Condition: true},
}

// Condition adapts a Condition implementation: mk returns n Conditions
// sharing one Lock.
func Condition[C ConditionCore](name string, mk func(rt sched.Runtime, n int) []C, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Condition, Ops: opsOf(model.Condition, reflect.TypeFor[C]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			n := max(p["conditions"], 1)
			cs := mk(rt, n)
			if len(cs) != n {
				panic(fmt.Sprintf("%s: asked for %d Conditions sharing one Lock, got %d", name, n, len(cs)))
			}
			x := &conditionInstance{errs: withSentinels(model.Condition, errs)}
			for _, c := range cs {
				x.conds = append(x.conds, c)
			}
			return x
		}}
}

// conditionInstance holds the shared counter that waitfor/add use. Under
// the controlled scheduler tasks touch it one at a time; on real goroutines
// (stress mode) a program without waitfor may add without the lock, so the
// counter is atomic: the harness's own data, never a race of the
// implementation's.
type conditionInstance struct {
	conds   []ConditionCore
	counter atomic.Int64
	errs    []ErrAs
}

func (x *conditionInstance) Do(ctx context.Context, op model.Op) model.Result {
	if op.Cond < 0 || op.Cond >= len(x.conds) {
		panic(fmt.Sprintf("condition c%d does not exist (the program has %d)", op.Cond+1, len(x.conds)))
	}
	c := x.conds[op.Cond]
	switch op.Kind {
	case model.Acquire:
		return errResult(op, c.Acquire(ctx), x.errs)
	case model.Release:
		return errResult(op, c.Release(), x.errs)
	case model.Wait:
		return errResult(op, c.Wait(ctx), x.errs)
	case model.Notify:
		return errResult(op, c.Notify(op.Arg), x.errs)
	case model.TryAcquire:
		if t, ok := c.(tryAcquirer); ok {
			return boolResult(t.TryAcquire())
		}
	case model.Locked:
		if t, ok := c.(lockedTeller); ok {
			return boolResult(t.Locked())
		}
	case model.NotifyAll:
		if t, ok := c.(notifyAller); ok {
			return errResult(op, t.NotifyAll(), x.errs)
		}
	case model.WaitFor:
		k := op.Arg
		pred := func() bool { return x.counter.Load() >= int64(k) }
		if t, ok := c.(waitForer); ok {
			return errResult(op, t.WaitFor(ctx, pred), x.errs)
		}
		if t, ok := c.(lockedTeller); ok {
			return x.waitFor(ctx, op, c, t, pred)
		}
	case model.Add:
		x.counter.Add(int64(op.Arg))
		return model.Result{}
	}
	return unsupported(model.Condition, op)
}

// waitFor is WaitFor derived from Wait, as the Go dialect defines it (G10):
// the lock check, then wait until the predicate holds.
func (x *conditionInstance) waitFor(ctx context.Context, op model.Op, c ConditionCore, l lockedTeller, pred func() bool) model.Result {
	if !l.Locked() {
		return model.Result{Err: model.NotLocked}
	}
	for !pred() {
		if r := errResult(op, c.Wait(ctx), x.errs); r.Err != model.OK {
			return r
		}
	}
	return model.Result{}
}
