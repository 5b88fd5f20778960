package harness

import (
	"context"
	"errors"
	"fmt"

	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// Instance is one primitive instance under test (for a Condition program: one
// Lock and the Conditions that share it), driven one call at a time.
type Instance interface {
	// Do makes the call op with ctx and reports what it returned. An error
	// the checker has no name for is a panic (reported with its stack).
	Do(ctx context.Context, op model.Op) model.Result
}

// Target is an implementation the checker can instantiate: the built-in one,
// a mutant, or a user's own.
type Target struct {
	// Name identifies the target in reports ("impl", a mutant's name, ...).
	Name      string
	Primitive model.Primitive
	// New builds a fresh instance. rt is the controlled scheduler; an
	// implementation built on impl/sched passes it to its sched.Mutex.
	New func(rt sched.Runtime, p model.Params) Instance
}

// The interfaces a user's implementation satisfies to be checked. They are
// impl's method sets; errors must match impl's sentinels with errors.Is, and
// a cancelled call must return its context's error.
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

// LockTarget adapts a Lock implementation.
func LockTarget(name string, mk func(rt sched.Runtime) LockImpl) Target {
	return Target{Name: name, Primitive: model.Lock, New: func(rt sched.Runtime, _ model.Params) Instance {
		return lockInstance{mk(rt)}
	}}
}

// EventTarget adapts an Event implementation.
func EventTarget(name string, mk func(rt sched.Runtime) EventImpl) Target {
	return Target{Name: name, Primitive: model.Event, New: func(rt sched.Runtime, _ model.Params) Instance {
		return eventInstance{mk(rt)}
	}}
}

// ConditionTarget adapts a Condition implementation: mk returns n Conditions
// that share one Lock.
func ConditionTarget(name string, mk func(rt sched.Runtime, n int) []ConditionImpl) Target {
	return Target{Name: name, Primitive: model.Condition, New: func(rt sched.Runtime, p model.Params) Instance {
		n := max(p.Conditions, 1)
		return &conditionInstance{conds: mk(rt, n)}
	}}
}

// SemaphoreTarget adapts a Semaphore implementation.
func SemaphoreTarget(name string, mk func(rt sched.Runtime, value int) SemaphoreImpl) Target {
	return Target{Name: name, Primitive: model.Semaphore, New: func(rt sched.Runtime, p model.Params) Instance {
		return boundedInstance{unboundedRelease{mk(rt, p.Value)}}
	}}
}

// BoundedSemaphoreTarget adapts a BoundedSemaphore implementation.
func BoundedSemaphoreTarget(name string, mk func(rt sched.Runtime, value int) BoundedSemaphoreImpl) Target {
	return Target{Name: name, Primitive: model.BoundedSemaphore, New: func(rt sched.Runtime, p model.Params) Instance {
		return boundedInstance{mk(rt, p.Value)}
	}}
}

// Builtin returns the target of impl's own implementation of p.
func Builtin(p model.Primitive) (Target, error) {
	switch p {
	case model.Lock:
		return LockTarget("impl", func(rt sched.Runtime) LockImpl {
			return impl.NewLock(impl.WithRuntime(rt))
		}), nil
	case model.Event:
		return EventTarget("impl", func(rt sched.Runtime) EventImpl {
			return impl.NewEvent(impl.WithRuntime(rt))
		}), nil
	case model.Condition:
		return ConditionTarget("impl", func(rt sched.Runtime, n int) []ConditionImpl {
			l := impl.NewLock(impl.WithRuntime(rt))
			cs := make([]ConditionImpl, n)
			for i := range cs {
				cs[i] = impl.NewCondition(l)
			}
			return cs
		}), nil
	case model.Semaphore:
		return SemaphoreTarget("impl", func(rt sched.Runtime, v int) SemaphoreImpl {
			return impl.NewSemaphore(v, impl.WithRuntime(rt))
		}), nil
	case model.BoundedSemaphore:
		return BoundedSemaphoreTarget("impl", func(rt sched.Runtime, v int) BoundedSemaphoreImpl {
			return impl.NewBoundedSemaphore(v, impl.WithRuntime(rt))
		}), nil
	}
	return Target{}, fmt.Errorf("no built-in implementation of %q", p)
}

// errResult maps what a call returned to the model's outcome classes.
func errResult(op model.Op, err error) model.Result {
	switch {
	case err == nil:
		return model.Result{}
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return model.Result{Err: model.Cancelled}
	case errors.Is(err, impl.ErrNotLocked):
		return model.Result{Err: model.NotLocked}
	case errors.Is(err, impl.ErrReleasedTooOften):
		return model.Result{Err: model.ReleasedTooOften}
	}
	panic(fmt.Sprintf("%s returned an error the checker cannot classify: %v (want nil, ctx.Err(), or an impl sentinel)", op.Kind, err))
}

func boolResult(b bool) model.Result { return model.Result{Bool: b} }

func unsupported(p model.Primitive, op model.Op) model.Result {
	panic(fmt.Sprintf("op %s is not an operation of %s", op.Kind, p))
}

type lockInstance struct{ l LockImpl }

func (x lockInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Acquire:
		return errResult(op, x.l.Acquire(ctx))
	case model.TryAcquire:
		return boolResult(x.l.TryAcquire())
	case model.Release:
		return errResult(op, x.l.Release())
	case model.Locked:
		return boolResult(x.l.Locked())
	}
	return unsupported(model.Lock, op)
}

