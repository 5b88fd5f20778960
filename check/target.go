package check

import (
	"slices"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

// Target is an implementation the checker can instantiate: a fresh instance
// for every execution, built on the controlled scheduler's sched.Runtime.
// Make one with Lock, Event, Condition, Semaphore, BoundedSemaphore or
// Barrier (your own implementation), Builtin (package impl's) or Mutants. A Target is a
// value: its methods return modified copies.
type Target struct {
	h    harness.Target
	errs []prims.ErrAs
	// mk rebuilds h with errs (the adapters capture them).
	mk func(errs []prims.ErrAs) harness.Target
}

func newTarget(mk func(errs []prims.ErrAs) harness.Target) Target {
	return Target{h: mk(nil), mk: mk}
}

// Name is the name the target was made with.
func (t Target) Name() string { return t.h.Name }

// Primitive is the primitive the target implements.
func (t Target) Primitive() model.Primitive { return t.h.Primitive }

// Ops lists the operations the checker calls: the primitive's operations
// that the implementation has (its optional methods are discovered from its
// type) and that Only did not exclude.
func (t Target) Ops() []model.Kind { return slices.Clone(t.h.Ops) }

// Only restricts the operations the checker calls to kinds, for an
// implementation that has a method it does not want checked (a stub).
// Kinds the implementation lacks are ignored. The required operations
// (Acquire and Release of a Lock, say) cannot be left out.
func (t Target) Only(kinds ...model.Kind) Target {
	var keep []model.Kind
	for _, k := range t.h.Ops {
		if slices.Contains(kinds, k) || prims.Required(t.h.Primitive, k) {
			keep = append(keep, k)
		}
	}
	t.h.Ops = keep
	return t
}

// MapErr makes the implementation's own error values stand for the model's
// error e: a call returning an error that errors.Is one of errs is judged
// as returning e. Without it, only the context's error and package impl's
// sentinels are understood, and any other error fails the check.
func (t Target) MapErr(e model.Err, errs ...error) Target {
	t.errs = append(slices.Clip(t.errs), prims.ErrAs{Err: e, Values: errs})
	ops := t.h.Ops
	t.h = t.mk(t.errs)
	t.h.Ops = ops
	return t
}

// Builtin is the target of package impl's implementation of p, named
// "impl".
func Builtin(p model.Primitive) (Target, error) {
	if _, err := prims.Builtin(p); err != nil {
		return Target{}, err
	}
	return newTarget(func(errs []prims.ErrAs) harness.Target {
		h, _ := prims.Builtin(p)
		return h
	}), nil
}

// Mutant is one of syncheck's mutants: a buggy variant of a primitive, a
// faithful copy of a real bug, that the checker must kill (checkcli
// mutants prints the table).
type Mutant struct {
	Target Target
	// Class is S (an order of whole operations kills it), W (it takes the
	// wake window) or F (it takes a preemption inside one call).
	Class string
	// Bug is the real bug it copies, in one sentence, with its reference.
	Bug string
	// Minimal is the size of the smallest known counterexample.
	Minimal Size
}

// Mutants lists syncheck's mutants, in a stable order.
func Mutants() []Mutant {
	var out []Mutant
	for _, m := range mutants.All() {
		h := m.Target
		out = append(out, Mutant{
			Target:  Target{h: h, mk: func([]prims.ErrAs) harness.Target { return h }},
			Class:   m.Class,
			Bug:     m.Pattern,
			Minimal: Size{Tasks: m.Minimal.Tasks, Ops: m.Minimal.Ops, Preemptions: m.Minimal.Preemptions},
		})
	}
	return out
}
