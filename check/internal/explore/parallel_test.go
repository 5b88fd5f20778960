package explore_test

import (
	"fmt"
	"maps"
	"reflect"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/model"
)

// counts is what a search counted, for comparing two searches.
func counts(r *explore.Result) string {
	s := fmt.Sprintf("programs %d, executions %d, schedules %d, inconclusive %d, exhausted %d, window cancels %d",
		r.Programs, r.Executions, r.Schedules, r.Inconclusive, r.Exhausted, r.WindowCancels)
	if r.Failed() {
		s += fmt.Sprintf("; failed at program %d (seed %d) after %d: %s", r.FoundProgram, r.FoundSeed, r.FoundAfter, r.Found.Message)
	}
	return s
}

// TestParallelSameAsOneWorker: Run's result does not depend on its number
// of workers: the same counts, the same failure found after as many
// executions, the same minimal counterexample; for a search that fails, one
// that passes, and one whose programs each have many schedules (Exhaustive)
// and whose budget cuts its last program short.
func TestParallelSameAsOneWorker(t *testing.T) {
	cases := []struct {
		name   string
		target harness.Target
		cfg    explore.Config
		budget int
	}{
		{"failing", buggyToy, explore.Config{Judge: lockOracle, Seed: 99, ShrinkTime: -1}, 20_000},
		{"passing", builtin(t, model.Lock), explore.Config{Seed: 5}, 600},
		{"exhaustive", builtin(t, model.Semaphore), explore.Config{Seed: 7, Strategy: explore.Exhaustive(1, 40)}, 333},
		{"exhaustive-failing", buggyToy, explore.Config{Judge: lockOracle, Seed: 3, Strategy: explore.Exhaustive(2, 200), ShrinkTime: -1}, 20_000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			one := explore.Run(c.target, c.cfg, explore.Budget{Executions: c.budget})
			if c.name == "passing" || c.name == "exhaustive" {
				if one.Failed() {
					t.Fatalf("false alarm: %s", &one)
				}
			} else if !one.Failed() {
				t.Fatalf("no failure: %s", &one)
			}
			if c.name == "exhaustive" && (one.Schedules != c.budget || one.Programs < 2) {
				t.Fatalf("the budget should cut a program short: %s", counts(&one))
			}
			t.Logf("one worker: %s", counts(&one))
			for _, w := range []int{2, 3, 8} {
				cfg := c.cfg
				cfg.Workers = w
				many := explore.Run(c.target, cfg, explore.Budget{Executions: c.budget})
				if counts(&many) != counts(&one) {
					t.Fatalf("%d workers: %s\none worker: %s", w, counts(&many), counts(&one))
				}
				if one.Failed() && (!reflect.DeepEqual(one.Found.Program, many.Found.Program) || !reflect.DeepEqual(one.Found.Schedule, many.Found.Schedule)) {
					t.Fatalf("%d workers found another counterexample", w)
				}
			}
		})
	}
}

// TestParallelShrinksTheSame: the minimal counterexample after a parallel
// search is the one-worker search's (shrinking starts from the same
// failure).
func TestParallelShrinksTheSame(t *testing.T) {
	if testing.Short() {
		t.Skip("shrinks twice")
	}
	cfg := explore.Config{Judge: lockOracle, Seed: 99}
	one := explore.Run(buggyToy, cfg, explore.Budget{Executions: 20_000})
	cfg.Workers = 4
	many := explore.Run(buggyToy, cfg, explore.Budget{Executions: 20_000})
	if !one.Failed() || !many.Failed() {
		t.Fatal("no failure")
	}
	if one.Minimal.String() != many.Minimal.String() {
		t.Fatalf("one worker shrank to\n%s\nfour to\n%s", one.Minimal, many.Minimal)
	}
}

// histories is a judge that records every judged history (which, a run
// being a pure function of program and seed, stands for the execution)
// before judging it with judge.Judge.
type histories struct {
	mu   sync.Mutex
	seen map[string]int
}

func (h *histories) judge(in judge.Input, o judge.Options) []judge.Verdict {
	key := fmt.Sprint(in.History)
	h.mu.Lock()
	h.seen[key]++
	h.mu.Unlock()
	return judge.Judge(in, o)
}

