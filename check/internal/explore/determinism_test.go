package explore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// TestExecutionDeterministic: a run is a pure function of (program, seed):
// the same seed gives the same schedule, trace and history, for every
// randomized strategy; and some other seed gives another schedule.
func TestExecutionDeterministic(t *testing.T) {
	prog := windowPrograms[1]
	target := builtin(t, prog.Primitive)
	for _, s := range []explore.Sampler{explore.Random(), explore.PCT(3), explore.WakeWindow()} {
		first := explore.Execute(target, &prog, s.Chooser(&prog, scheduler.NewPCG(7)), 0)
		if len(first.Schedule) == 0 || len(first.History) == 0 {
			t.Fatalf("%s: empty run", s.Name())
		}
		for range 20 {
			ex := explore.Execute(target, &prog, s.Chooser(&prog, scheduler.NewPCG(7)), 0)
			if !reflect.DeepEqual(ex.Schedule, first.Schedule) || !reflect.DeepEqual(ex.Trace, first.Trace) || !reflect.DeepEqual(ex.History, first.History) {
				t.Fatalf("%s: the same seed gave another run", s.Name())
			}
		}
		differs := false
		for seed := uint64(0); seed < 20 && !differs; seed++ {
			ex := explore.Execute(target, &prog, s.Chooser(&prog, scheduler.NewPCG(seed)), 0)
			differs = !reflect.DeepEqual(ex.Schedule, first.Schedule)
		}
		if !differs {
			t.Fatalf("%s: 20 seeds gave the same schedule", s.Name())
		}
		// The schedule replays exactly.
		ex, err := explore.RunSchedule(target, &prog, first.Schedule, 0)
		if err != nil || !reflect.DeepEqual(ex.History, first.History) {
			t.Fatalf("%s: replay: %v", s.Name(), err)
		}
	}
}

// TestReplayDiverges: a schedule that does not fit the program is reported.
func TestReplayDiverges(t *testing.T) {
	prog := windowPrograms[0]
	target := builtin(t, prog.Primitive)
	ex := explore.Execute(target, &prog, explore.Random().Chooser(&prog, scheduler.NewPCG(1)), 0)
	bad := append(explore.Schedule(nil), ex.Schedule...)
	bad[0] = explore.Action{Kind: explore.DeliverCancel, Task: 1, Cancel: 0} // T2 has not called yet
	if _, err := explore.RunSchedule(target, &prog, bad, 0); err == nil {
		t.Fatal("a cancel of a call not started replayed without error")
	}
	if _, err := explore.RunSchedule(target, &prog, ex.Schedule[:len(ex.Schedule)/2], 0); err == nil {
		t.Fatal("half a schedule replayed without error")
	}
}

// TestRunDeterministic: Run with a fixed seed and a budget in executions
// finds the same failure twice, and its FoundSeed reproduces it as the
// first case of a Run seeded with it.
func TestRunDeterministic(t *testing.T) {
	cfg := explore.Config{Judge: lockOracle, Seed: 99, ShrinkTime: -1}
	a := explore.Run(buggyToy, cfg, explore.Budget{Executions: 20_000})
	b := explore.Run(buggyToy, cfg, explore.Budget{Executions: 20_000})
	if !a.Failed() || !b.Failed() {
		t.Fatal("no failure")
	}
	same := func(x, y *explore.Counterexample) bool {
		return reflect.DeepEqual(x.Program, y.Program) && reflect.DeepEqual(x.Schedule, y.Schedule) && reflect.DeepEqual(x.History, y.History)
	}
	if !same(a.Found, b.Found) || a.FoundAfter != b.FoundAfter || a.FoundSeed != b.FoundSeed {
		t.Fatalf("two runs with seed 99 differ: after %d vs %d, seed %d vs %d", a.FoundAfter, b.FoundAfter, a.FoundSeed, b.FoundSeed)
	}
	cfg.Seed = a.FoundSeed
	c := explore.Run(buggyToy, cfg, explore.Budget{Executions: 1})
	if !c.Failed() || !same(a.Found, c.Found) {
		t.Fatalf("seed %d does not reproduce the failure", a.FoundSeed)
	}
	if a.Minimal != a.Found {
		t.Fatal("ShrinkTime < 0 shrank anyway")
	}
}

// TestRunTimeBudget: Run stops at its time budget, having judged many
// executions of the built-in Lock without a failure.
func TestRunTimeBudget(t *testing.T) {
	start := time.Now()
	res := explore.Run(builtin(t, model.Lock), explore.Config{Seed: 3}, explore.Budget{Time: 300 * time.Millisecond})
	took := time.Since(start)
	if res.Failed() {
		t.Fatalf("false alarm:\n%s", &res)
	}
	if res.Executions < 10 || took > 3*time.Second {
		t.Fatalf("%d executions in %v", res.Executions, took)
	}
	t.Logf("%s", &res)
}
