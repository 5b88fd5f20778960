package harness_test

import (
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// TestDriver steps a Lock program by hand through the Driver: calls start
// and return as the scheduler's steps say, a cancel lands only on a call in
// flight, and the history records it.
func TestDriver(t *testing.T) {
	tasks := []scenario.Task{
		{Name: "A", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Release}}},
		{Name: "B", Ops: []model.Op{{Kind: model.Acquire}}},
	}
	d := harness.NewDriver(tasks, model.Params{}, builtin(t, model.Lock))
	defer d.Close()
	s := d.Scheduler()
	step := func(task int) scheduler.Event {
		t.Helper()
		c, ok := s.ChoiceFor(scheduler.TaskID(task), false)
		if !ok {
			t.Fatalf("task %d cannot run", task)
		}
		return s.Step(c)
	}
	if d.NumTasks() != 2 || d.InFlight(0) || d.Started(0) != 0 || d.Cancel(1) {
		t.Fatal("a fresh driver has calls in flight")
	}
	for d.Returned(0) < 1 { // A acquires
		step(0)
	}
	if d.InFlight(0) || d.Started(0) != 1 {
		t.Fatalf("A: in flight %v, started %d", d.InFlight(0), d.Started(0))
	}
	for s.Task(1).State != scheduler.Parked { // B queues
		step(1)
	}
	if !d.InFlight(1) || d.Started(1) != 1 {
		t.Fatal("B's acquire is not in flight")
	}
	if !d.Cancel(1) {
		t.Fatal("the cancel of B's call in flight had no effect")
	}
	ev := step(1) // B sees the cancel and leaves
	for s.Task(1).State != scheduler.Done {
		ev = step(1)
	}
	_ = ev
	if d.InFlight(1) || d.Returned(1) != 1 || d.Cancel(1) {
		t.Fatal("B is still in flight after its call returned")
	}
	h := d.History()
	last := h[len(h)-1]
	if last.Kind != history.Return || last.Task != 1 || last.Result.Err != model.Cancelled {
		t.Fatalf("B's acquire ended with %v", last)
	}
	var cancels int
	for _, e := range h {
		if e.Kind == history.Cancel {
			cancels++
		}
	}
	if cancels != 1 {
		t.Fatalf("%d cancel events, want 1", cancels)
	}
}
