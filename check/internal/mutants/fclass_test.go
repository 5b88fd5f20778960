package mutants_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// The class F counterexamples: a preemption inside a call, at a mutant's
// named point, that whole-step scenarios cannot express. Each is written as
// a schedule of "run task T to point P" moves on the controlled scheduler;
// the same moves on the built-in implementation and on the base, which have
// no such point (a move then runs to the park or to the call's return),
// must show no symptom.

// callPoint is the point a task stands at before each call (as the
// harness's tasks do).
const callPoint = "call"

// fTask is one task of a class F program.
type fTask struct {
	name string
	ops  []model.Op
}

// fMove runs task until its call returns, it parks with nothing to wake it,
// or it reaches the named point (point "" : no such stop).
type fMove struct {
	task  string
	point string
}

// fRun is one run of a class F program on a target.
type fRun struct {
	t       *testing.T
	s       *scheduler.Scheduler
	inst    harness.Instance
	ids     map[string]scheduler.TaskID
	results map[string][]model.Result
}

func newFRun(t *testing.T, target *harness.Target, p model.Params, tasks []fTask) *fRun {
	r := &fRun{t: t, s: scheduler.New(), ids: map[string]scheduler.TaskID{}, results: map[string][]model.Result{}}
	r.inst = target.New(r.s, p)
	for _, tk := range tasks {
		tk := tk
		r.ids[tk.name] = r.s.Spawn(tk.name, func() {
			for _, op := range tk.ops {
				r.s.Yield(callPoint)
				r.results[tk.name] = append(r.results[tk.name], r.inst.Do(context.Background(), op))
			}
		})
	}
	return r
}

func (r *fRun) move(m fMove) {
	r.t.Helper()
	id := r.ids[m.task]
	if r.s.Task(id).State == scheduler.Done {
		// Only on a correct target, whose call has no stop point of the
		// mutant's (a fast path that ran through): nothing left to run.
		return
	}
	if r.s.Task(id).Kind == scheduler.AtStart {
		r.s.Step(scheduler.Choice{Task: id}) // to the point before its first call
	}
	for {
		c, ok := r.s.ChoiceFor(id, false)
		if !ok {
			info := r.s.Task(id)
			if info.State != scheduler.Parked {
				r.t.Fatalf("move %v: %s is %s at %q", m, m.task, info.State, info.Point)
			}
			return // parked with nothing to wake it
		}
		ev := r.s.Step(c)
		switch {
		case ev.State == scheduler.Panicked:
			r.t.Fatalf("move %v: %s", m, r.s.Report())
		case ev.Kind == scheduler.AtDone, ev.Kind == scheduler.AtYield && ev.Point == callPoint:
			return // the call returned
		case ev.Kind == scheduler.AtYield && m.point != "" && ev.Point == m.point:
			return
		case ev.State == scheduler.Parked:
			return
		}
	}
}

// parked lists the tasks parked with nothing to wake them, by name.
func (r *fRun) parked() []string {
	var ps []string
	for name, id := range r.ids {
		if r.s.Task(id).State == scheduler.Parked {
			ps = append(ps, name)
		}
	}
	slices.Sort(ps)
	return ps
}

// query makes a call from the driver, between steps (no task holds the
// primitive's mutex at a quiescent point).
func (r *fRun) query(op model.Op) model.Result {
	return r.inst.Do(context.Background(), op)
}

// preemptions counts the switches away from a task that could have gone
// on: a step of another task right after a step that left its task Ready.
func preemptions(trace []scheduler.Event) int {
	n := 0
	for i := 1; i < len(trace); i++ {
		if trace[i].Task != trace[i-1].Task && trace[i-1].State == scheduler.Ready {
			n++
		}
	}
	return n
}

// fCase is the class F counterexample of one mutant.
type fCase struct {
	params model.Params
	tasks  []fTask
	moves  []fMove
	// buggy asserts the mutant's symptom, ok that the correct targets have
	// none; both run after the last move.
	buggy, ok func(r *fRun) error
}

