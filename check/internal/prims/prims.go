// Package prims holds the check side of each primitive's description: how
// the checker drives an implementation (the adapters, with their optional
// methods and error mapping), package impl's built-in implementation, the
// program fragments the generator draws, how parameters are drawn and
// shrunk, and the history invariants. One file per primitive, one registry.
package prims

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

// Descriptor is the check side of one primitive's description (the model
// side is its model.Descriptor): how the checker drives an implementation
// of it, which implementation is built in, what programs it generates, and
// which history invariants hold. A new primitive is its own file here plus
// one line in registry.go; TestComplete names any piece it lacks.
type Descriptor struct {
	Primitive model.Primitive
	// Builtin builds package impl's implementation as a target.
	Builtin func() harness.Target
	// Sentinels maps package impl's error values for the primitive's
	// misuse to the model's errors; every target understands them.
	Sentinels []ErrAs
	// Optional lists the ops an implementation may lack: the op is
	// checked when the implementation's type has one of the interfaces
	// (a method, or what the op is derived from); the other ops are
	// required, by the public constructor's constraint.
	Optional map[model.Kind][]reflect.Type
	// Fragments are the patterns of calls programs are made of, weighted:
	// what a user writes (acquire, wait, release), misuse now and then.
	// An Arg < 0 is drawn (1 or 2; a notify's n: 1, 2 or 0).
	Fragments []Fragment
	// Args lists, for an op kind with an argument, the values a
	// fragment's Arg < 0 is drawn from, the first one what shrinking goes
	// to (default 1, 2).
	Args map[model.Kind][]int
	// MaxOps is the default bound on one task's calls (0: 4).
	MaxOps int
	// Params says how each of the model's parameters is generated and
	// shrunk.
	Params []ParamGen
	// Invariants selects the history invariants that hold.
	Invariants history.Invariants
}

// Fragment is a pattern of calls a user writes, with holes for arguments.
type Fragment struct {
	Weight int
	Ops    []model.Op
}

// Ops makes a fragment's calls: Arg < 0 (drawn) for the ops that take one.
func Ops(ks ...model.Kind) []model.Op {
	out := make([]model.Op, len(ks))
	for i, k := range ks {
		out[i] = model.Op{Kind: k}
		for _, p := range model.Primitives {
			if o, ok := model.Describe(p).Op(k); ok && o.Arg != "" {
				out[i].Arg = -1
			}
		}
	}
	return out
}

// ParamGen says how a model parameter is drawn and shrunk.
type ParamGen struct {
	Key string
	// Lo and Hi bound the drawn value (the smaller ones likelier);
	// shrinking lowers it toward Lo.
	Lo, Hi int
	// Trades lists calls that shrinking may trade for the parameter: the
	// call removed and the parameter changed by the delta (a Semaphore's
	// release for one more initial permit), within [Lo, Hi+1].
	Trades map[model.Kind]int
}

// Lookup returns primitive p's descriptor, nil if it has none.
func Lookup(p model.Primitive) *Descriptor {
	for _, d := range registry {
		if d.Primitive == p {
			return d
		}
	}
	return nil
}

// Builtin returns the target of impl's own implementation of p.
func Builtin(p model.Primitive) (harness.Target, error) {
	if d := Lookup(p); d != nil {
		return d.Builtin(), nil
	}
	return harness.Target{}, fmt.Errorf("no built-in implementation of %q", p)
}

// InvariantOf returns the history invariants of primitive p.
func InvariantOf(p model.Primitive) history.Invariants {
	if d := Lookup(p); d != nil {
		return d.Invariants
	}
	return history.Invariants{}
}

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
	BarrierImpl interface {
		Wait(ctx context.Context) (int, error)
		Reset()
		Abort()
		Broken() bool
		Waiting() int
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
	BarrierCore interface {
		Wait(ctx context.Context) (int, error)
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
	notifyAller   interface{ NotifyAll() error }
	resetter      interface{ Reset() }
	aborter       interface{ Abort() }
	brokenTeller  interface{ Broken() bool }
	waitingTeller interface{ Waiting() int }
)

// opsOf lists the ops of primitive p that type t implements: every op of
// the core, and each optional one (its descriptor's Optional) that t has.
func opsOf(p model.Primitive, t reflect.Type) []model.Kind {
	d := Lookup(p)
	var out []model.Kind
	for _, o := range model.Describe(p).Ops {
		if its, ok := d.Optional[o.Kind]; ok && !slices.ContainsFunc(its, t.Implements) {
			continue
		}
		out = append(out, o.Kind)
	}
	return out
}

// Required reports whether every implementation of primitive p has op k
// (the constructors' constraints demand its method).
func Required(p model.Primitive, k model.Kind) bool {
	d := Lookup(p)
	if d == nil {
		return false
	}
	if _, ok := model.Describe(p).Op(k); !ok {
		return false
	}
	_, opt := d.Optional[k]
	return !opt
}

// withSentinels is errs, then primitive p's impl sentinels.
func withSentinels(p model.Primitive, errs []ErrAs) []ErrAs {
	out := slices.Clip(errs)
	if d := Lookup(p); d != nil {
		out = append(out, d.Sentinels...)
	}
	return out
}

// is is the interface type I, for Optional.
func is[I any]() reflect.Type { return reflect.TypeFor[I]() }

// errResult maps what a call returned to the model's outcome classes: nil,
// the context's error, or one of errs (the target's own errors, then the
// primitive's sentinels in package impl: withSentinels). Any other error is a failure of the implementation,
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
	panic(fmt.Sprintf("%s returned an error the checker cannot classify: %v (want nil, the context's error, an impl sentinel, or your own error mapped to a model error with Target.MapErr)", op.Kind, err))
}

func boolResult(b bool) model.Result { return model.Result{Bool: b} }

func unsupported(p model.Primitive, op model.Op) model.Result {
	panic(fmt.Sprintf("op %s is not an operation of this %s", op.Kind, p))
}
