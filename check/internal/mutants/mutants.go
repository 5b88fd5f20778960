// Package mutants holds syncheck's mutants: buggy variants of the five
// primitives, each a faithful Go copy of one real bug pattern (see
// specs/bugs.md), built on impl/sched so that the controlled
// scheduler drives them like the real thing. A checker that finds nothing
// passes every test; a checker that kills every mutant, with a counterexample
// as small as the known minimal one, has earned some trust.
//
// Each mutant is a small, readable program written against a correct base
// (base_*.go: one simple implementation per primitive, everything under one
// sched.Mutex, passing every specs/ scenario), and differs from it, and so
// from the Go dialect, by its bug alone. The bases share one waiter queue
// (waitq.go).
//
// # Classes
//
//   - S: a plain order of whole operations kills it (maybe with a cancel
//     delivered to a blocked, ungranted call).
//   - W: it takes the wake window: a waiter granted (or granted and
//     cancelled) that has not resumed while other things happen.
//   - F: it takes a preemption inside one call, at a named sched Yield
//     point; no sequence of whole steps (a scenario) can kill it.
//
// # Minimal counterexamples
//
// Minimal is the size of the smallest known counterexample, smallest in the
// order (tasks, operations, preemptions). Operations are calls (a task's
// ops; a cancel is not an operation). A preemption is a switch away from a
// task that could have gone on: it has a call in flight and is not parked
// with nothing to wake it, or it stands between two of its calls. Switching
// away from a task that finished or parked is free. A counterexample kills
// through what RunSpec observes: the results of its own calls and which
// tasks are left parked at the end (the final state is not probed, so a lost
// or created permit needs a call that sees it). For classes S and W the
// counterexample is testdata/mutants/<name>.scn (ScenarioFile), in whole
// steps; for class F it is a schedule at the mutant's named points, written
// as a Go test (fclass_test.go).
//
// TestMinimality (SYNCHECK_MINIMALITY=1, minutes) searches every whole-step
// scenario below each stated size, within an op alphabet and bounds, and
// finds no kill; for class F mutants it finds none at all within its bounds.
package mutants

import (
	"fmt"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// Classes.
const (
	ClassS = "S" // whole-operation ordering
	ClassW = "W" // the wake window
	ClassF = "F" // fine-grained preemption inside a call
)

// Size is the size of a counterexample.
type Size struct {
	Tasks, Ops, Preemptions int
}

func (s Size) String() string {
	return fmt.Sprintf("%d tasks / %d ops / %d preemptions", s.Tasks, s.Ops, s.Preemptions)
}

// Mutant is one buggy variant of a primitive.
type Mutant struct {
	Name      string
	Primitive model.Primitive
	Class     string // ClassS, ClassW or ClassF
	// Pattern is the real bug it copies, in one sentence, with its reference.
	Pattern string
	Target  harness.Target
	// Minimal is the size of the known minimal counterexample.
	Minimal Size
	// Params are the instance parameters the minimal counterexample uses
	// (a semaphore's value).
	Params model.Params
}

// ScenarioFile is the path, from the repository root, of the minimal
// counterexample of a class S or W mutant ("" for class F).
func (m Mutant) ScenarioFile() string {
	if m.Class == ClassF {
		return ""
	}
	return "testdata/mutants/" + m.Name + ".scn"
}

// registry holds, per primitive, its mutants (in the order its base file
// lists them) and its base: each primitive's base file registers both, so
// that a new primitive's mutants are its own files.
var registry = map[model.Primitive]*family{}

type family struct {
	base    func() harness.Target
	mutants []func() Mutant
}

// register records primitive p's base and mutants (from an init function
// of p's base file).
func register(p model.Primitive, base func() harness.Target, ms ...func() Mutant) {
	registry[p] = &family{base: base, mutants: ms}
}

// All returns every mutant, in a stable order: by primitive (model's
// order), then as the primitive's base file lists them.
func All() []Mutant {
	var out []Mutant
	for _, p := range model.Primitives {
		if f := registry[p]; f != nil {
			for _, m := range f.mutants {
				out = append(out, m())
			}
		}
	}
	return out
}

// ByName returns the mutant called name.
func ByName(name string) (Mutant, bool) {
	for _, m := range All() {
		if m.Name == name {
			return m, true
		}
	}
	return Mutant{}, false
}

// Base returns the correct implementation of p that the mutants are written
// against: a second correct target, structured unlike impl.
func Base(p model.Primitive) (harness.Target, bool) {
	if f := registry[p]; f != nil {
		return f.base(), true
	}
	return harness.Target{}, false
}

// baseName names every base target.
const baseName = "mutants-base"

// Target builders: each makes a fresh base under the scheduler's runtime and
// wraps it in the mutant's type.

func lockTarget(name string, mk func(*lock) prims.LockImpl) harness.Target {
	return prims.Lock(name, func(rt sched.Runtime) prims.LockImpl { return mk(newLock(rt)) })
}

func eventTarget(name string, mk func(*event) prims.EventImpl) harness.Target {
	return prims.Event(name, func(rt sched.Runtime) prims.EventImpl { return mk(newEvent(rt)) })
}

func condTarget(name string, mk func(*cond) prims.ConditionImpl) harness.Target {
	return prims.Condition(name, func(rt sched.Runtime, n int) []prims.ConditionImpl {
		return newConds(newLock(rt), n, mk)
	})
}

func semTarget(name string, mk func(*sem) prims.SemaphoreImpl) harness.Target {
	return prims.Semaphore(name, func(rt sched.Runtime, v int) prims.SemaphoreImpl {
		return mk(newSem(rt, v, false))
	})
}

func bsemTarget(name string, mk func(*sem) prims.BoundedSemaphoreImpl) harness.Target {
	return prims.BoundedSemaphore(name, func(rt sched.Runtime, v int) prims.BoundedSemaphoreImpl {
		return mk(newSem(rt, v, true))
	})
}

func barrierTarget(name string, mk func(*barrier) prims.BarrierImpl) harness.Target {
	return prims.Barrier(name, func(rt sched.Runtime, parties int) prims.BarrierImpl {
		return mk(newBarrier(rt, parties))
	})
}