var (
	opAcquire = model.Op{Kind: model.Acquire}
	opRelease = model.Op{Kind: model.Release}
	opWait    = model.Op{Kind: model.Wait}
	opSet     = model.Op{Kind: model.Set}
	opNotify1 = model.Op{Kind: model.Notify, Arg: 1}
)

func expect(got, want any, what string) error {
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("%s: %v, want %v", what, got, want)
	}
	return nil
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

var fCases = map[string]fCase{
	// W's wait checks the flag (clear) and is preempted before it
	// registers; S sets the event, waking nobody; W registers and parks.
	"event-check-then-park": {
		tasks: []fTask{{"W", []model.Op{opWait}}, {"S", []model.Op{opSet}}},
		moves: []fMove{{"W", "event.wait.checked"}, {"S", ""}, {"W", ""}},
		buggy: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"W"}, "parked"),
				expect(r.query(model.Op{Kind: model.IsSet}).Bool, true, "isset"))
		},
		ok: func(r *fRun) error {
			return firstErr(
				expect(r.s.Report().Ending, scheduler.AllDone, "verdict"),
				expect(r.results["W"], []model.Result{{}}, "W's results"))
		},
	},
	// W's acquire finds no permit and is preempted before it queues; R's
	// release finds nobody to hand the permit to and frees it; W queues
	// and parks with the permit free.
	"sem-check-then-queue": {
		params: model.Params{"value": 0},
		tasks:  []fTask{{"W", []model.Op{opAcquire}}, {"R", []model.Op{opRelease}}},
		moves:  []fMove{{"W", "sem.acquire.full"}, {"R", ""}, {"W", ""}},
		buggy: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"W"}, "parked"),
				expect(r.query(model.Op{Kind: model.Value}).Int, 1, "value"))
		},
		ok: func(r *fRun) error {
			return firstErr(
				expect(r.s.Report().Ending, scheduler.AllDone, "verdict"),
				expect(r.results["W"], []model.Result{{}}, "W's results"),
				expect(r.query(model.Op{Kind: model.Value}).Int, 0, "value"))
		},
	},
	// H holds the lock and its release loads the word (locked, nobody
	// queued) and is preempted before its store; W's acquire sets the
	// queued bit and parks; H stores 0 over it.
	"lock-release-store-clears-queued": {
		tasks: []fTask{{"H", []model.Op{opAcquire, opRelease}}, {"W", []model.Op{opAcquire}}},
		moves: []fMove{{"H", ""}, {"H", "store"}, {"W", ""}, {"H", ""}},
		buggy: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"W"}, "parked"),
				expect(r.query(model.Op{Kind: model.Locked}).Bool, false, "locked"))
		},
		ok: func(r *fRun) error {
			return firstErr(
				expect(r.s.Report().Ending, scheduler.AllDone, "verdict"),
				expect(r.results["W"], []model.Result{{}}, "W's results"))
		},
	},
	// R's release loads the word (no permit, nobody queued) and is
	// preempted before its store; W's acquire sets the queued bit and
	// parks; R stores one permit and no queued bit.
	"sem-release-lost-update": {
		params: model.Params{"value": 0},
		tasks:  []fTask{{"R", []model.Op{opRelease}}, {"W", []model.Op{opAcquire}}},
		moves:  []fMove{{"R", "store"}, {"W", ""}, {"R", ""}},
		buggy: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"W"}, "parked"),
				expect(r.query(model.Op{Kind: model.Value}).Int, 1, "value"))
		},
		ok: func(r *fRun) error {
			return firstErr(
				expect(r.s.Report().Ending, scheduler.AllDone, "verdict"),
				expect(r.results["W"], []model.Result{{}}, "W's results"),
				expect(r.query(model.Op{Kind: model.Value}).Int, 0, "value"))
		},
	},
	// S's set loads the word (clear, nobody queued) and is preempted
	// before its store; W's wait sets the queued bit and parks; S stores
	// "set" over it, waking nobody.
	"event-set-store-loses-waiter": {
		tasks: []fTask{{"S", []model.Op{opSet}}, {"W", []model.Op{opWait}}},
		moves: []fMove{{"S", "store"}, {"W", ""}, {"S", ""}},
		buggy: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"W"}, "parked"),
				expect(r.query(model.Op{Kind: model.IsSet}).Bool, true, "isset"))
		},
		ok: func(r *fRun) error {
			return firstErr(
				expect(r.s.Report().Ending, scheduler.AllDone, "verdict"),
				expect(r.results["W"], []model.Result{{}}, "W's results"))
		},
	},
	// W's wait counts itself, releases the lock and is preempted before it
	// takes a permit; N acquires, notifies 1 (W) and waits: its wait takes
	// the permit meant for W and returns; W parks, notified but stranded.
	"cond-wait-ticket": {
		tasks: []fTask{
			{"W", []model.Op{opAcquire, opWait}},
			{"N", []model.Op{opAcquire, opNotify1, opWait}},
		},
		moves: []fMove{{"W", ""}, {"W", "cond.wait.counted"}, {"N", ""}, {"N", ""}, {"N", ""}, {"W", ""}},
		buggy: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"W"}, "parked"),
				expect(r.results["N"], []model.Result{{}, {}, {}}, "N's results"))
		},
		ok: func(r *fRun) error {
			return firstErr(
				expect(r.s.Quiescent(), true, "quiescent"),
				expect(r.parked(), []string{"N"}, "parked (N waits, never notified)"),
				expect(r.results["W"], []model.Result{{}, {}}, "W's results"))
		},
	},
}

