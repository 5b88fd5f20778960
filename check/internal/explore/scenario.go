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
	w := newScenarioWriter(c)
	ti := 0
	for i, a := range c.Schedule {
		if w.ended {
			break
		}
		if a.Kind == DeliverCancel {
			w.cancel(a)
			continue
		}
		if ti >= len(c.Trace) {
			return nil, fmt.Errorf("the trace is shorter than the schedule")
		}
		ev := c.Trace[ti]
		ti++
		if err := w.step(i, a.Task, ev); err != nil {
			return nil, err
		}
	}
	for t, st := range w.steps {
		if st != nil && len(w.points[t]) > 0 && (w.resume[t] || w.taken[t] > 1) {
			w.emitPartial(t, len(w.sc.Steps)) // the run ended inside t's call
		}
	}
	return w.sc, nil
}

// scenarioWriter turns a counterexample's schedule into whole steps.
type scenarioWriter struct {
	prog     *Program
	sc       *scenario.Scenario
	started  []int // calls started, per task
	returned []int // calls returned, per task
	results  [][]model.Result
	// Per task, the step in progress (a call, or a parked call resuming),
	// and how many actions it has taken; cur is the task running its
	// step, the others' steps in progress are deferred (switched away from
	// at their first scheduling point).
	steps  []*scenario.Step
	taken  []int
	resume []bool // the step resumed a parked call
	seen   []scheduler.Seen
	cur    int
	// points[t] are the scheduling points t's open step reached since its
	// last emitted part; deferredAt[t] is where in sc.Steps a step set
	// aside at its first point belongs (-1: none).
	points     [][]string
	deferredAt []int
	lastEv     scheduler.Event
	ended      bool // a call panicked: nothing follows
}

func newScenarioWriter(c *Counterexample) *scenarioWriter {
	prog := &c.Program
	n := len(prog.Tasks)
	w := &scenarioWriter{
		prog: prog, sc: prog.Scenario(),
		started: make([]int, n), returned: make([]int, n), results: make([][]model.Result, n),
		steps: make([]*scenario.Step, n), taken: make([]int, n), resume: make([]bool, n),
		seen: make([]scheduler.Seen, n), cur: -1,
		points: make([][]string, n), deferredAt: make([]int, n),
	}
	w.sc.Comment = []string{fmt.Sprintf("%s: %s", c.Property, c.Message)}
	for _, h := range c.History {
		if h.Kind == history.Return {
			w.results[h.Task] = append(w.results[h.Task], h.Result)
		}
	}
	for t := range w.deferredAt {
		w.deferredAt[t] = -1
	}
	return w
}

func (w *scenarioWriter) name(t int) string { return w.prog.Tasks[t].Name }

// sees is what a step's "sees" says of what task t observed.
func (w *scenarioWriter) sees(t int) scenario.Sees {
	switch w.seen[t] {
	case scheduler.SeenGrant:
		return scenario.SeesGrant
	case scheduler.SeenCancel:
		return scenario.SeesCancel
	}
	return scenario.SeesDefault
}

// emitPartial writes t's open step, inside its call, as partial steps
// (@ POINT) at position at of sc.Steps: one step if the point it stands
// at was reached once in this part, else one per scheduling step, so
// that the replay stops exactly where the run did.
func (w *scenarioWriter) emitPartial(t, at int) {
	st := *w.steps[t]
	pts := w.points[t]
	last := pts[len(pts)-1]
	n := 0
	for _, p := range pts {
		if p == last {
			n++
		}
	}
	if n <= 1 {
		pts = pts[len(pts)-1:] // one step to the point it stands at
	}
	var part []scenario.Step
	for i, p := range pts {
		ps := scenario.Step{Kind: scenario.Run, Task: t, Op: st.Op, Point: p}
		if i == 0 {
			ps.Sees = w.sees(t)
		}
		part = append(part, ps)
	}
	w.sc.Steps = append(w.sc.Steps[:at], append(part, w.sc.Steps[at:]...)...)
	w.points[t], w.taken[t], w.seen[t] = nil, 0, scheduler.SeenNothing
}

