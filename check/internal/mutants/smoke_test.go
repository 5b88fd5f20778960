package mutants_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// The smoke test runs small programs under scheduler.Random with a crude
// oracle, before any judge exists: a run is flagged when the scheduler
// reports a panic, a deadlock on a mutex, a step bound or a misuse; when it
// ends quiescent with a task parked (every program here finishes on a
// correct implementation, which the test asserts); or when the history shows
// too many holders, a holder's release refused, or more releases than
// acquisitions of a BoundedSemaphore. It reports which mutants this oracle
// already kills; only the correct targets are asserted.
//
// Two kinds of programs: op lists run by harness.RunProgram (which has no
// cancels), and Go closures run by runSmoke, where a task acts on its
// results (it releases only what it holds) and each cancel is a canceller
// task that fires at a point the random strategy picks.

// smokeTask is one task: body makes its calls through do.
type smokeTask struct {
	name string
	body func(do func(model.Op) model.Result)
}

type smokeProgram struct {
	name   string
	prim   model.Primitive
	params model.Params
	tasks  []smokeTask
	cancel []string // tasks with a canceller each
}

type smokeEvent struct {
	task string
	op   model.Op
	call bool // a call; otherwise its return, with res
	res  model.Result
}

// worker acquires and releases, rounds times, stopping at a failed acquire.
func worker(name string, rounds int) smokeTask {
	return smokeTask{name, func(do func(model.Op) model.Result) {
		for range rounds {
			if do(opAcquire).Err != model.OK {
				return
			}
			do(opRelease)
		}
	}}
}

// tryer releases what its tryacquire takes.
func tryer(name string) smokeTask {
	return smokeTask{name, func(do func(model.Op) model.Result) {
		if do(model.Op{Kind: model.TryAcquire}).Bool {
			do(opRelease)
		}
	}}
}

// calls makes the given calls in order, whatever they return.
func calls(name string, ops ...model.Op) smokeTask {
	return smokeTask{name, func(do func(model.Op) model.Result) {
		for _, op := range ops {
			do(op)
		}
	}}
}

// condWaiter waits until the shared counter is >= 1, holding the lock.
func condWaiter(name string) smokeTask {
	return smokeTask{name, func(do func(model.Op) model.Result) {
		if do(opAcquire).Err != model.OK {
			return
		}
		do(model.Op{Kind: model.WaitFor, Arg: 1}) // returns with the lock, ok or cancelled (G7)
		do(opRelease)
	}}
}

var smokePrograms = []smokeProgram{
	{name: "lock", prim: model.Lock, tasks: []smokeTask{worker("A", 2), worker("B", 2), worker("C", 1), tryer("T")}, cancel: []string{"B"}},
	{name: "event", prim: model.Event, tasks: []smokeTask{calls("W1", opWait), calls("W2", opWait), calls("S", opSet)}, cancel: []string{"W1"}},
	{name: "event-pulse", prim: model.Event, tasks: []smokeTask{calls("W1", opWait), calls("W2", opWait), calls("S", opSet, model.Op{Kind: model.Clear}, opSet)}, cancel: []string{"W2"}},
	{name: "condition", prim: model.Condition, tasks: []smokeTask{
		condWaiter("W1"), condWaiter("W2"),
		calls("N", opAcquire, model.Op{Kind: model.Add, Arg: 1}, opNotify1, opNotify1, opRelease),
	}, cancel: []string{"W1"}},
	{name: "semaphore-1", prim: model.Semaphore, params: model.Params{"value": 1}, tasks: []smokeTask{worker("A", 2), worker("B", 2), worker("C", 1), tryer("T")}, cancel: []string{"B"}},
	{name: "semaphore-0", prim: model.Semaphore, params: model.Params{"value": 0}, tasks: []smokeTask{worker("W1", 1), worker("W2", 1), calls("R", opRelease)}, cancel: []string{"W1"}},
	{name: "bounded-1", prim: model.BoundedSemaphore, params: model.Params{"value": 1}, tasks: []smokeTask{worker("A", 2), worker("B", 2), calls("R", opRelease)}, cancel: []string{"B"}},
}

