package mutants_test

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// TestMinimality checks, by brute force over whole-step scenarios, that no
// scenario smaller than a mutant's stated minimal one, in the order (tasks,
// ops, preemptions), kills it, within an op alphabet and bounds (below).
// For class F mutants it checks that no whole-step scenario within the
// bounds kills them at all. It takes minutes: set SYNCHECK_MINIMALITY=1.
//
// Every scenario is a program (each task a list of ops from the alphabet)
// and a schedule: any sequence of steps (a task's call or resume, "sees
// grant" for a task cancelled in flight, a cancel of a task in flight) that
// the model accepts. Each prefix is a complete scenario (the end check
// catches a lost wakeup); the mutant is killed when the implementation side
// of RunSpec fails.
func TestMinimality(t *testing.T) {
	if os.Getenv("SYNCHECK_MINIMALITY") == "" {
		t.Skip("set SYNCHECK_MINIMALITY=1 to run the brute-force minimality check (minutes)")
	}
	only := os.Getenv("SYNCHECK_MUTANT")
	for _, m := range mutants.All() {
		if only != "" && m.Name != only {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			start := time.Now()
			e := &enumerator{m: m, alphabet: alphabets[m.Primitive], values: values(m)}
			claim := m.Minimal
			maxTasks := min(claim.Tasks, 3)
			if m.Class == mutants.ClassF {
				maxTasks = 2
			}
			var levels []string
			for tasks := 1; tasks <= maxTasks; tasks++ {
				maxOps := opBound[m.Primitive][tasks]
				if tasks == claim.Tasks && m.Class != mutants.ClassF {
					maxOps = min(maxOps, claim.Ops-1) // the levels below the claim's
				}
				for ops := tasks; ops <= maxOps; ops++ {
					levels = append(levels, fmt.Sprintf("%d/%d", tasks, ops))
					if k := e.search(tasks, ops, -1); k != nil {
						t.Fatalf("killed at %d tasks / %d ops / %d preemptions, below the stated %v:\n%s", tasks, ops, k.preemptions, claim, k.text)
					}
				}
			}
			if m.Class != mutants.ClassF && claim.Preemptions > 0 {
				levels = append(levels, fmt.Sprintf("%d/%d with < %d preemptions", claim.Tasks, claim.Ops, claim.Preemptions))
				if k := e.search(claim.Tasks, claim.Ops, claim.Preemptions-1); k != nil {
					t.Fatalf("killed with %d preemptions, below the stated %v:\n%s", k.preemptions, claim, k.text)
				}
			}
			t.Logf("no whole-step kill at tasks/ops %s (%d scenarios, %s); stated minimal %v",
				strings.Join(levels, " "), e.runs, time.Since(start).Round(time.Millisecond), claim)
		})
	}
}

// The op alphabets: every op of the primitive, with the arguments that
// matter at this size, and the done-context variants of the blocking ones.
var alphabets = map[model.Primitive][]model.Op{
	model.Lock: {
		{Kind: model.Acquire}, {Kind: model.Acquire, CtxDone: true}, {Kind: model.TryAcquire},
		{Kind: model.Release}, {Kind: model.Locked},
	},
	model.Event: {
		{Kind: model.Wait}, {Kind: model.Wait, CtxDone: true}, {Kind: model.Set},
		{Kind: model.Clear}, {Kind: model.IsSet},
	},
	model.Condition: {
		{Kind: model.Acquire}, {Kind: model.Release}, {Kind: model.Wait},
		{Kind: model.Notify, Arg: 1}, {Kind: model.NotifyAll}, {Kind: model.Locked},
		{Kind: model.Wait, CtxDone: true},
	},
	model.Semaphore: {
		{Kind: model.Acquire}, {Kind: model.Acquire, CtxDone: true}, {Kind: model.TryAcquire},
		{Kind: model.Release}, {Kind: model.Locked}, {Kind: model.Value},
	},
	model.BoundedSemaphore: {
		{Kind: model.Acquire}, {Kind: model.Acquire, CtxDone: true}, {Kind: model.TryAcquire},
		{Kind: model.Release}, {Kind: model.Locked}, {Kind: model.Value},
	},
	model.Barrier: {
		{Kind: model.Wait}, {Kind: model.Wait, CtxDone: true}, {Kind: model.Reset},
		{Kind: model.Abort}, {Kind: model.Broken}, {Kind: model.NWaiting},
	},
}

// opBound[p][tasks] is the most ops searched with that many tasks (below a
// class S or W mutant's stated size, and for class F mutants).
var opBound = map[model.Primitive]map[int]int{
	model.Lock:             {1: 5, 2: 4, 3: 4},
	model.Event:            {1: 5, 2: 4, 3: 4},
	model.Condition:        {1: 4, 2: 4, 3: 4},
	model.Semaphore:        {1: 5, 2: 4, 3: 4},
	model.BoundedSemaphore: {1: 5, 2: 4, 3: 4},
	model.Barrier:          {1: 5, 2: 4, 3: 4},
}

// values are the semaphore values (a barrier's parties) searched.
func values(m mutants.Mutant) []int {
	switch m.Primitive {
	case model.Semaphore, model.BoundedSemaphore:
		return []int{0, 1, 2}
	case model.Barrier:
		return []int{1, 2, 3}
	}
	return []int{0}
}

