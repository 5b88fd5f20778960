// Package targets adapts implementations of the primitives to the harness:
// the Go-facing half of each primitive's description (its method set, which
// methods are optional, how its errors map to the model's), and the
// built-in implementations of package impl.
package targets

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// ErrAs maps an implementation's own error values to a model error: a
// call's error e is Err when errors.Is(e, v) for one of Values.
type ErrAs struct {
	Err    model.Err
	Values []error
}

// The full method sets of impl's types. The constructors below require
// only a core of each (the constraints) and use the rest when present.
type (
	LockImpl interface {
		Acquire(ctx context.Context) error
		TryAcquire() bool
		Release() error
		Locked() bool
	}
	EventImpl interface {
		Wait(ctx context.Context) error
		Set()
		Clear()
		IsSet() bool
	}
	ConditionImpl interface {
		LockImpl
		Wait(ctx context.Context) error
		WaitFor(ctx context.Context, pred func() bool) error
		Notify(n int) error
		NotifyAll() error
	}
	SemaphoreImpl interface {
		Acquire(ctx context.Context) error
		TryAcquire() bool
		Release()
		Value() int
		Locked() bool
	}
	BoundedSemaphoreImpl interface {
		Acquire(ctx context.Context) error
		TryAcquire() bool
		Release() error
		Value() int
		Locked() bool
	}
)

// The cores: what an implementation must have to be checked at all.
type (
	LockCore interface {
		Acquire(ctx context.Context) error
		Release() error
	}
	EventCore interface {
		Wait(ctx context.Context) error
		Set()
	}
	ConditionCore interface {
		Acquire(ctx context.Context) error
		Release() error
		Wait(ctx context.Context) error
		Notify(n int) error
	}
	SemaphoreCore interface {
		Acquire(ctx context.Context) error
		Release()
	}
	BoundedSemaphoreCore interface {
		Acquire(ctx context.Context) error
		Release() error
	}
)

// The optional methods, one interface each.
type (
	tryAcquirer  interface{ TryAcquire() bool }
	lockedTeller interface{ Locked() bool }
	valueTeller  interface{ Value() int }
	clearer      interface{ Clear() }
	isSetTeller  interface{ IsSet() bool }
	waitForer    interface {
		WaitFor(ctx context.Context, pred func() bool) error
	}
	notifyAller interface{ NotifyAll() error }
)

// optional lists, for each op that an optional method implements, the
// interface a type must satisfy to have it.
var optional = map[model.Kind]reflect.Type{
	model.TryAcquire: reflect.TypeFor[tryAcquirer](),
	model.Locked:     reflect.TypeFor[lockedTeller](),
	model.Value:      reflect.TypeFor[valueTeller](),
	model.Clear:      reflect.TypeFor[clearer](),
	model.IsSet:      reflect.TypeFor[isSetTeller](),
	model.NotifyAll:  reflect.TypeFor[notifyAller](),
}

// opsOf lists the ops of primitive p that type t implements: every op of
// the core, and each optional one whose method t has. A Condition's
// WaitFor is derived from Wait when t has no WaitFor but has Locked.
func opsOf(p model.Primitive, t reflect.Type) []model.Kind {
	var out []model.Kind
	for _, k := range model.Ops(p) {
		if k == model.WaitFor {
			if t.Implements(reflect.TypeFor[waitForer]()) || t.Implements(optional[model.Locked]) {
				out = append(out, k)
			}
			continue
		}
		if it, ok := optional[k]; ok && !t.Implements(it) {
			continue
		}
		out = append(out, k)
	}
	return out
}

// Missing says which optional methods of primitive p type t lacks (for a
// report: "no TryAcquire: tryacquire not generated").
func Missing(target harness.Target) []model.Kind {
	var out []model.Kind
	for _, k := range model.Ops(target.Primitive) {
		if !slices.Contains(target.Ops, k) {
			out = append(out, k)
		}
	}
	return out
}

// Lock adapts a Lock implementation.
func Lock[L LockCore](name string, mk func(rt sched.Runtime) L, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Lock, Ops: opsOf(model.Lock, reflect.TypeFor[L]()),
		New: func(rt sched.Runtime, _ model.Params) harness.Instance {
			return &lockInstance{l: mk(rt), errs: errs}
		}}
}

// Event adapts an Event implementation.
func Event[E EventCore](name string, mk func(rt sched.Runtime) E, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Event, Ops: opsOf(model.Event, reflect.TypeFor[E]()),
		New: func(rt sched.Runtime, _ model.Params) harness.Instance {
			return &eventInstance{e: mk(rt), errs: errs}
		}}
}

