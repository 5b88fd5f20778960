package explore_test

import (
	"runtime"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// condition12 is a 3-task, 12-call Condition program (a waiter, a
// predicate waiter, a producer), with a cancel on the waiter's wait.
var condition12 = explore.Program{
	Primitive: model.Condition,
	Params:    model.Params{"conditions": 1},
	Tasks: []scenario.Task{
		task("T1", op(model.Acquire), op(model.Wait), op(model.Release), op(model.Locked)),
		task("T2", op(model.Acquire), model.Op{Kind: model.WaitFor, Arg: 1}, op(model.Release), op(model.TryAcquire)),
		task("T3", op(model.Acquire), model.Op{Kind: model.Add, Arg: 1}, op(model.NotifyAll), op(model.Release)),
	},
	Cancels: []explore.Cancel{{Task: 0, Call: 1}},
}

// BenchmarkConditionExecutions measures fully judged executions of
// condition12 against impl's Condition: a fresh instance, a WakeWindow
// schedule, judge.Judge (linearizability, quiescence, invariants,
// fairness). executions/s is per core (the loop is one goroutine).
func BenchmarkConditionExecutions(b *testing.B) {
	target := builtin(b, model.Condition)
	var st explore.Stats
	cfg := explore.Config{Stats: &st}
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if cx, _ := explore.Check(target, condition12, cfg, scheduler.NewPCG(uint64(i))); cx != nil {
			b.Fatalf("false alarm:\n%s", cx)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "executions/s")
	b.ReportMetric(float64(st.Inconclusive.Load()), "inconclusive")
}

// BenchmarkPropertyCondition measures the property as rapid runs it:
// programs and schedules drawn from rapid (random Condition programs, up to
// 4 tasks of up to 6 calls), every execution judged. One op is one
// rapid.Check of -rapid.checks cases (100 by default).
func BenchmarkPropertyCondition(b *testing.B) {
	var st explore.Stats
	prop := explore.Property(builtin(b, model.Condition), explore.Config{Stats: &st})
	b.ResetTimer()
	for range b.N {
		tb := &captureTB{}
		rapid.Check(tb, prop)
		if tb.failed {
			b.Fatal("false alarm")
		}
	}
	b.ReportMetric(float64(st.Executions.Load())/b.Elapsed().Seconds(), "executions/s")
}

// TestMemoryFlat runs many judged executions and checks that the live heap
// does not grow with them: nothing is retained from one execution to the
// next.
func TestMemoryFlat(t *testing.T) {
	n := 20_000
	if raceEnabled {
		n = 4_000
	}
	target := builtin(t, model.Condition)
	cfg := explore.Config{}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	run := func(from, to int) {
		for i := from; i < to; i++ {
			if cx, _ := explore.Check(target, condition12, cfg, scheduler.NewPCG(uint64(i))); cx != nil {
				t.Fatalf("false alarm:\n%s", cx)
			}
		}
	}
	run(0, n/10)
	before := heap()
	g := runtime.NumGoroutine()
	run(n/10, n)
	after := heap()
	t.Logf("%d executions: live heap %d KiB -> %d KiB, goroutines %d -> %d", n, before>>10, after>>10, g, runtime.NumGoroutine())
	if after > before+1<<20 {
		t.Fatalf("live heap grew by %d KiB over %d executions", (after-before)>>10, n-n/10)
	}
	if runtime.NumGoroutine() > g {
		t.Fatalf("goroutines grew from %d to %d", g, runtime.NumGoroutine())
	}
}

// TestKillsMutants: Run kills every mutant of check/internal/mutants within its
// budget (no shrinking here), and the median time to the first failure is
// under a second.
func TestKillsMutants(t *testing.T) {
	budget := explore.Budget{Executions: 50_000, Time: 10 * time.Second}
	if raceEnabled {
		// The race detector runs about 2x slower, and go test runs the
		// other packages alongside: cond-cancel-loses-notify needs some
		// 10,000 executions, about 7 s under -race alone, and ran out of
		// 10 s in a full `go test -race ./...` on two cores.
		budget.Time = 30 * time.Second
	}
	var times []time.Duration
	for _, m := range mutants.All() {
		res := explore.Run(m.Target, explore.Config{Seed: 1, ShrinkTime: -1}, budget)
		if !res.Failed() {
			t.Errorf("%s (%s) survives %d executions", m.Name, m.Class, res.Schedules)
			continue
		}
		times = append(times, res.FoundIn)
		t.Logf("%-28s %s killed after %5d executions (%v): %s", m.Name, m.Class, res.FoundAfter, res.FoundIn.Round(time.Microsecond), res.Found.Property)
	}
	slices.Sort(times)
	if len(times) > 0 {
		med := times[len(times)/2]
		t.Logf("median time to first failure: %v", med)
		if med > time.Second && !raceEnabled {
			t.Errorf("median time to first failure %v, want under 1s", med)
		}
	}
}

// Slack over a mutant's known minimal counterexample that shrinking may
// leave: shrinking is greedy (1-minimal for its moves), and a program of
// the same size with one preemption fewer may be a different program.
const (
	slackTasks       = 1
	slackOps         = 2
	slackPreemptions = 1
)

// TestShrinksNearMinimal: for every mutant, the shrunk counterexample is no
// larger than the known minimal one (check/internal/mutants: Minimal) plus the slack
// above. Under the race detector only one mutant per primitive is shrunk.
func TestShrinksNearMinimal(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range mutants.All() {
		if raceEnabled && seen[string(m.Primitive)] {
			continue
		}
		seen[string(m.Primitive)] = true
		t.Run(m.Name, func(t *testing.T) {
			// Shrinking is bounded in executions (the default), not in
			// time: the result is the same on a loaded machine.
			res := explore.Run(m.Target, explore.Config{Seed: 1}, explore.Budget{Executions: 50_000})
			if !res.Failed() {
				t.Fatalf("survives %d executions", res.Executions)
			}
			got, want := res.Minimal.Size(), m.Minimal
			t.Logf("shrunk to %s (known minimal %d/%d/%d) in %v", got, want.Tasks, want.Ops, want.Preemptions, res.ShrinkTime.Round(time.Millisecond))
			if got.Tasks > want.Tasks+slackTasks || got.Ops > want.Ops+slackOps || got.Preemptions > want.Preemptions+slackPreemptions {
				t.Errorf("shrunk to %s; the known minimal is %d tasks / %d ops / %d preemptions (slack +%d/+%d/+%d)",
					got, want.Tasks, want.Ops, want.Preemptions, slackTasks, slackOps, slackPreemptions)
			}
		})
	}
}