// listPrograms are run by harness.RunProgram: fixed calls, no cancels.
var listPrograms = []struct {
	name   string
	prim   model.Primitive
	params model.Params
	tasks  []scenario.Task
}{
	{"lock-list", model.Lock, model.Params{}, []scenario.Task{
		{Name: "A", Ops: []model.Op{opAcquire, opRelease, opAcquire, opRelease}},
		{Name: "B", Ops: []model.Op{opAcquire, opRelease, opAcquire, opRelease}},
		{Name: "C", Ops: []model.Op{opAcquire, opRelease}},
	}},
	{"event-list", model.Event, model.Params{}, []scenario.Task{
		{Name: "W1", Ops: []model.Op{opWait}}, {Name: "W2", Ops: []model.Op{opWait}}, {Name: "S", Ops: []model.Op{opSet}},
	}},
	{"condition-list", model.Condition, model.Params{}, []scenario.Task{
		{Name: "W1", Ops: []model.Op{opAcquire, {Kind: model.WaitFor, Arg: 1}, opRelease}},
		{Name: "W2", Ops: []model.Op{opAcquire, {Kind: model.WaitFor, Arg: 1}, opRelease}},
		{Name: "N", Ops: []model.Op{opAcquire, {Kind: model.Add, Arg: 1}, opNotify1, opNotify1, opRelease}},
	}},
	{"semaphore-list", model.Semaphore, model.Params{"value": 1}, []scenario.Task{
		{Name: "A", Ops: []model.Op{opAcquire, opRelease, opAcquire, opRelease}},
		{Name: "B", Ops: []model.Op{opAcquire, opRelease, opAcquire, opRelease}},
		{Name: "C", Ops: []model.Op{opAcquire, opRelease}},
	}},
	{"bounded-list", model.BoundedSemaphore, model.Params{"value": 1}, []scenario.Task{
		{Name: "A", Ops: []model.Op{opAcquire, opRelease, opAcquire, opRelease}},
		{Name: "B", Ops: []model.Op{opAcquire, opRelease, opAcquire, opRelease}},
	}},
}

// runList runs a list program through harness.RunProgram and returns the
// symptom it shows, "" if none.
func runList(i int, target *harness.Target, seed uint64) string {
	lp := listPrograms[i]
	ex := harness.RunProgram(lp.tasks, lp.params, target, scheduler.Uniform(scheduler.NewPCG(seed)), 10_000)
	switch ex.Outcome.Ending {
	case scheduler.AllDone:
	case scheduler.Quiescent:
		var names []string
		for _, id := range ex.Outcome.Parked {
			names = append(names, lp.tasks[id].Name)
		}
		return "quiescent with " + strings.Join(names, ", ") + " parked"
	default:
		return ex.Outcome.Ending.String()
	}
	hist := make([]smokeEvent, len(ex.History))
	for j, e := range ex.History {
		hist[j] = smokeEvent{task: lp.tasks[e.Task].Name, op: e.Op, call: e.Kind == history.Call, res: e.Result}
	}
	return checkHistory(smokeProgram{prim: lp.prim, params: lp.params}, hist)
}

// runSmoke runs prog on target with the random strategy seeded with seed and
// returns the symptom it shows, "" if none.
func runSmoke(prog smokeProgram, target *harness.Target, seed uint64) string {
	s := scheduler.New()
	defer s.Close()
	inst := target.New(s, prog.params)
	var hist []smokeEvent
	cur := map[string]context.CancelFunc{}
	for _, tk := range prog.tasks {
		tk := tk
		s.Spawn(tk.name, func() {
			tk.body(func(op model.Op) model.Result {
				s.Yield(callPoint)
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if op.Blocking() {
					cur[tk.name] = cancel // only blocking calls are worth cancelling
				}
				hist = append(hist, smokeEvent{task: tk.name, op: op, call: true})
				res := inst.Do(ctx, op)
				delete(cur, tk.name)
				hist = append(hist, smokeEvent{task: tk.name, op: op, res: res})
				return res
			})
		})
	}
	for _, victim := range prog.cancel {
		victim := victim
		s.Spawn("cancel-"+victim, func() {
			for range 8 {
				s.Yield("cancel")
				if c := cur[victim]; c != nil {
					c()
					return
				}
			}
		})
	}
	out := s.Run(scheduler.Uniform(scheduler.NewPCG(seed)), 10_000)
	switch out.Ending {
	case scheduler.AllDone:
	case scheduler.Quiescent:
		var names []string
		for _, id := range out.Parked {
			names = append(names, s.Name(id))
		}
		return "quiescent with " + strings.Join(names, ", ") + " parked"
	default:
		return out.Ending.String()
	}
	return checkHistory(prog, hist)
}

