package harness

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// CallPoint is the Yield point a harness task stands at between two calls:
// the boundary of a scenario step, and how a trace shows calls.
const CallPoint = "call"

// maxStepPoints bounds the scheduling points one scenario step may take
// before it is reported as a livelock.
const maxStepPoints = 10_000

// harness runs a program's tasks against one instance under a controlled
// scheduler. Each task makes its calls in order, each with its own context,
// and stands at CallPoint before each call.
type harness struct {
	s       *scheduler.Scheduler
	ids     []scheduler.TaskID
	names   []string
	ops     [][]model.Op
	results [][]model.Result // written by the task, read by the driver after its step
	cancels []context.CancelFunc
	// history is every call, return and cancel in one global order. Tasks
	// and the driver append to it one at a time (the scheduler's token).
	// history is every call, return and cancel, in order; histMu guards
	// it (record, hist): a task that blocked outside the hooks wrote its
	// call event with no handoff since (the watchdog woke the driver).
	histMu  sync.Mutex
	history []history.Event
	// parks records where each call first parked; parkedCall[t] is the
	// number of t's calls whose first park is recorded.
	parks      []history.Park
	parkedCall []int
}

// step takes one scheduling step and records a call's first park.
func (h *harness) step(c scheduler.Choice) scheduler.Event {
	ev := h.s.Step(c)
	if ev.Kind == scheduler.AtPark {
		t := h.index(ev.Task)
		if calls := h.calls(t); h.parkedCall[t] < calls {
			h.parkedCall[t] = calls
			h.parks = append(h.parks, history.Park{Task: t, At: len(h.hist())})
		}
	}
	return ev
}

// index is the program's index of a scheduler task.
func (h *harness) index(id scheduler.TaskID) int {
	for i, x := range h.ids {
		if x == id {
			return i
		}
	}
	return -1
}

// calls is how many calls task t has started.
func (h *harness) calls(t int) int {
	n := 0
	for _, e := range h.hist() {
		if e.Kind == history.Call && e.Task == t {
			n++
		}
	}
	return n
}

// runStrategy drives every task with st until the run ends or maxSteps
// steps were taken, recording parks (scheduler.Run without the bookkeeping
// would lose them).
func (h *harness) runStrategy(st scheduler.Strategy, maxSteps int) scheduler.Outcome {
	for steps := 0; steps < maxSteps; steps++ {
		en := h.s.Enabled()
		if len(en) == 0 {
			break
		}
		if ev := h.step(en[st.Choose(en)]); ev.State == scheduler.Panicked {
			break
		}
	}
	out := h.s.Report()
	if out.Ending == scheduler.Running {
		out.Ending = scheduler.StepBound
	}
	return out
}

func newHarness(tasks []scenario.Task, target *Target, p model.Params) *harness {
	return newHarnessIn(tasks, target, p, Buffers{})
}