// deferCur sets aside cur's step: one that took one action, from the call
// point to the primitive's mutex, is taken to start its call when it goes
// on; any other is written as partial steps.
func (w *scenarioWriter) deferCur() {
	if w.cur < 0 {
		return
	}
	cur := w.cur
	if w.taken[cur] == 1 && w.lastEv.From == harness.CallPoint && w.lastEv.Kind == scheduler.AtLock && w.deferredAt[cur] < 0 {
		w.deferredAt[cur] = len(w.sc.Steps)
	} else {
		w.emitPartial(cur, len(w.sc.Steps))
	}
	w.cur = -1
}

// cancel writes a delivered cancel that lands on a call in flight.
func (w *scenarioWriter) cancel(a Action) {
	k := w.prog.Cancels[a.Cancel]
	w.deferCur()
	if w.started[k.Task] != k.Call+1 || w.returned[k.Task] != k.Call {
		return // the call has not started, or has returned: no effect
	}
	if at := w.deferredAt[k.Task]; at >= 0 && w.steps[k.Task] != nil {
		// Its call was set aside at its first point: in whole steps it
		// has not started, and the cancel would be lost: write that first
		// step, where it was taken.
		w.emitPartial(k.Task, at)
		w.deferredAt[k.Task] = -1
	}
	w.sc.Steps = append(w.sc.Steps, scenario.Step{Kind: scenario.Cancel, Task: k.Task})
}

// step takes action i, task t's run to its next scheduling point ev.
func (w *scenarioWriter) step(i, t int, ev scheduler.Event) error {
	if ev.From == "start" && ev.Kind == scheduler.AtYield && ev.Point == harness.CallPoint {
		return nil // the task reaches its first call: nothing observable
	}
	if w.cur >= 0 && w.cur != t {
		w.deferCur()
	}
	if w.steps[t] == nil {
		if err := w.begin(i, t, ev); err != nil {
			return err
		}
	}
	w.cur = t
	w.taken[t]++
	w.points[t] = append(w.points[t], ev.Point)
	w.lastEv = ev
	if ev.Window {
		// Both the grant and the cancel were there: which one the task
		// saw is the step's "sees" (one per step).
		if w.seen[t] != scheduler.SeenNothing && w.seen[t] != ev.Seen {
			return fmt.Errorf("action %d: %s sees a grant and a cancel in one step", i+1, w.name(t))
		}
		w.seen[t] = ev.Seen
	}
	st := w.steps[t]
	switch {
	case ev.Kind == scheduler.AtDone || (ev.Kind == scheduler.AtYield && ev.Point == harness.CallPoint):
		r := model.Result{}
		if w.returned[t] < len(w.results[t]) {
			r = w.results[t][w.returned[t]]
		}
		w.returned[t]++
		st.Expect = []scenario.Expect{scenario.Outcome(w.sc.Primitive, st.Op, true, r)}
	case ev.Kind == scheduler.AtPark && ev.State == scheduler.Parked:
		st.Expect = []scenario.Expect{{Kind: scenario.ExpectBlocks}}
	case ev.Kind == scheduler.AtPanic:
		// The call panicked: the step, with no outcome to expect, ends
		// the scenario (a replay panics there again).
		st.Expect = nil
		w.ended = true
	case ev.Kind == scheduler.AtAbort:
		return fmt.Errorf("action %d: %s ends in %s", i+1, w.name(t), ev.Kind)
	default:
		return nil // inside the call still (or parked and free to go on)
	}
	st.Sees = w.sees(t)
	w.sc.Steps = append(w.sc.Steps, *st)
	w.steps[t], w.cur = nil, -1
	w.points[t], w.deferredAt[t] = nil, -1
	return nil
}

// begin opens task t's step: a call, or a parked call resuming.
func (w *scenarioWriter) begin(i, t int, ev scheduler.Event) error {
	var op model.Op
	switch ev.From {
	case harness.CallPoint:
		if w.started[t] >= len(w.prog.Tasks[t].Ops) {
			return fmt.Errorf("action %d: %s has no call left", i+1, w.name(t))
		}
		w.started[t]++
		op = w.prog.Tasks[t].Ops[w.started[t]-1]
	case "park":
		op = w.prog.Tasks[t].Ops[w.started[t]-1]
	default:
		return fmt.Errorf("action %d: %s resumes inside a call, at %s", i+1, w.name(t), ev.From)
	}
	w.steps[t] = &scenario.Step{Kind: scenario.Run, Task: t, Op: op}
	w.resume[t] = ev.From == "park"
	w.taken[t], w.seen[t] = 0, scheduler.SeenNothing
	return nil
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