type eventInstance struct{ e EventImpl }

func (x eventInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Wait:
		return errResult(op, x.e.Wait(ctx))
	case model.Set:
		x.e.Set()
		return model.Result{}
	case model.Clear:
		x.e.Clear()
		return model.Result{}
	case model.IsSet:
		return boolResult(x.e.IsSet())
	}
	return unsupported(model.Event, op)
}

// conditionInstance holds the shared counter that waitfor/add use. Tasks
// touch it one at a time (the controlled scheduler runs one task at a time),
// as a program holding the lock around it would.
type conditionInstance struct {
	conds   []ConditionImpl
	counter int
}

func (x *conditionInstance) Do(ctx context.Context, op model.Op) model.Result {
	if op.Cond < 0 || op.Cond >= len(x.conds) {
		panic(fmt.Sprintf("condition c%d does not exist (the program has %d)", op.Cond+1, len(x.conds)))
	}
	c := x.conds[op.Cond]
	switch op.Kind {
	case model.Acquire:
		return errResult(op, c.Acquire(ctx))
	case model.TryAcquire:
		return boolResult(c.TryAcquire())
	case model.Release:
		return errResult(op, c.Release())
	case model.Locked:
		return boolResult(c.Locked())
	case model.Wait:
		return errResult(op, c.Wait(ctx))
	case model.WaitFor:
		k := op.Arg
		return errResult(op, c.WaitFor(ctx, func() bool { return x.counter >= k }))
	case model.Notify:
		return errResult(op, c.Notify(op.Arg))
	case model.NotifyAll:
		return errResult(op, c.NotifyAll())
	case model.Add:
		x.counter += op.Arg
		return model.Result{}
	}
	return unsupported(model.Condition, op)
}

// unboundedRelease lets a Semaphore, whose Release cannot fail, be driven
// as a BoundedSemaphore.
type unboundedRelease struct{ SemaphoreImpl }

func (u unboundedRelease) Release() error {
	u.SemaphoreImpl.Release()
	return nil
}

type boundedInstance struct{ s BoundedSemaphoreImpl }

func (x boundedInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Acquire:
		return errResult(op, x.s.Acquire(ctx))
	case model.TryAcquire:
		return boolResult(x.s.TryAcquire())
	case model.Release:
		return errResult(op, x.s.Release())
	case model.Locked:
		return boolResult(x.s.Locked())
	case model.Value:
		return model.Result{Int: x.s.Value()}
	}
	return unsupported(model.BoundedSemaphore, op)
}
