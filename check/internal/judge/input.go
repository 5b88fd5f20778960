package judge

import (
	"fmt"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// NewInput makes the Input of an execution of tasks (as harness.RunProgram
// ran them: task i is scheduler.TaskID(i)), with its registration points
// read off the trace (ParksFromTrace). When the trace cannot be matched
// with the history, Parks stays unknown and Fairness is Skipped.
func NewInput(e *harness.Execution, tasks []scenario.Task, prim model.Primitive, d model.Dialect, params model.Params) Input {
	in := Input{
		Primitive: prim,
		Dialect:   d,
		Params:    params,
		Tasks:     len(tasks),
		Names:     make([]string, len(tasks)),
		History:   e.History,
		Quiescent: e.Outcome.Verdict == scheduler.Quiescent,
	}
	for i, t := range tasks {
		in.Names[i] = t.Name
	}
	if in.Quiescent {
		for _, id := range e.Outcome.Parked {
			in.Parked = append(in.Parked, int(id))
		}
	}
	if e.Parks != nil || len(e.Trace) == 0 {
		for _, p := range e.Parks {
			in.Parks = append(in.Parks, Park{Task: p.Task, At: p.At})
		}
		in.ParksKnown = true
	} else if parks, err := ParksFromTrace(e.History, e.Trace); err == nil {
		in.Parks, in.ParksKnown = parks, true
	}
	return in
}

// ParksFromTrace finds, for every call of the history that parked, where it
// first parked, by walking the scheduler's trace alongside the history the
// harness recorded: a step from the harness's call point records the
// call, a step that ends back there (or at the task's end) records its
// return, and cancels are recorded by the driver between steps. A park in
// a step that recorded no event is placed after the cancels around it
// (their order is not recorded). It fails when the two do not match (a
// history not recorded by check/harness).
func ParksFromTrace(h []harness.HistoryEvent, trace []scheduler.Event) ([]Park, error) {
	var parks []Park
	cur := 0
	inFlight := map[int]bool{}
	parked := map[int]bool{}
	skipCancels := func() {
		for cur < len(h) && h[cur].Kind == harness.CancelEvent {
			cur++
		}
	}
	expect := func(kind harness.HistoryKind, t int, step int) error {
		skipCancels()
		if cur >= len(h) || h[cur].Kind != kind || h[cur].Task != t {
			return fmt.Errorf("trace step %d (T%d) does not match history event %d", step, t, cur)
		}
		cur++
		return nil
	}
	for i, ev := range trace {
		t := int(ev.Task)
		before := cur
		if ev.From == harness.CallPoint {
			if err := expect(harness.CallEvent, t, i); err != nil {
				return nil, err
			}
			inFlight[t], parked[t] = true, false
		}
		if inFlight[t] && ((ev.Kind == scheduler.AtYield && ev.Point == harness.CallPoint) || ev.Kind == scheduler.AtDone) {
			if err := expect(harness.ReturnEvent, t, i); err != nil {
				return nil, err
			}
			inFlight[t] = false
		}
		if ev.Kind == scheduler.AtPark && inFlight[t] && !parked[t] {
			// A step that recorded events parked right after them. One that
			// recorded none may have run before or after the cancels the
			// driver recorded around it: the history cannot tell, so the
			// park goes after them (a weaker constraint, never a wrong one).
			if cur == before {
				skipCancels()
			}
			parked[t] = true
			parks = append(parks, Park{Task: t, At: cur})
		}
	}
	skipCancels()
	if cur != len(h) {
		return nil, fmt.Errorf("history event %d is not in the trace", cur)
	}
	return parks, nil
}
