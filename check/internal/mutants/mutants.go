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
	"github.com/syncheck/syncheck/check/internal/targets"
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

// All returns every mutant, in a stable order: by primitive, then by name of
// the bug.
func All() []Mutant {
	return []Mutant{
		lockCancelGrantStrands(),
		lockBarging(),
		lockTryAcquireInWindow(),
		eventCheckThenPark(),
		eventClearRevokes(),
		condCancelLosesNotify(),
		condCancelSkipsRelock(),
		condNotifyCountsNotified(),
		condNotifyUnlocked(),
		condWaitTicket(),
		semWakeupFlagStuck(),
		semCancelDropsPermit(),
		semFrontCancelStrands(),
		semReleaseDoublePermit(),
		semCheckThenQueue(),
		bsemIgnoresPromised(),
	}
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
	const name = "mutants-base"
	switch p {
	case model.Lock:
		return lockTarget(name, func(l *lock) targets.LockImpl { return l }), true
	case model.Event:
		return eventTarget(name, func(e *event) targets.EventImpl { return e }), true
	case model.Condition:
		return condTarget(name, func(c *cond) targets.ConditionImpl { return c }), true
	case model.Semaphore:
		return semTarget(name, func(s *sem) targets.SemaphoreImpl { return semaphore{s} }), true
	case model.BoundedSemaphore:
		return bsemTarget(name, func(s *sem) targets.BoundedSemaphoreImpl { return boundedSem{s} }), true
	}
	return harness.Target{}, false
}

// Target builders: each makes a fresh base under the scheduler's runtime and
// wraps it in the mutant's type.

func lockTarget(name string, mk func(*lock) targets.LockImpl) harness.Target {
	return targets.Lock(name, func(rt sched.Runtime) targets.LockImpl { return mk(newLock(rt)) })
}

func eventTarget(name string, mk func(*event) targets.EventImpl) harness.Target {
	return targets.Event(name, func(rt sched.Runtime) targets.EventImpl { return mk(newEvent(rt)) })
}

func condTarget(name string, mk func(*cond) targets.ConditionImpl) harness.Target {
	return targets.Condition(name, func(rt sched.Runtime, n int) []targets.ConditionImpl {
		return newConds(newLock(rt), n, mk)
	})
}

func semTarget(name string, mk func(*sem) targets.SemaphoreImpl) harness.Target {
	return targets.Semaphore(name, func(rt sched.Runtime, v int) targets.SemaphoreImpl {
		return mk(newSem(rt, v, false))
	})
}

func bsemTarget(name string, mk func(*sem) targets.BoundedSemaphoreImpl) harness.Target {
	return targets.BoundedSemaphore(name, func(rt sched.Runtime, v int) targets.BoundedSemaphoreImpl {
		return mk(newSem(rt, v, true))
	})
}
