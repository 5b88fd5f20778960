package explore

import (
	"fmt"
	"strings"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Scenario writes the counterexample in the scenario language (specs/README):
// its program, and its schedule as whole steps (a task runs until its call
// returns or it parks; cancel T), each with the outcome observed, so that it
// can be saved to the corpus and replayed by harness.RunSpec. A task that
// was switched away from right at the start of a call, at the first
// scheduling point inside it (its primitive's mutex) with nothing done yet,
// is taken to start that call when it goes on. Scenario fails when the
// schedule is finer than whole steps otherwise: another task or a cancel
// comes between two scheduling points of one call (a class F
// counterexample), which the language cannot express; print the Schedule
// then (ScenarioText does).
func (c *Counterexample) Scenario() (*scenario.Scenario, error) {
	prog := &c.Program
	sc := prog.Scenario()
	sc.Comment = []string{fmt.Sprintf("%s: %s", c.Property, c.Message)}
	n := len(prog.Tasks)
	started := make([]int, n)  // calls started
	returned := make([]int, n) // calls returned
	results := make([][]model.Result, n)
	for _, h := range c.History {
		if h.Kind == history.Return {
			results[h.Task] = append(results[h.Task], h.Result)
		}
	}
	// Per task, the step in progress (a call, or a parked call resuming),
	// and how many actions it has taken; cur is the task running its step,
	// the others' steps in progress are deferred (switched away from at
	// their first scheduling point).
	steps := make([]*scenario.Step, n)
	taken := make([]int, n)
	resume := make([]bool, n) // the step resumed a parked call
	seen := make([]scheduler.Seen, n)
	cur := -1
	name := func(t int) string { return prog.Tasks[t].Name }
	// points[t] are the scheduling points t's open step reached since its
	// last emitted part; deferredAt[t] is where in sc.Steps a step set
	// aside at its first point belongs (-1: none).
	points := make([][]string, n)
	deferredAt := make([]int, n)
	for t := range deferredAt {
		deferredAt[t] = -1
	}
	var lastEv scheduler.Event
	// emitPartial writes t's open step, inside its call, as partial steps
	// (@ POINT) at position at of sc.Steps: one step if the point it stands
	// at was reached once in this part, else one per scheduling step, so
	// that the replay stops exactly where the run did.
	emitPartial := func(t, at int) {
		st := *steps[t]
		pts := points[t]
		last := pts[len(pts)-1]
		n := 0
		for _, p := range pts {
			if p == last {
				n++
			}
		}
		if n > 1 {
			// One step per scheduling step.
		} else {
			pts = pts[len(pts)-1:]
		}
		var part []scenario.Step
		for i, p := range pts {
			ps := scenario.Step{Kind: scenario.Run, Task: t, Op: st.Op, Point: p}
			if i == 0 {
				switch seen[t] {
				case scheduler.SeenGrant:
					ps.Sees = scenario.SeesGrant
				case scheduler.SeenCancel:
					ps.Sees = scenario.SeesCancel
				}
			}
			part = append(part, ps)
		}
		sc.Steps = append(sc.Steps[:at], append(part, sc.Steps[at:]...)...)
		points[t], taken[t], seen[t] = nil, 0, scheduler.SeenNothing
	}
	// deferCur sets aside cur's step: one that took one action, from the
	// call point to the primitive's mutex, is taken to start its call when
	// it goes on; any other is written as partial steps.
	deferCur := func() {
		if cur < 0 {
			return
		}
		if taken[cur] == 1 && lastEv.From == harness.CallPoint && lastEv.Kind == scheduler.AtLock && deferredAt[cur] < 0 {
			deferredAt[cur] = len(sc.Steps)
		} else {
			emitPartial(cur, len(sc.Steps))
		}
		cur = -1
	}
	ti := 0
	for i, a := range c.Schedule {
		if a.Kind == DeliverCancel {
			k := prog.Cancels[a.Cancel]
			deferCur()
			if started[k.Task] == k.Call+1 && returned[k.Task] == k.Call {
				if at := deferredAt[k.Task]; at >= 0 && steps[k.Task] != nil {
					// Its call was set aside at its first point: in whole
					// steps it has not started, and the cancel would be
					// lost: write that first step, where it was taken.
					emitPartial(k.Task, at)
					deferredAt[k.Task] = -1
				}
				sc.Steps = append(sc.Steps, scenario.Step{Kind: scenario.Cancel, Task: k.Task})
			}
			continue
		}
		if ti >= len(c.Trace) {
			return nil, fmt.Errorf("the trace is shorter than the schedule")
		}
		ev := c.Trace[ti]
		ti++
		t := a.Task
		if ev.From == "start" && ev.Kind == scheduler.AtYield && ev.Point == harness.CallPoint {
			continue // the task reaches its first call: nothing observable
		}
		if cur >= 0 && cur != t {
			deferCur()
		}
		if steps[t] == nil {
			// A step begins: a call, or a parked call resuming.
			op := model.Op{}
			switch ev.From {
			case harness.CallPoint:
				if started[t] >= len(prog.Tasks[t].Ops) {
					return nil, fmt.Errorf("action %d: %s has no call left", i+1, name(t))
				}
				started[t]++
				op = prog.Tasks[t].Ops[started[t]-1]
			case "park":
				op = prog.Tasks[t].Ops[started[t]-1]
			default:
				return nil, fmt.Errorf("action %d: %s resumes inside a call, at %s", i+1, name(t), ev.From)
			}
			steps[t] = &scenario.Step{Kind: scenario.Run, Task: t, Op: op}
			resume[t] = ev.From == "park"
			taken[t], seen[t] = 0, scheduler.SeenNothing
		}
		cur = t
		taken[t]++
		points[t] = append(points[t], ev.Point)
		lastEv = ev
		if ev.Window {
			// Both the grant and the cancel were there: which one the
			// task saw is the step's "sees" (one per step).
			if seen[t] != scheduler.SeenNothing && seen[t] != ev.Seen {
				return nil, fmt.Errorf("action %d: %s sees a grant and a cancel in one step", i+1, name(t))
			}
			seen[t] = ev.Seen
		}
		st := steps[t]
		switch {
		case ev.Kind == scheduler.AtDone || (ev.Kind == scheduler.AtYield && ev.Point == harness.CallPoint):
			r := model.Result{}
			if returned[t] < len(results[t]) {
				r = results[t][returned[t]]
			}
			returned[t]++
			st.Expect = []scenario.Expect{scenario.Outcome(st.Op, true, r)}
		case ev.Kind == scheduler.AtPark && ev.State == scheduler.Parked:
			st.Expect = []scenario.Expect{{Kind: scenario.ExpectBlocks}}
		case ev.Kind == scheduler.AtPanic || ev.Kind == scheduler.AtAbort:
			return nil, fmt.Errorf("action %d: %s ends in %s", i+1, name(t), ev.Kind)
		default:
			continue // inside the call still (or parked and free to go on)
		}
		switch seen[t] {
		case scheduler.SeenGrant:
			st.Sees = scenario.SeesGrant
		case scheduler.SeenCancel:
			st.Sees = scenario.SeesCancel
		}
		sc.Steps = append(sc.Steps, *st)
		steps[t], cur = nil, -1
		points[t], deferredAt[t] = nil, -1
	}
	for t, st := range steps {
		if st != nil && len(points[t]) > 0 && (resume[t] || taken[t] > 1) {
			emitPartial(t, len(sc.Steps)) // the run ended inside t's call
		}
	}
	return sc, nil
}

// ScenarioText is Scenario printed, or, when the schedule is finer than
// whole steps, the program followed by the schedule as comments.
func (c *Counterexample) ScenarioText() string {
	if sc, err := c.Scenario(); err == nil {
		return string(scenario.Print(sc))
	}
	var b strings.Builder
	b.WriteString(c.Program.String())
	b.WriteString("# schedule (finer than whole steps):\n")
	for _, line := range strings.Split(strings.TrimRight(c.Execution().String(), "\n"), "\n") {
		b.WriteString("#   ")
		b.WriteString(line)
		b.WriteString("\n")
	}
	return b.String()
}