// newHarnessIn is newHarness recording into b's room where it is enough.
func newHarnessIn(tasks []scenario.Task, target *Target, p model.Params, b Buffers) *harness {
	h := &harness{s: scheduler.New()}
	h.s.UseTrace(b.Trace)
	if target.StepTimeout != 0 {
		h.s.SetStepTimeout(max(target.StepTimeout, 0))
	}
	// The instance gets what the model gets: every parameter, defaults
	// filled in (a bad one is the model's error, reported there).
	if d := model.Describe(target.Primitive); d != nil {
		if full, err := d.Complete(p); err == nil {
			p = full
		}
	}
	inst := target.New(h.s, p)
	n := len(tasks)
	h.ids = make([]scheduler.TaskID, n)
	h.names = make([]string, n)
	h.ops = make([][]model.Op, n)
	h.results = make([][]model.Result, n)
	h.cancels = make([]context.CancelFunc, n)
	h.parkedCall = make([]int, n)
	calls := 0
	for _, t := range tasks {
		calls += len(t.Ops)
	}
	// Room for every call and return, and a cancel per task.
	if need := 2*calls + n; cap(b.History) >= need {
		h.history = b.History[:0]
	} else {
		h.history = make([]history.Event, 0, need)
	}
	for i, t := range tasks {
		i := i
		h.names[i] = t.Name
		h.ops[i] = t.Ops
		h.results[i] = make([]model.Result, 0, len(t.Ops))
		h.ids[i] = h.s.Spawn(t.Name, func() {
			for _, op := range h.ops[i] {
				ctx, cancel := context.WithCancel(context.Background())
				if op.CtxDone {
					cancel()
				}
				h.cancels[i] = cancel
				h.s.Yield(CallPoint)
				h.record(history.Event{Kind: history.Call, Task: i, Op: op})
				r := Call(inst, ctx, i, op)
				cancel()
				if h.s.Poisoned() {
					// The run was given up while this call ran (it
					// blocked outside the hooks): the driver may be
					// reading the history; write nothing more.
					runtime.Goexit()
				}
				h.record(history.Event{Kind: history.Return, Task: i, Op: op, Result: r})
				h.results[i] = append(h.results[i], r)
			}
		})
	}
	return h
}

// idle reports whether task t has no call in flight.
func (h *harness) idle(t int) bool {
	k, point := h.s.Point(h.ids[t])
	return k == scheduler.AtDone || (k == scheduler.AtYield && point == CallPoint) || k == scheduler.AtStart
}

// cancel cancels the context of t's call in flight; no effect when t has
// none (G1).
func (h *harness) cancel(t int) {
	if !h.idle(t) {
		h.cancels[t]()
		h.record(history.Event{Kind: history.Cancel, Task: t})
	}
}

// status is the model's name for where task t stands in the implementation.
func (h *harness) status(t int) model.Status {
	if h.idle(t) {
		return model.Idle
	}
	if info := h.s.Task(h.ids[t]); info.State == scheduler.Parked {
		return model.Waiting
	}
	return model.Runnable
}

// run gives task t one scenario step: it runs t alone until its call
// returns (done) or it parks with nothing to wake it (blocks).
func (h *harness) run(t int, sees scenario.Sees) (done bool, res model.Result, err error) {
	id := h.ids[t]
	preferCancel := sees != scenario.SeesGrant
	before := len(h.results[t])
	for steps := 0; ; steps++ {
		if steps >= maxStepPoints {
			return false, res, fmt.Errorf("still running after %d scheduling points: livelock", steps)
		}
		c, ok := h.s.ChoiceFor(id, preferCancel)
		if !ok {
			info := h.s.Task(id)
			switch {
			case info.State == scheduler.Parked && steps > 0:
				return false, res, nil
			case info.State == scheduler.Parked:
				return false, res, fmt.Errorf("is parked and nothing woke or cancelled it: it cannot take a step")
			case info.State == scheduler.Blocked:
				return false, res, fmt.Errorf("blocked on the primitive's mutex, held by %s", info.HolderName)
			case info.State == scheduler.Done:
				return false, res, fmt.Errorf("has made all its calls")
			}
			return false, res, fmt.Errorf("cannot run: %s", info.State)
		}
		ev := h.step(c)
		switch {
		case ev.State == scheduler.Panicked:
			if p := h.s.Task(id).Panic; p != nil {
				return false, res, fmt.Errorf("panicked: %v\n%s", p.Value, p.Stack)
			}
			return false, res, fmt.Errorf("panicked")
		case ev.Kind == scheduler.AtDone || (ev.Kind == scheduler.AtYield && ev.Point == CallPoint):
			if len(h.results[t]) > before {
				return true, h.results[t][before], nil
			}
			if ev.Kind == scheduler.AtDone {
				return false, res, fmt.Errorf("has made all its calls")
			}
			// It only reached its first call point: go on into the call.
		}
	}
}

