package harness

import (
	"fmt"

	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// HistoryKind is the kind of a history event.
type HistoryKind uint8

const (
	CallEvent   HistoryKind = iota // a task called an op
	ReturnEvent                    // the call returned Result
	CancelEvent                    // the context of the task's call in flight was cancelled
)

// HistoryEvent is one event of an execution's history, in global order.
type HistoryEvent struct {
	Kind   HistoryKind
	Task   int
	Op     model.Op     // Call, Return
	Result model.Result // Return
}

func (e HistoryEvent) String() string {
	switch e.Kind {
	case CallEvent:
		return fmt.Sprintf("T%d call %s", e.Task, e.Op.Kind)
	case ReturnEvent:
		return fmt.Sprintf("T%d return %s %s", e.Task, e.Op.Kind, scenario.Outcome(e.Op, true, e.Result))
	}
	return fmt.Sprintf("T%d cancel", e.Task)
}

// Execution is one run of a program under the controlled scheduler.
type Execution struct {
	History []HistoryEvent
	// Trace is every scheduling step, with its named point.
	Trace   []scheduler.Event
	Outcome scheduler.Outcome
	// Quiescent: the run ended with nothing enabled and some task parked in
	// a call; Parked lists those tasks.
	Quiescent bool
	Parked    []int
	// Parks are the calls' registration points (where each first parked),
	// when the harness drove every step; nil otherwise.
	Parks []Park
}

// RunProgram runs tasks against a fresh instance of target, every
// scheduling choice made by st, until all tasks finish, the run is
// quiescent, a task panics, or maxSteps scheduling steps were taken. The
// run is a pure function of the program and of st's choices.
func RunProgram(tasks []scenario.Task, p model.Params, target *Target, st scheduler.Strategy, maxSteps int) *Execution {
	h := newHarness(tasks, target, p)
	defer h.close()
	out := h.runStrategy(st, maxSteps)
	q, parked := h.end()
	return &Execution{History: h.history, Trace: append([]scheduler.Event(nil), h.s.Trace()...), Outcome: out, Quiescent: q, Parked: parked, Parks: h.parks}
}
