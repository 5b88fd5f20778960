package harness

import (
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Record is one run of a program under the controlled scheduler.
type Record struct {
	History []history.Event
	// Trace is every scheduling step, with its named point.
	Trace   []scheduler.Event
	Outcome scheduler.Outcome
	// Quiescent: the run ended with nothing enabled and some task parked in
	// a call; Parked lists those tasks.
	Quiescent bool
	Parked    []int
	// Parks are the calls' registration points (where each first parked),
	// when the harness drove every step; nil otherwise.
	Parks []history.Park
}

// RunProgram runs tasks against a fresh instance of target, every
// scheduling choice made by st, until all tasks finish, the run is
// quiescent, a task panics, or maxSteps scheduling steps were taken. The
// run is a pure function of the program and of st's choices.
func RunProgram(tasks []scenario.Task, p model.Params, target *Target, st scheduler.Strategy, maxSteps int) *Record {
	h := newHarness(tasks, target, p)
	defer h.close()
	out := h.runStrategy(st, maxSteps)
	q, parked := h.end()
	return &Record{History: h.hist(), Trace: append([]scheduler.Event(nil), h.s.Trace()...), Outcome: out, Quiescent: q, Parked: parked, Parks: h.parks}
}