// runTo gives task t a partial step: it runs t alone until it stands at a
// scheduling point named point, inside its call.
func (h *harness) runTo(t int, sees scenario.Sees, point string) error {
	id := h.ids[t]
	preferCancel := sees != scenario.SeesGrant
	for steps := 0; steps < maxStepPoints; steps++ {
		c, ok := h.s.ChoiceFor(id, preferCancel)
		if !ok {
			info := h.s.Task(id)
			return fmt.Errorf("is %s before it reached point %q", info.State, point)
		}
		ev := h.step(c)
		switch {
		case ev.State == scheduler.Panicked:
			if p := h.s.Task(id).Panic; p != nil {
				return fmt.Errorf("panicked: %v\n%s", p.Value, p.Stack)
			}
			return fmt.Errorf("panicked")
		case ev.Point == point && ev.Kind != scheduler.AtDone:
			return nil
		case ev.Kind == scheduler.AtDone || (ev.Kind == scheduler.AtYield && ev.Point == CallPoint && steps > 0):
			return Malformed{fmt.Errorf("finished its call without reaching point %q", point)}
		}
	}
	return fmt.Errorf("still running after %d scheduling points without reaching %q: livelock", maxStepPoints, point)
}

// parked lists the tasks parked in a call, and whether nothing is enabled.
func (h *harness) end() (quiescent bool, parked []int) {
	for t := range h.ids {
		if !h.idle(t) && h.s.Task(h.ids[t]).State == scheduler.Parked {
			parked = append(parked, t)
		}
	}
	return h.s.Quiescent(), parked
}

// record appends e to the history.
func (h *harness) record(e history.Event) {
	h.histMu.Lock()
	h.history = append(h.history, e)
	h.histMu.Unlock()
}

// hist is the history so far.
func (h *harness) hist() []history.Event {
	h.histMu.Lock()
	defer h.histMu.Unlock()
	return h.history
}

// close ends the run. When it was given up (a task blocked outside the
// hooks), the calls in flight are cancelled first, so that one that
// honours its context returns and its goroutine ends.
func (h *harness) close() {
	if h.s.Poisoned() {
		for _, cancel := range h.cancels {
			if cancel != nil {
				cancel()
			}
		}
	}
	h.s.Close()
}

// implRun is the implementation side of RunSpec.
type implRun struct {
	*harness
	sc *scenario.Scenario
}

func newImplRun(sc *scenario.Scenario, target *Target) (*implRun, error) {
	return &implRun{harness: newHarness(sc.Tasks, target, sc.Params), sc: sc}, nil
}

// checkStatus fails when the implementation has task t somewhere no model
// branch has it: parked with nothing to wake it where the model would let
// it run (a lost wakeup), or woken where the model has it waiting.
func (r *implRun) checkStatus(t int, want []model.Status) error {
	got := r.status(t)
	if slices.Contains(want, got) {
		return nil
	}
	return fmt.Errorf("is %s in the implementation, but the model has it %s", statusWords(got), statusList(want))
}

// checkEnd compares who is left parked, and how, with the model.
func (r *implRun) checkEnd(mr *modelRun) error {
	var diff string
	for _, b := range mr.branches {
		diff = ""
		for t := range r.sc.Tasks {
			if got, want := r.status(t), b.m.Status(t); got != want {
				diff += fmt.Sprintf("; %s is %s in the implementation, %s in the model", r.sc.Tasks[t].Name, statusWords(got), statusWords(want))
			}
		}
		if diff == "" {
			return nil
		}
	}
	return fmt.Errorf("%s", strings.TrimPrefix(diff, "; "))
}

func statusWords(s model.Status) string {
	switch s {
	case model.Idle:
		return "idle (no call in flight)"
	case model.Waiting:
		return "parked with nothing to wake it"
	}
	return "parked but free to run (granted or cancelled)"
}

func statusList(ss []model.Status) string {
	w := make([]string, len(ss))
	for i, s := range ss {
		w[i] = statusWords(s)
	}
	return strings.Join(w, " or ")
}
