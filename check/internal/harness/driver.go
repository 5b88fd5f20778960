package harness

import (
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Driver is the step-by-step API under RunProgram, for explorers that make
// every scheduling decision themselves and deliver cancels between steps:
// it spawns one scheduler task per program task (task i is TaskID i), each
// making its calls in order with a fresh context per call and standing at a
// Yield point named "call" before each call, and records the history.
//
// The caller drives Scheduler() (Enabled, Step, Report) and calls Cancel
// between steps; it must Close the Driver. A Driver is driven from one
// goroutine.
type Driver struct {
	h *harness
}

// NewDriver builds a fresh instance of target and spawns tasks on a new
// controlled scheduler. Nothing runs until the first Step.
func NewDriver(tasks []scenario.Task, p model.Params, target *Target) *Driver {
	return &Driver{h: newHarness(tasks, target, p)}
}

// Buffers is room a Driver records into instead of allocating its own:
// the history (used when its capacity is enough for every call, return
// and a cancel per task) and the scheduler's trace (see
// scheduler.UseTrace), both from length 0. They are for a caller that
// recycles the history and trace of an earlier run it no longer uses.
type Buffers struct {
	History []history.Event
	Trace   []scheduler.Event
}

// NewDriverIn is NewDriver recording into b's room.
func NewDriverIn(tasks []scenario.Task, p model.Params, target *Target, b Buffers) *Driver {
	return &Driver{h: newHarnessIn(tasks, target, p, b)}
}

// Scheduler is the controlled scheduler the tasks run on.
func (d *Driver) Scheduler() *scheduler.Scheduler { return d.h.s }

// NumTasks is the number of program tasks.
func (d *Driver) NumTasks() int { return len(d.h.ids) }

// InFlight reports whether task t has a call in flight: it has passed the
// call point of its current op (the call event is in the history) and the
// call has not returned.
func (d *Driver) InFlight(t int) bool { return !d.h.idle(t) }

// Started is the number of calls task t has started, the one in flight
// included: the call in flight, if any, is call Started(t)-1 (0-based).
func (d *Driver) Started(t int) int {
	n := len(d.h.results[t])
	if d.InFlight(t) {
		n++
	}
	return n
}

// Returned is the number of calls of task t that have returned.
func (d *Driver) Returned(t int) int { return len(d.h.results[t]) }

// Cancel cancels the context of task t's call in flight and records a
// cancel event; it does nothing and reports false when t has no call in
// flight (G1: the context of a call that returned is dead).
func (d *Driver) Cancel(t int) bool {
	if d.h.idle(t) {
		return false
	}
	d.h.cancel(t)
	return true
}

// History is every call, return and cancel so far, in global order. The
// slice is the driver's own: it is appended to by later steps, and must not
// be modified.
func (d *Driver) History() []history.Event { return d.h.hist() }

// Close unwinds every unfinished task (see scheduler.Close). The history is
// still readable afterwards.
func (d *Driver) Close() { d.h.close() }
