// Package check is syncheck's API for go test: verify an implementation of
// Lock, Event, Condition, Semaphore or BoundedSemaphore against the
// reference model, from your own test.
//
//	func TestMyLock(t *testing.T) {
//		check.Verify(t, check.Lock("mylock", func(rt sched.Runtime) check.LockImpl {
//			return NewMyLock(rt)
//		}), check.Options{})
//	}
//
// An implementation built on impl/sched (a sched.Mutex for its state put
// under rt with SetRuntime, sched.Slots to park on) runs under the
// controlled scheduler, which owns every interleaving: the checker then
// explores the wake window, cancellations and preemptions inside your
// operations on purpose, and every failure is shrunk to a minimal
// counterexample printed with the command that replays it.
//
// The pieces are in the sub-packages: check/explore (generation,
// strategies, shrinking), check/judge (linearizability, quiescence,
// invariants, fairness), check/harness (targets and the harness),
// check/scheduler (the controlled scheduler), check/scenario (the scenario
// language), check/mutants, check/corpus and check/report.
package check

import (
	"strings"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check/explore"
	"github.com/syncheck/syncheck/check/harness"
	"github.com/syncheck/syncheck/check/report"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// The method sets an implementation provides (impl's); see check/harness.
type (
	LockImpl             = harness.LockImpl
	EventImpl            = harness.EventImpl
	ConditionImpl        = harness.ConditionImpl
	SemaphoreImpl        = harness.SemaphoreImpl
	BoundedSemaphoreImpl = harness.BoundedSemaphoreImpl
	// Target is an implementation the checker can instantiate.
	Target = harness.Target
)

// Lock makes a target of a Lock implementation: mk builds a fresh one,
// under rt (nil outside the checker).
func Lock(name string, mk func(rt sched.Runtime) LockImpl) Target {
	return harness.LockTarget(name, mk)
}

// Event makes a target of an Event implementation.
func Event(name string, mk func(rt sched.Runtime) EventImpl) Target {
	return harness.EventTarget(name, mk)
}

// Condition makes a target of a Condition implementation: mk returns n
// Conditions sharing one Lock.
func Condition(name string, mk func(rt sched.Runtime, n int) []ConditionImpl) Target {
	return harness.ConditionTarget(name, mk)
}

// Semaphore makes a target of a Semaphore implementation with initial
// value v.
func Semaphore(name string, mk func(rt sched.Runtime, v int) SemaphoreImpl) Target {
	return harness.SemaphoreTarget(name, mk)
}

// BoundedSemaphore makes a target of a BoundedSemaphore implementation.
func BoundedSemaphore(name string, mk func(rt sched.Runtime, v int) BoundedSemaphoreImpl) Target {
	return harness.BoundedSemaphoreTarget(name, mk)
}

// Builtin is the target of syncheck's own implementation of p.
func Builtin(p model.Primitive) (Target, error) { return harness.Builtin(p) }

// Options bound a Verify. Zero fields take the defaults.
type Options struct {
	// Runs is the budget in judged executions (default 2,000; with -short
	// 500).
	Runs int
	// Time bounds the search in wall time (default: none).
	Time time.Duration
	// Seed fixes the search (default 1: a test is reproducible).
	Seed uint64
	// Dialect is the model judged against (default model.Go).
	Dialect model.Dialect
	// Tasks bounds the tasks of a generated program (default 4).
	Tasks int
	// ShrinkTime bounds shrinking a failure (default 10s).
	ShrinkTime time.Duration
}

// Verify explores target's interleavings within the budget and fails t with
// a minimal counterexample (the failed property, a table of the calls per
// task, the interleaving, what the model allowed instead) if it finds one.
func Verify(t testing.TB, target Target, o Options) {
	t.Helper()
	if o.Runs == 0 {
		o.Runs = 2000
		if testing.Short() {
			o.Runs = 500
		}
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	cfg := explore.Config{Seed: o.Seed, Dialect: o.Dialect, Gen: explore.GenConfig{MaxTasks: o.Tasks}, ShrinkTime: o.ShrinkTime}
	res := explore.Run(target, cfg, explore.Budget{Executions: o.Runs, Time: o.Time})
	if !res.Failed() {
		t.Logf("%s: no counterexample in %d judged executions (%d programs), strategy %s, seed %d",
			target.Name, res.Executions, res.Programs, res.Strategy, res.Seed)
		return
	}
	c := res.Minimal
	if c == nil {
		c = res.Found
	}
	var b strings.Builder
	report.Counterexample(&b, c, "")
	b.WriteString("\nthe counterexample as a scenario (save it under testdata/ and replay it with checkcli replay):\n\n")
	b.WriteString(c.ScenarioText())
	t.Fatalf("%s (%s): counterexample after %d executions (seed %d)\n\n%s", target.Name, target.Primitive, res.FoundAfter, res.Seed, b.String())
}