// Condition adapts a Condition implementation: mk returns n Conditions
// sharing one Lock.
func Condition[C ConditionCore](name string, mk func(rt sched.Runtime, n int) []C, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Condition, Ops: opsOf(model.Condition, reflect.TypeFor[C]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			n := max(p.Conditions, 1)
			cs := mk(rt, n)
			if len(cs) != n {
				panic(fmt.Sprintf("%s: asked for %d Conditions sharing one Lock, got %d", name, n, len(cs)))
			}
			x := &conditionInstance{errs: errs}
			for _, c := range cs {
				x.conds = append(x.conds, c)
			}
			return x
		}}
}

// Semaphore adapts a Semaphore implementation with initial value v.
func Semaphore[S SemaphoreCore](name string, mk func(rt sched.Runtime, v int) S, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Semaphore, Ops: opsOf(model.Semaphore, reflect.TypeFor[S]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			s := mk(rt, p.Value)
			return &semInstance{acq: s, rel: func() error { s.Release(); return nil }, errs: errs}
		}}
}

// BoundedSemaphore adapts a BoundedSemaphore implementation.
func BoundedSemaphore[S BoundedSemaphoreCore](name string, mk func(rt sched.Runtime, v int) S, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.BoundedSemaphore, Ops: opsOf(model.BoundedSemaphore, reflect.TypeFor[S]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			s := mk(rt, p.Value)
			return &semInstance{acq: s, rel: s.Release, errs: errs}
		}}
}

// Builtin returns the target of impl's own implementation of p.
func Builtin(p model.Primitive) (harness.Target, error) {
	switch p {
	case model.Lock:
		return Lock("impl", func(rt sched.Runtime) *impl.Lock { return impl.NewLock(impl.WithRuntime(rt)) }), nil
	case model.Event:
		return Event("impl", func(rt sched.Runtime) *impl.Event { return impl.NewEvent(impl.WithRuntime(rt)) }), nil
	case model.Condition:
		return Condition("impl", func(rt sched.Runtime, n int) []*impl.Condition {
			l := impl.NewLock(impl.WithRuntime(rt))
			cs := make([]*impl.Condition, n)
			for i := range cs {
				cs[i] = impl.NewCondition(l)
			}
			return cs
		}), nil
	case model.Semaphore:
		return Semaphore("impl", func(rt sched.Runtime, v int) *impl.Semaphore {
			return impl.NewSemaphore(v, impl.WithRuntime(rt))
		}), nil
	case model.BoundedSemaphore:
		return BoundedSemaphore("impl", func(rt sched.Runtime, v int) *impl.BoundedSemaphore {
			return impl.NewBoundedSemaphore(v, impl.WithRuntime(rt))
		}), nil
	}
	return harness.Target{}, fmt.Errorf("no built-in implementation of %q", p)
}

// errResult maps what a call returned to the model's outcome classes: nil,
// the context's error, one of the target's own errors (errs), or one of
// impl's sentinels. Any other error is a failure of the implementation,
// reported as a panic with a hint.
func errResult(op model.Op, err error, errs []ErrAs) model.Result {
	if err == nil {
		return model.Result{}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return model.Result{Err: model.Cancelled}
	}
	for _, m := range errs {
		for _, v := range m.Values {
			if errors.Is(err, v) {
				return model.Result{Err: m.Err}
			}
		}
	}
	switch {
	case errors.Is(err, impl.ErrNotLocked):
		return model.Result{Err: model.NotLocked}
	case errors.Is(err, impl.ErrReleasedTooOften):
		return model.Result{Err: model.ReleasedTooOften}
	}
	panic(fmt.Sprintf("%s returned an error the checker cannot classify: %v (want nil, the context's error, an impl sentinel, or an error the target maps to a model error with WithErrors)", op.Kind, err))
}

func boolResult(b bool) model.Result { return model.Result{Bool: b} }

func unsupported(p model.Primitive, op model.Op) model.Result {
	panic(fmt.Sprintf("op %s is not an operation of this %s", op.Kind, p))
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

type eventInstance struct {
	e    EventCore
	errs []ErrAs
}

func (x *eventInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Wait:
		return errResult(op, x.e.Wait(ctx), x.errs)
	case model.Set:
		x.e.Set()
		return model.Result{}
	case model.Clear:
		if c, ok := x.e.(clearer); ok {
			c.Clear()
			return model.Result{}
		}
	case model.IsSet:
		if t, ok := x.e.(isSetTeller); ok {
			return boolResult(t.IsSet())
		}
	}
	return unsupported(model.Event, op)
}

// conditionInstance holds the shared counter that waitfor/add use. Tasks
// touch it one at a time (the controlled scheduler runs one task at a time),
// as a program holding the lock around it would.
type conditionInstance struct {
	conds   []ConditionCore
	counter int
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
		pred := func() bool { return x.counter >= k }
		if t, ok := c.(waitForer); ok {
			return errResult(op, t.WaitFor(ctx, pred), x.errs)
		}
		if t, ok := c.(lockedTeller); ok {
			return x.waitFor(ctx, op, c, t, pred)
		}
	case model.Add:
		x.counter += op.Arg
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