// TestShardsCoverOneRun: the N shards of a search judge, together, exactly
// the executions the whole search judges (the same histories, as many
// times each), and the whole search's counts are the sums of theirs; for a
// failing search, the shards' failure with the lowest program number is
// the whole search's.
func TestShardsCoverOneRun(t *testing.T) {
	const budget = 900
	target := builtin(t, model.Condition)
	whole := &histories{seen: map[string]int{}}
	one := explore.Run(target, explore.Config{Seed: 11, Judge: whole.judge}, explore.Budget{Executions: budget})
	if one.Failed() || one.Schedules != budget {
		t.Fatalf("whole search: %s", counts(&one))
	}
	for _, n := range []int{2, 3, 7} {
		parts := &histories{seen: map[string]int{}}
		var programs, schedules, windowCancels int
		for k := 1; k <= n; k++ {
			// One worker: a parallel search judges programs ahead
			// that it then leaves uncounted, which parts would see.
			cfg := explore.Config{Seed: 11, Judge: parts.judge, Shard: explore.Shard{K: k, N: n}}
			r := explore.Run(target, cfg, explore.Budget{Executions: budget})
			if r.Failed() {
				t.Fatalf("shard %d/%d: false alarm", k, n)
			}
			programs += r.Programs
			schedules += r.Schedules
			windowCancels += r.WindowCancels
		}
		if programs != one.Programs || schedules != one.Schedules || windowCancels != one.WindowCancels {
			t.Fatalf("%d shards: %d programs, %d schedules, %d window cancels; the whole search %d, %d, %d",
				n, programs, schedules, windowCancels, one.Programs, one.Schedules, one.WindowCancels)
		}
		if !maps.Equal(parts.seen, whole.seen) {
			t.Fatalf("%d shards judged other executions than the whole search (%d distinct vs %d)", n, len(parts.seen), len(whole.seen))
		}
	}

	// A failing search: the first failure among the shards is the whole
	// search's.
	cfg := explore.Config{Judge: lockOracle, Seed: 99, ShrinkTime: -1}
	first := explore.Run(buggyToy, cfg, explore.Budget{Executions: 20_000})
	if !first.Failed() {
		t.Fatal("no failure")
	}
	var lowest *explore.Result
	for k := 1; k <= 4; k++ {
		cfg.Shard = explore.Shard{K: k, N: 4}
		r := explore.Run(buggyToy, cfg, explore.Budget{Executions: 20_000})
		if r.Failed() && (lowest == nil || r.FoundProgram < lowest.FoundProgram) {
			lowest = &r
		}
	}
	if lowest == nil || lowest.FoundProgram != first.FoundProgram || lowest.FoundSeed != first.FoundSeed ||
		!reflect.DeepEqual(lowest.Found.Schedule, first.Found.Schedule) {
		t.Fatalf("the shards' first failure differs from the whole search's (program %d)", first.FoundProgram)
	}
}

// BenchmarkSearchWorkers measures Run's search of the built-in Condition
// (generated programs, the default mix of strategies, every execution
// judged, nothing found) with 1, 2, 4 and 8 workers, at Go's default
// garbage collection target (gogc=100) and at checkcli's (gogc=400):
// executions/s is the whole search's rate; with N cores, the N-worker rate
// over the 1-worker rate is the parallel speedup.
//
//	go test -run '^$' -bench SearchWorkers -benchtime 30000x ./check/internal/explore/
func BenchmarkSearchWorkers(b *testing.B) {
	target := builtin(b, model.Condition)
	for _, gc := range []int{100, 400} {
		for _, w := range []int{1, 2, 4, 8} {
			b.Run(fmt.Sprintf("gogc=%d/workers=%d", gc, w), func(b *testing.B) {
				defer debug.SetGCPercent(debug.SetGCPercent(gc))
				searchWorkers(b, target, w)
			})
		}
	}
}

func searchWorkers(b *testing.B, target harness.Target, w int) {
	cfg := explore.Config{Seed: 1, Workers: w}
	b.ResetTimer()
	res := explore.Run(target, cfg, explore.Budget{Executions: b.N})
	if res.Failed() {
		b.Fatalf("false alarm: %s", &res)
	}
	b.ReportMetric(float64(res.Schedules)/b.Elapsed().Seconds(), "executions/s")
}

// panickyJudge panics on the 50th execution it judges.
type panickyJudge struct{ n atomic.Int64 }

func (p *panickyJudge) judge(in judge.Input, o judge.Options) []judge.Verdict {
	if p.n.Add(1) == 50 {
		panic("judge bug")
	}
	return judge.Judge(in, o)
}

// TestParallelPanicReachesCaller: a panic in a worker (a bug of the
// checker's) is raised on Run's goroutine, as with one worker, not in a
// goroutine where it would kill the process.
func TestParallelPanicReachesCaller(t *testing.T) {
	defer func() {
		if r := recover(); r != "judge bug" {
			t.Fatalf("recovered %v, want the judge's panic", r)
		}
	}()
	pj := &panickyJudge{}
	explore.Run(builtin(t, model.Lock), explore.Config{Seed: 1, Workers: 4, Judge: pj.judge}, explore.Budget{Executions: 1000})
	t.Fatal("no panic")
}

// countingJudge counts the executions it judges.
type countingJudge struct{ n atomic.Int64 }

func (c *countingJudge) judge(in judge.Input, o judge.Options) []judge.Verdict {
	c.n.Add(1)
	return judge.Judge(in, o)
}

// TestParallelStopsAtBudget: workers exploring programs ahead stop a
// program once it can no longer fit in the budget, so a search whose
// programs have many schedules (Exhaustive, up to 100,000 each) judges
// little more than its budget with several workers, not whole programs.
func TestParallelStopsAtBudget(t *testing.T) {
	const budget = 200
	for _, w := range []int{1, 2, 4} {
		c := &countingJudge{}
		cfg := explore.Config{Seed: 7, Workers: w, Judge: c.judge, Strategy: explore.Exhaustive(2, 0)}
		r := explore.Run(builtin(t, model.Semaphore), cfg, explore.Budget{Executions: budget})
		if r.Failed() || r.Schedules != budget {
			t.Fatalf("%d workers: %s", w, counts(&r))
		}
		// Workers may judge ahead what the budget will not count, but
		// a few budgets' worth, not whole programs (44,359 for 2 workers
		// before they stopped at the budget).
		t.Logf("%d workers judged %d executions for a budget of %d", w, c.n.Load(), budget)
		if n := c.n.Load(); n > 10*budget {
			t.Errorf("%d workers judged %d executions for a budget of %d", w, n, budget)
		}
	}
}
