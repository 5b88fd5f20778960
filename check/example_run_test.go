package check_test

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model/scenario"
)

// exampleT stands in for the *testing.T of a test, printing what the
// checker reports on failure.
type exampleT struct {
	testing.TB
	failed bool
}

func (t *exampleT) Helper()               {}
func (t *exampleT) Name() string          { return "TestMyLock" }
func (t *exampleT) Log(...any)            {}
func (t *exampleT) Logf(string, ...any)   {}
func (t *exampleT) Error(args ...any)     { t.failed = true }
func (t *exampleT) Errorf(string, ...any) { t.failed = true }
func (t *exampleT) Fatal(args ...any)     { t.failed = true }
func (t *exampleT) Fatalf(string, ...any) { t.failed = true }
func (t *exampleT) Fail()                 { t.failed = true }
func (t *exampleT) FailNow()              { t.failed = true }
func (t *exampleT) Failed() bool          { return t.failed }
func (t *exampleT) Skip(...any)           {}
func (t *exampleT) Skipf(string, ...any)  {}
func (t *exampleT) SkipNow()              {}

// In a test, Verify fails t with a minimal counterexample if it finds one;
// either way it returns what it found.
func ExampleVerify() {
	t := &exampleT{} // in a test: the test's *testing.T
	r := check.Verify(t, check.Lock("mylock", func(rt sched.Runtime) *myLock {
		return newMyLock(rt, false)
	}), check.Options{Seed: 1, Runs: 500})
	fmt.Println("failed:", r.Failed, "executions:", r.Executions)
	// Output: failed: false executions: 500
}

// Run is the same search without a testing.TB: here it finds bpo-27585's
// bug (a granted waiter that is cancelled strands the lock) and shrinks it.
func ExampleRun() {
	r, err := check.Run(check.Lock("mylock-bug", func(rt sched.Runtime) *myLock {
		return newMyLock(rt, true)
	}), check.Options{Seed: 1, Runs: 20000})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("failed:", r.Failed, "property:", r.Property)
	fmt.Println("tasks/calls/preemptions:", r.Size)
	// Output:
	// failed: true property: quiescence
	// tasks/calls/preemptions: 2/4/1
}

// Property is the check as a rapid property, for rapid.Check or, through
// rapid.MakeFuzz, for go test -fuzz.
func ExampleProperty() {
	t := &exampleT{} // in a test: the test's *testing.T
	rapid.Check(t, check.Property(check.Lock("mylock", func(rt sched.Runtime) *myLock {
		return newMyLock(rt, false)
	}), check.Options{}))
	fmt.Println("failed:", t.Failed())
	// Output: failed: false
}

// Spec runs a scenario against the model of its dialect and the target,
// step by step.
func ExampleSpec() {
	sc, err := scenario.Parse("handoff.scn", []byte(`
primitive lock
task A: acquire, release
task B: acquire
A acquire -> ok
B acquire -> blocks
A release -> ok
B acquire -> ok
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	target, _ := check.Builtin(sc.Primitive)
	r := check.Spec(sc, &target, false)
	fmt.Println("failed:", r.Failed)
	fmt.Print(r.Report)
	// Output:
	// failed: false
	//     5  A acquire -> ok                     model: ok  impl: ok
	//     6  B acquire -> blocks                 model: blocks  impl: blocks
	//     7  A release -> ok                     model: ok  impl: ok
	//     8  B acquire -> ok                     model: ok  impl: ok
}