// checkHistory looks for safety symptoms in a history.
func checkHistory(prog smokeProgram, hist []smokeEvent) string {
	held := map[string]int{} // per task
	holders, okAcq, okRel := 0, 0, 0
	capacity := 1 // Lock, Condition
	if prog.prim == model.Semaphore || prog.prim == model.BoundedSemaphore {
		capacity = prog.params["value"]
	}
	for _, e := range hist {
		k := e.op.Kind
		switch {
		case e.call && k == model.Wait, e.call && k == model.WaitFor:
			held[e.task]-- // Wait releases the lock...
			holders--
		case e.call:
		case k == model.WaitFor, k == model.Wait:
			held[e.task]++ // ... and returns holding it, ok or cancelled
			holders++
		case k == model.Acquire && e.res.Err == model.OK, k == model.TryAcquire && e.res.Bool:
			held[e.task]++
			holders++
			okAcq++
		case k == model.Release:
			switch {
			case e.res.Err == model.OK && held[e.task] > 0:
				held[e.task]--
				holders--
				okRel++
			case e.res.Err == model.OK && prog.prim == model.Semaphore:
				capacity++ // a donor's release adds a permit
			case e.res.Err == model.OK:
				okRel++ // a BoundedSemaphore's misuse that succeeded
			case prog.prim != model.BoundedSemaphore:
				return fmt.Sprintf("%s's release of what it holds returned %s", e.task, e.res.Err)
			}
			if prog.prim == model.BoundedSemaphore && okRel > okAcq {
				return fmt.Sprintf("%d releases accepted for %d acquisitions", okRel, okAcq)
			}
		}
		if prog.prim != model.BoundedSemaphore && holders > capacity {
			return fmt.Sprintf("%d holders of %d", holders, capacity)
		}
	}
	return ""
}

func TestRandomSmoke(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() {
		seeds = 50
	}
	type kill struct {
		seed    uint64
		symptom string
	}
	// Every run of one program on one target: name, primitive, run.
	type program struct {
		name string
		prim model.Primitive
		run  func(*harness.Target, uint64) string
	}
	var progs []program
	for i, lp := range listPrograms {
		progs = append(progs, program{lp.name, lp.prim, func(tg *harness.Target, seed uint64) string { return runList(i, tg, seed) }})
	}
	for _, sp := range smokePrograms {
		progs = append(progs, program{sp.name, sp.prim, func(tg *harness.Target, seed uint64) string { return runSmoke(sp, tg, seed) }})
	}
	for _, prog := range progs {
		// The correct targets never show a symptom: the oracle is sound
		// on these programs.
		for _, tg := range []*harness.Target{builtin(t, prog.prim), base(t, prog.prim)} {
			for seed := range seeds {
				if sym := prog.run(tg, seed); sym != "" {
					t.Fatalf("program %s, seed %d: %s shows %s", prog.name, seed, tg.Name, sym)
				}
			}
		}
	}
	var lines []string
	killed := 0
	for _, m := range mutants.All() {
		var first *kill
		runs, kills := 0, 0
		for _, prog := range progs {
			if prog.prim != m.Primitive {
				continue
			}
			for seed := range seeds {
				runs++
				if sym := prog.run(&m.Target, seed); sym != "" {
					kills++
					if first == nil {
						first = &kill{seed, prog.name + ": " + sym}
					}
				}
			}
		}
		if first == nil {
			lines = append(lines, fmt.Sprintf("%-28s %s  survives %d runs", m.Name, m.Class, runs))
			continue
		}
		killed++
		lines = append(lines, fmt.Sprintf("%-28s %s  killed in %d/%d runs; first: seed %d, %s", m.Name, m.Class, kills, runs, first.seed, first.symptom))
	}
	t.Logf("random smoke (%d seeds per program): %d of %d mutants killed by the crude oracle\n%s",
		seeds, killed, len(mutants.All()), strings.Join(lines, "\n"))
}