func TestFClassKills(t *testing.T) {
	for _, m := range mutants.All() {
		if m.Class != mutants.ClassF {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			fc, ok := fCases[m.Name]
			if !ok {
				t.Fatal("no class F counterexample")
			}
			if !maps.Equal(fc.params, m.Params) {
				t.Errorf("counterexample params %+v, the mutant states %+v", fc.params, m.Params)
			}
			run := func(tg *harness.Target, check func(*fRun) error) []scheduler.Event {
				r := newFRun(t, tg, fc.params, fc.tasks)
				defer r.s.Close()
				for _, mv := range fc.moves {
					r.move(mv)
				}
				if err := check(r); err != nil {
					t.Errorf("%s: %v; %s", tg.Name, err, r.s.Report())
				}
				return r.s.Trace()
			}
			trace := run(&m.Target, fc.buggy)
			size := mutants.Size{Tasks: len(fc.tasks), Preemptions: preemptions(trace)}
			for _, tk := range fc.tasks {
				size.Ops += len(tk.ops)
			}
			if size != m.Minimal {
				t.Errorf("counterexample size %v, the mutant states %v", size, m.Minimal)
			}
			for _, tg := range []*harness.Target{builtin(t, m.Primitive), base(t, m.Primitive)} {
				run(tg, fc.ok)
			}
			// Replayed through harness.RunProgram with the recorded
			// choices, the run is the same.
			ex := harness.RunProgram(programOf(fc.tasks), fc.params, &m.Target, scheduler.Script(scheduler.Choices(trace)), len(trace))
			if ex.Outcome.Ending != scheduler.Quiescent || !slices.Equal(ex.Outcome.Parked, parkedIDs(trace)) {
				t.Errorf("replay through RunProgram: %s", ex.Outcome)
			}
		})
	}
}

// programOf is a class F program as harness tasks.
func programOf(tasks []fTask) []scenario.Task {
	st := make([]scenario.Task, len(tasks))
	for i, tk := range tasks {
		st[i] = scenario.Task{Name: tk.name, Ops: tk.ops}
	}
	return st
}

// parkedIDs lists the tasks whose last step left them parked.
func parkedIDs(trace []scheduler.Event) []scheduler.TaskID {
	last := map[scheduler.TaskID]scheduler.State{}
	for _, e := range trace {
		last[e.Task] = e.State
	}
	var ids []scheduler.TaskID
	for id, st := range last {
		if st == scheduler.Parked {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}
