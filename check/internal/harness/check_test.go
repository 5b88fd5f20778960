package harness_test

import (
	"reflect"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
	"github.com/syncheck/syncheck/specs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// specScenarios parses every scenario embedded from specs/.
func specScenarios(t *testing.T) []*scenario.Scenario {
	t.Helper()
	scs, err := specs.All()
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) < 40 {
		t.Fatalf("only %d scenarios under specs/, want at least 40", len(scs))
	}
	return scs
}

func builtin(t *testing.T, p model.Primitive) *harness.Target {
	t.Helper()
	tg, err := prims.Builtin(p)
	if err != nil {
		t.Fatal(err)
	}
	return &tg
}

// TestSpecs runs every scenario against its dialect's model and, for the go
// dialect, against impl under the controlled scheduler.
func TestSpecs(t *testing.T) {
	for _, sc := range specScenarios(t) {
		t.Run(strings.TrimSuffix(strings.TrimPrefix(sc.File, "specs/"), ".scn"), func(t *testing.T) {
			var target *harness.Target
			if sc.Dialect == model.Go {
				target = builtin(t, sc.Primitive)
			}
			r := harness.RunSpec(sc, target)
			if r.Failed() {
				t.Fatal(r.Failure)
			}
			if len(r.Steps) != len(sc.Steps) {
				t.Fatalf("ran %d of %d steps", len(r.Steps), len(sc.Steps))
			}
			if target != nil {
				for _, s := range r.Steps {
					if s.Step.Kind == scenario.Run && s.Impl == nil {
						t.Fatalf("line %d: the implementation was not run", s.Step.Line)
					}
				}
			}
		})
	}
}

// TestSpecCatchesWrongExpectation shows the runner fails a scenario whose
// expectation contradicts the model and impl, naming file and line.
func TestSpecCatchesWrongExpectation(t *testing.T) {
	src := `primitive lock
task A: acquire, release
task B: acquire
A acquire -> ok
B acquire -> ok
`
	sc, err := scenario.Parse("wrong.scn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	r := harness.RunSpec(sc, builtin(t, model.Lock))
	if !r.Failed() || !strings.HasPrefix(r.Failure, "wrong.scn:5: ") {
		t.Fatalf("want a failure at wrong.scn:5, got %q", r.Failure)
	}
}

// TestSpecCatchesLostWakeup runs a correct scenario against a lock that
// forgets to hand itself to a waiter: the implementation side must fail.
func TestSpecCatchesBrokenImpl(t *testing.T) {
	src := `primitive lock
task A: acquire, release
task B: acquire
A acquire -> ok
B acquire -> blocks
A release -> ok
B acquire -> ok
`
	sc, err := scenario.Parse("handoff.scn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if r := harness.RunSpec(sc, builtin(t, model.Lock)); r.Failed() {
		t.Fatalf("the built-in lock fails: %s", r.Failure)
	}
	r := harness.RunSpec(sc, &forgetfulLock)
	if !r.Failed() || !strings.HasPrefix(r.Failure, "handoff.scn:7: ") {
		t.Fatalf("want a failure at handoff.scn:7, got %q", r.Failure)
	}
}

// TestSpecReplayIsDeterministic replays one scenario 100 times: the event
// histories and scheduling traces must be identical.
func TestSpecReplayIsDeterministic(t *testing.T) {
	var sc *scenario.Scenario
	for _, s := range specScenarios(t) {
		if s.File == "specs/condition/c1_notify_then_cancel.scn" {
			sc = s
		}
	}
	if sc == nil {
		t.Fatal("specs/condition/c1_notify_then_cancel.scn is missing")
	}
	target := builtin(t, model.Condition)
	first := harness.RunSpec(sc, target)
	if first.Failed() {
		t.Fatal(first.Failure)
	}
	for i := 0; i < 100; i++ {
		r := harness.RunSpec(sc, target)
		if !reflect.DeepEqual(r.Steps, first.Steps) {
			t.Fatalf("replay %d differs from the first run", i)
		}
	}
}

// condProgram is a 3-task Condition program with waits, notifies and
// re-acquires, enough to have many interleavings.
var condProgram = []scenario.Task{
	{Name: "W1", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Wait}, {Kind: model.Release}}},
	{Name: "W2", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Wait}, {Kind: model.Release}}},
	{Name: "N", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Notify, Arg: 1}, {Kind: model.Release}, {Kind: model.Acquire}, {Kind: model.NotifyAll}, {Kind: model.Release}}},
}

// TestRandomRunIsDeterministic: a run is a pure function of (program, seed).
func TestRandomRunIsDeterministic(t *testing.T) {
	target := builtin(t, model.Condition)
	for _, mk := range []struct {
		name string
		st   func(seed uint64) scheduler.Strategy
	}{
		{"random", func(seed uint64) scheduler.Strategy { return scheduler.Uniform(scheduler.NewPCG(seed)) }},
		{"pct", func(seed uint64) scheduler.Strategy { return scheduler.Uniform(scheduler.NewPCG(seed)) }},
	} {
		t.Run(mk.name, func(t *testing.T) {
			first := harness.RunProgram(condProgram, model.Params{"conditions": 1}, target, mk.st(42), 10_000)
			if len(first.History) == 0 || len(first.Trace) == 0 {
				t.Fatal("empty execution")
			}
			for i := 0; i < 100; i++ {
				e := harness.RunProgram(condProgram, model.Params{"conditions": 1}, target, mk.st(42), 10_000)
				if !reflect.DeepEqual(e.History, first.History) || !reflect.DeepEqual(e.Trace, first.Trace) {
					t.Fatalf("run %d with the same seed differs", i)
				}
			}
			// The seed matters: some other seed gives another interleaving.
			differs := false
			for seed := uint64(0); seed < 50 && !differs; seed++ {
				e := harness.RunProgram(condProgram, model.Params{"conditions": 1}, target, mk.st(seed), 10_000)
				differs = !reflect.DeepEqual(e.Trace, first.Trace)
			}
			if !differs {
				t.Fatal("50 seeds all gave the same trace")
			}
		})
	}
}
