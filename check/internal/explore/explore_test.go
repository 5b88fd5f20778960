package explore_test

import (
	"reflect"
	"testing"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func builtin(t testing.TB, p model.Primitive) harness.Target {
	t.Helper()
	tg, err := prims.Builtin(p)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// countInterleavings counts, independently of the explorer, the
// interleavings of tasks with steps[i] steps each and no blocking that have
// at most k preemptions (a switch away from a task with steps left).
func countInterleavings(steps []int, k int) int {
	left := append([]int(nil), steps...)
	var rec func(last, pre int) int
	rec = func(last, pre int) int {
		total, done := 0, true
		for t := range left {
			if left[t] == 0 {
				continue
			}
			done = false
			p := pre
			if last >= 0 && t != last && left[last] > 0 {
				p++
			}
			if p > k {
				continue
			}
			left[t]--
			total += rec(t, p)
			left[t]++
		}
		if done {
			return 1
		}
		return total
	}
	return rec(-1, 0)
}

// TestExhaustiveCounts checks the number of schedules Exhaustive explores
// against counts known independently. Each task makes calls of Locked on
// the toy lock: three scheduling steps for its first call (start -> call
// point, call point -> the mutex, the mutex -> the next call point or done),
// two for each later one, and no blocking, so the schedules are the
// interleavings of the tasks' steps. In closed form, for 2 tasks of 3
// steps: C(6,3) = 20 in all; 2 without preemption (who goes first); 6 with
// at most one (a task preempted after 1 or 2 of its steps, the other runs
// to its end: 2 x 2 + 2); 14 with at most two (8 more: A B A B or B A B A
// runs, 2 x 2 ways to split each task's 3 steps in 2 runs). 3 tasks of 3
// steps: 9!/(3!3!3!) = 1680 in all, 3! = 6 without preemption.
func TestExhaustiveCounts(t *testing.T) {
	locked := op(model.Locked)
	prog := func(calls ...int) explore.Program {
		p := explore.Program{Primitive: model.Lock}
		for i, n := range calls {
			var ops []model.Op
			for range n {
				ops = append(ops, locked)
			}
			p.Tasks = append(p.Tasks, task(string(rune('A'+i)), ops...))
		}
		return p
	}
	for _, tc := range []struct {
		name  string
		calls []int
		k     int
		want  int // 0: countInterleavings
	}{
		{"2x1 k=0", []int{1, 1}, 0, 2},
		{"2x1 k=1", []int{1, 1}, 1, 6},
		{"2x1 k=2", []int{1, 1}, 2, 14},
		{"2x1 unbounded", []int{1, 1}, 10, 20},
		{"3x1 k=0", []int{1, 1, 1}, 0, 6},
		{"3x1 k=1", []int{1, 1, 1}, 1, 0},
		{"3x1 k=2", []int{1, 1, 1}, 2, 0},
		{"2x2 k=3", []int{2, 2}, 3, 0},
		{"1,2,1 k=2", []int{1, 2, 1}, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			steps := make([]int, len(tc.calls))
			for i, n := range tc.calls {
				steps[i] = 1 + 2*n
			}
			want := countInterleavings(steps, tc.k)
			if tc.want != 0 && tc.want != want {
				t.Fatalf("closed form %d, enumeration %d", tc.want, want)
			}
			cfg := explore.Config{Strategy: explore.Exhaustive(tc.k, 0), Judge: lockOracle}
			cx, cov := explore.Check(goodToy, prog(tc.calls...), cfg, nil)
			if cx != nil {
				t.Fatalf("unexpected failure:\n%s", cx)
			}
			if cov.Schedules != want || !cov.Exhausted {
				t.Fatalf("explored %d schedules (exhausted %v), want %d (exhausted)", cov.Schedules, cov.Exhausted, want)
			}
			t.Logf("%d schedules, %d runs", cov.Schedules, cov.Executions)
		})
	}
}

// TestExhaustiveFindsLostWakeup: bounded exhaustive search finds
// bpo-27585's lost wakeup in the buggy toy lock, with the fewest
// preemptions possible (one: T2 must queue while T1 holds the lock and can
// still run), and explores the correct toy's whole space without a failure.
func TestExhaustiveFindsLostWakeup(t *testing.T) {
	prog := explore.Program{
		Primitive: model.Lock,
		Tasks: []scenario.Task{
			task("T1", op(model.Acquire), op(model.Release), op(model.Acquire)),
			task("T2", op(model.Acquire)),
		},
		Cancels: []explore.Cancel{{Task: 1, Call: 0}},
	}
	cfg := explore.Config{Strategy: explore.Exhaustive(3, 0), Judge: lockOracle}
	cx, cov := explore.Check(buggyToy, prog, cfg, nil)
	if cx == nil {
		t.Fatalf("no failure in %d schedules", cov.Schedules)
	}
	t.Logf("found after %d schedules (%d runs):\n%s", cov.Schedules, cov.Executions, cx)
	if cx.Property != judge.Quiescence || cx.Preemptions != 1 {
		t.Fatalf("want a quiescence failure with 1 preemption, got %s with %d", cx.Property, cx.Preemptions)
	}
	// The counterexample replays exactly, and fails again.
	f, ex, err := cx.Replay(buggyToy, cfg)
	if err != nil || f == nil || !reflect.DeepEqual(ex.History, cx.History) {
		t.Fatalf("replay: err %v, failure %v, same history %v", err, f, reflect.DeepEqual(ex.History, cx.History))
	}
	// The correct toy passes every schedule within the bound.
	cx, cov = explore.Check(goodToy, prog, cfg, nil)
	if cx != nil {
		t.Fatalf("the correct toy fails:\n%s", cx)
	}
	if !cov.Exhausted {
		t.Fatalf("not exhausted after %d schedules", cov.Schedules)
	}
	t.Logf("correct toy: %d schedules (%d runs) with at most 3 preemptions", cov.Schedules, cov.Executions)
	_ = scheduler.NewPCG
}

// TestCounterexampleScenario: a counterexample in whole steps is written in
// the scenario language; it round-trips through the parser, and replayed by
// the scenario runner it kills the buggy toy and passes the model up to the
// failure.
func TestCounterexampleScenario(t *testing.T) {
	prog := explore.Program{
		Primitive: model.Lock,
		Tasks: []scenario.Task{
			task("T1", op(model.Acquire), op(model.Release), op(model.Acquire)),
			task("T2", op(model.Acquire)),
		},
		Cancels: []explore.Cancel{{Task: 1, Call: 0}},
	}
	cx, _ := explore.Check(buggyToy, prog, explore.Config{Strategy: explore.Exhaustive(3, 0), Judge: lockOracle}, nil)
	if cx == nil {
		t.Fatal("no failure")
	}
	sc, err := cx.Scenario()
	if err != nil {
		t.Fatal(err)
	}
	text := scenario.Print(sc)
	t.Logf("\n%s", text)
	parsed, err := scenario.Parse("cx.scn", text)
	if err != nil {
		t.Fatal(err)
	}
	if r := harness.RunSpec(parsed, nil); r.Failed() {
		t.Fatalf("the model rejects the counterexample's steps: %s", r.Failure)
	}
	r := harness.RunSpec(parsed, &buggyToy)
	if !r.Failed() {
		t.Fatal("the scenario does not kill the buggy toy")
	}
	t.Logf("killed: %s", r.Failure)
}