// params are the parameters of a searched scenario with value v.
func params(p model.Primitive, v int) model.Params {
	if p == model.Barrier {
		return model.Params{"parties": v}
	}
	return model.Params{"value": v, "conditions": 1}
}

type enumerator struct {
	m        mutants.Mutant
	alphabet []model.Op
	values   []int
	runs     int
	best     *found
	maxPre   int
}

type found struct {
	preemptions int
	text        string
}

// search returns the kill with fewest preemptions among every program of
// exactly tasks tasks and ops ops, nil if none; with maxPre >= 0, only
// schedules of at most maxPre preemptions are searched.
func (e *enumerator) search(tasks, ops, maxPre int) *found {
	e.best, e.maxPre = nil, maxPre
	for _, v := range e.values {
		for _, prog := range programs(e.alphabet, tasks, ops) {
			sc := &scenario.Scenario{File: "enum", Primitive: e.m.Primitive, Dialect: model.Go,
				Params: params(e.m.Primitive, v), Tasks: prog}
			e.dfs(sc, make([]dfsTask, tasks))
			if e.best != nil && e.best.preemptions == 0 {
				return e.best
			}
		}
	}
	return e.best
}

// dfsTask is where a task stands after the steps so far.
type dfsTask struct {
	returned  int  // calls returned
	inFlight  bool // a call is in flight (its last step blocked)
	cancelled bool // its call in flight was cancelled
}

func (e *enumerator) dfs(sc *scenario.Scenario, st []dfsTask) {
	for ti, tk := range sc.Tasks {
		s := st[ti]
		var steps []scenario.Step
		if s.inFlight || s.returned < len(tk.Ops) {
			op := tk.Ops[s.returned]
			steps = append(steps, scenario.Step{Kind: scenario.Run, Task: ti, Op: op})
			if s.cancelled {
				steps = append(steps, scenario.Step{Kind: scenario.Run, Task: ti, Op: op, Sees: scenario.SeesGrant})
			}
		}
		if s.inFlight && !s.cancelled {
			steps = append(steps, scenario.Step{Kind: scenario.Cancel, Task: ti})
		}
		for _, step := range steps {
			next := *sc
			next.Steps = append(slices.Clip(sc.Steps), step)
			e.runs++
			r := harness.RunSpec(&next, &e.m.Target)
			switch classify(r) {
			case invalid:
				continue
			case killed:
				p := scenarioSize(&next, r).Preemptions
				if e.maxPre >= 0 && p > e.maxPre {
					continue
				}
				if e.best == nil || p < e.best.preemptions {
					e.best = &found{p, next.String()}
				}
				continue
			}
			p := scenarioSize(&next, r).Preemptions
			if e.best != nil && p >= e.best.preemptions || e.maxPre >= 0 && p > e.maxPre {
				continue // extensions cannot beat the best kill, or are over the bound
			}
			ns := slices.Clone(st)
			t := &ns[step.Task]
			if step.Kind == scenario.Cancel {
				t.cancelled = true
			} else if impl := r.Steps[len(r.Steps)-1].Impl; impl != nil && impl.Kind == scenario.ExpectBlocks {
				t.inFlight = true
			} else {
				t.returned++
				t.inFlight, t.cancelled = false, false
			}
			e.dfs(&next, ns)
		}
	}
}

const (
	passed = iota
	invalid
	killed
)

// classify tells a scenario the model rejects (a step that cannot be
// taken) from one the mutant fails.
func classify(r *harness.SpecResult) int {
	if !r.Failed() {
		return passed
	}
	for _, s := range []string{"cannot take a step", "has made all its calls", "step names", "the model allows no outcome"} {
		if strings.Contains(r.Failure, s) {
			return invalid
		}
	}
	return killed
}

// programs lists every program of exactly tasks tasks, each with at least
// one op, and ops ops in all, up to the order of the tasks.
func programs(alphabet []model.Op, tasks, ops int) [][]scenario.Task {
	var seqs func(n int) [][]model.Op
	seqs = func(n int) [][]model.Op {
		if n == 0 {
			return [][]model.Op{nil}
		}
		var out [][]model.Op
		for _, rest := range seqs(n - 1) {
			for _, op := range alphabet {
				out = append(out, append([]model.Op{op}, rest...))
			}
		}
		return out
	}
	key := func(ops []model.Op) string { return fmt.Sprint(ops) }
	var out [][]scenario.Task
	var rec func(left, tasksLeft int, minLen int, minKey string, acc []scenario.Task)
	rec = func(left, tasksLeft int, minLen int, minKey string, acc []scenario.Task) {
		if tasksLeft == 0 {
			if left == 0 {
				out = append(out, slices.Clone(acc))
			}
			return
		}
		for n := minLen; n <= left-(tasksLeft-1); n++ {
			for _, s := range seqs(n) {
				k := key(s)
				if n == minLen && k < minKey {
					continue // tasks in canonical order: (length, ops)
				}
				name := string(rune('A' + len(acc)))
				rec(left-n, tasksLeft-1, n, k, append(acc, scenario.Task{Name: name, Ops: s}))
			}
		}
	}
	rec(ops, tasks, 1, "", nil)
	return out
}
