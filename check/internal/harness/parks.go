package harness

import (
	"fmt"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
)

// Registrations returns where each call of e first parked: e.Parks when
// the run recorded them, else read off the trace (ParksFromTrace). known
// is false when the trace cannot be matched with the history.
func (e *Record) Registrations() (parks []history.Park, known bool) {
	if e.Parks != nil || len(e.Trace) == 0 {
		return e.Parks, true
	}
	parks, err := ParksFromTrace(e.History, e.Trace)
	return parks, err == nil
}

// ParkedAtEnd reports whether the run ended quiescent, and which tasks
// were parked then.
func (e *Record) ParkedAtEnd() (quiescent bool, parked []int) {
	if e.Outcome.Ending != scheduler.Quiescent {
		return false, nil
	}
	for _, id := range e.Outcome.Parked {
		parked = append(parked, int(id))
	}
	return true, parked
}

// ParksFromTrace finds, for every call of the history that parked, where it
// first parked, by walking the scheduler's trace alongside the history the
// harness recorded: a step from the harness's call point records the
// call, a step that ends back there (or at the task's end) records its
// return, and cancels are recorded by the driver between steps. A park in
// a step that recorded no event is placed after the cancels around it
// (their order is not recorded). It fails when the two do not match (a
// history not recorded by the harness).
func ParksFromTrace(h []history.Event, trace []scheduler.Event) ([]history.Park, error) {
	var parks []history.Park
	cur := 0
	inFlight := map[int]bool{}
	parked := map[int]bool{}
	skipCancels := func() {
		for cur < len(h) && h[cur].Kind == history.Cancel {
			cur++
		}
	}
	expect := func(kind history.Kind, t int, step int) error {
		skipCancels()
		if cur >= len(h) || h[cur].Kind != kind || h[cur].Task != t {
			return fmt.Errorf("trace action %d (T%d) does not match the history's step %d", step+1, t, cur+1)
		}
		cur++
		return nil
	}
	for i, ev := range trace {
		t := int(ev.Task)
		before := cur
		if ev.From == CallPoint {
			if err := expect(history.Call, t, i); err != nil {
				return nil, err
			}
			inFlight[t], parked[t] = true, false
		}
		if inFlight[t] && ((ev.Kind == scheduler.AtYield && ev.Point == CallPoint) || ev.Kind == scheduler.AtDone) {
			if err := expect(history.Return, t, i); err != nil {
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
			parks = append(parks, history.Park{Task: t, At: cur})
		}
	}
	skipCancels()
	if cur != len(h) {
		return nil, fmt.Errorf("the history's step %d is not in the trace", cur+1)
	}
	return parks, nil
}
