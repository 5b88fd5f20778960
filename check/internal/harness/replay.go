package harness

import (
	"fmt"

	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model/scenario"
)

// FollowScenario runs sc's schedule on target alone, leniently: the model is not
// consulted and the stated outcomes are not checked; a step the target
// cannot take (its task is parked with nothing to wake it, or has made all
// its calls, or never reaches the named point) is skipped and reported in
// skipped. This is how a counterexample kept in the corpus is replayed: on
// the implementation it was found on, the schedule reproduces the failing
// history; on a fixed one, the run diverges where the bug was, and the
// judges decide on whatever history it produced.
func FollowScenario(sc *scenario.Scenario, target *Target) (ex *Record, skipped []string, err error) {
	if target.Primitive != sc.Primitive {
		return nil, nil, fmt.Errorf("target %s implements %s, the scenario is about %s", target.Name, target.Primitive, sc.Primitive)
	}
	h := newHarness(sc.Tasks, target, sc.Params)
	defer h.close()
	for _, st := range sc.Steps {
		name := sc.Tasks[st.Task].Name
		var err error
		switch {
		case st.Kind == scenario.Cancel:
			h.cancel(st.Task)
		case st.Point != "":
			if _, ok := h.s.ChoiceFor(h.ids[st.Task], st.Sees != scenario.SeesGrant); !ok {
				err = fmt.Errorf("cannot run")
				break
			}
			err = h.runTo(st.Task, st.Sees, st.Point)
		default:
			if _, ok := h.s.ChoiceFor(h.ids[st.Task], st.Sees != scenario.SeesGrant); !ok {
				err = fmt.Errorf("cannot run")
				break
			}
			_, _, err = h.run(st.Task, st.Sees)
		}
		if err != nil {
			if info := h.s.Task(h.ids[st.Task]); info.State == scheduler.Panicked {
				return nil, skipped, fmt.Errorf("%s:%d: %s %v", sc.File, st.Line, name, err)
			}
			skipped = append(skipped, fmt.Sprintf("%s:%d: %s (%s: %v)", sc.File, st.Line, scenario.StepString(sc, st), name, err))
		}
	}
	// Then every task runs on, lowest first, until the run ends, so that
	// the judges see a whole run (quiescent, or all done).
	out := h.runStrategy(firstEnabled{}, maxStepPoints)
	q, parked := h.end()
	return &Record{History: h.hist(), Trace: append([]scheduler.Event(nil), h.s.Trace()...), Outcome: out, Quiescent: q, Parked: parked, Parks: h.parks}, skipped, nil
}

// firstEnabled always takes the first enabled choice: the lowest task, its
// grant before its cancel.
type firstEnabled struct{}

func (firstEnabled) Choose([]scheduler.Choice) int { return 0 }
