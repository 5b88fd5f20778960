package explore

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// ActionKind says what an action does.
type ActionKind uint8

const (
	// RunTask runs a task from the scheduling point where it stands to its
	// next one (a scheduler step).
	RunTask ActionKind = iota
	// DeliverCancel delivers one of the program's cancels.
	DeliverCancel
)

// Action is one scheduling decision: a scheduler step or a cancel. Actions
// are comparable; a Schedule is the list of actions a run took.
type Action struct {
	Kind ActionKind
	// Task is the task that runs (RunTask), or whose call the cancel is on.
	Task int
	// SeeCancel (RunTask) is, for a task in Park whose slot has been woken
	// and whose context is done, which case its select observes: the cancel
	// (true) or the grant. For any other task it is false.
	SeeCancel bool
	// Cancel (DeliverCancel) is the index of the cancel in Program.Cancels.
	Cancel int
}

// Choice is the scheduler choice of a RunTask action.
func (a Action) Choice() scheduler.Choice {
	return scheduler.Choice{Task: scheduler.TaskID(a.Task), SeeCancel: a.SeeCancel}
}

// Format writes a for people, with p's task names: "T2", "T2 sees cancel",
// "cancel T2#1 (wait)".
func (a Action) Format(p *Program) string {
	if a.Kind == DeliverCancel {
		if p != nil && a.Cancel >= 0 && a.Cancel < len(p.Cancels) {
			return p.CancelString(a.Cancel)
		}
		return fmt.Sprintf("cancel #%d", a.Cancel)
	}
	name := fmt.Sprintf("task%d", a.Task)
	if p != nil && a.Task >= 0 && a.Task < len(p.Tasks) {
		name = p.Tasks[a.Task].Name
	}
	if a.SeeCancel {
		return name + " sees cancel"
	}
	return name
}

// Schedule is every action a run took, in order: replaying it on the same
// program and target gives the same run.
type Schedule []Action

// Format writes s one action per line.
func (s Schedule) Format(p *Program) string {
	var b strings.Builder
	for i, a := range s {
		fmt.Fprintf(&b, "%3d. %s\n", i+1, a.Format(p))
	}
	return b.String()
}

// Execution is one run of a program under the controlled scheduler.
type Execution struct {
	Program *Program
	// Schedule is every action taken; Trace has one scheduler event per
	// RunTask action, in the same order (with the named points).
	Schedule Schedule
	Trace    []scheduler.Event
	// History is every call, return and (effective) cancel, in order.
	History []history.Event
	// Outcome is how the run ended (StepBound when it was cut at MaxSteps).
	Outcome scheduler.Outcome
	// Preemptions counts the actions that switched away from the task that
	// ran last while it was still enabled (see View.Preempts).
	Preemptions int
	// WindowCancels counts cancels delivered to a task parked in a call
	// whose slot had been woken and that had not resumed yet: cancels that
	// landed in the wake window.
	WindowCancels int
	// NoopCancels counts cancels delivered after their call returned.
	NoopCancels int
	// Parks records, for every call that parked, where it first parked
	// (the judges' registration points).
	Parks []history.Park

	// bufs, when set, is the room Schedule, Trace, History and Parks were
	// recorded into, which recycle hands back for another run (see
	// execBufs).
	bufs *execBufs
}

// execBufs is the room one run records into: its schedule, trace, history
// and parks, and the run's own scratch. A run takes it from execPool; it
// goes back only through recycle, which the propRunner calls on an
// execution it judged passing and keeps nothing of (a failure's
// buffers stay with it: it becomes a Counterexample). Every other
// execution (a failure, one a strategy does not judge, one from Execute
// or RunSchedule) leaves its buffers to the garbage collector.
type execBufs struct {
	schedule  Schedule
	trace     []scheduler.Event
	history   []history.Event
	parks     []history.Park
	actions   []Action
	parkCall  []int
	delivered []bool
}

// execPool holds execBufs for reuse (several searches run at once: each
// takes and gives back its own).
var execPool = sync.Pool{New: func() any { return new(execBufs) }}

// recycle hands ex's buffers back to execPool and clears ex's slices, so
// that a use of ex after it (a bug) shows as an empty execution rather
// than as another run's events. The caller must hold no other reference
// to them: nothing may be kept of a recycled execution.
func recycle(ex *Execution) {
	b := ex.bufs
	if b == nil {
		return
	}
	ex.bufs = nil
	b.schedule, b.history, b.parks = ex.Schedule[:0], ex.History[:0], ex.Parks[:0]
	// Trace is capped at its length (scheduler.Trace): b.trace is still
	// the room the run was given, unless the run outgrew it.
	if cap(ex.Trace) > cap(b.trace) {
		b.trace = ex.Trace[:0]
	}
	ex.Schedule, ex.Trace, ex.History, ex.Parks = nil, nil, nil, nil
	execPool.Put(b)
}

// grow returns s emptied, with room for n elements (a new slice when it
// has not).
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, max(n, 2*cap(s)))
	}
	return s[:0]
}

// String describes the run: the schedule with the scheduler's named points,
// and the history.
func (e *Execution) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "schedule (%d actions, %d preemptions):\n", len(e.Schedule), e.Preemptions)
	for _, line := range e.Steps() {
		fmt.Fprintf(&b, "%s\n", line)
	}
	fmt.Fprintf(&b, "history:\n")
	for _, h := range e.History {
		fmt.Fprintf(&b, "      %s\n", formatEvent(e.Program, h))
	}
	fmt.Fprintf(&b, "outcome: %s\n", e.Outcome.Ending)
	return b.String()
}

// Line is one action of an execution's interleaving, as reports show it.
type Line struct {
	// Task is the task that ran, or whose call the cancel was for.
	Task int
	// Cancel: the action delivered a cancel (Text names it).
	Cancel bool
	// Text is the action for people: the task, the scheduling point it
	// left (and what it saw there) and the one it reached ("T2   park sees
	// cancel -> lock"), or the cancel ("cancel T2#2 (wait)").
	Text string
	// Events are the indices in History of the events the action recorded
	// (a call, a return, a cancel; a call that returned without reaching
	// a scheduling point is two): the reports' step N is History[N-1].
	Events []int
}

// Step is how reports number the history events: History[i] is step i+1,
// from 1, in the table, the interleaving, the judges' messages ("at step
// N") and the JSON alike.
func Step(i int) int { return i + 1 }

// StepLabel is the label of the steps of events (in History order):
// "7", "4-5", or "" for none.
func StepLabel(events []int) string {
	switch len(events) {
	case 0:
		return ""
	case 1:
		return strconv.Itoa(Step(events[0]))
	}
	return fmt.Sprintf("%d-%d", Step(events[0]), Step(events[len(events)-1]))
}

// Interleaving is the schedule one action a line, each with the history
// events it recorded: a step from the harness's call point records the
// call, a step that ends back there (or at the task's end) its return, an
// effective cancel the cancel (harness.ParksFromTrace walks the trace the
// same way). An event the walk cannot place (a history the harness did not
// record) is left out of every line.
func (e *Execution) Interleaving() []Line {
	p := e.Program
	n := 0
	if p != nil {
		n = len(p.Tasks)
	}
	for _, a := range e.Schedule {
		n = max(n, a.Task+1)
	}
	inFlight := make([]bool, n)
	calls := make([]int, n) // calls started, per task
	h := e.History
	cur := 0
	take := func(kind history.Kind, t int) []int {
		if cur < len(h) && h[cur].Kind == kind && h[cur].Task == t {
			cur++
			return []int{cur - 1}
		}
		return nil
	}
	var out []Line
	ti := 0
	for _, a := range e.Schedule {
		if a.Kind != RunTask || ti >= len(e.Trace) {
			l := Line{Task: a.Task, Cancel: a.Kind == DeliverCancel, Text: a.Format(p)}
			if l.Cancel && p != nil && a.Cancel >= 0 && a.Cancel < len(p.Cancels) {
				if c := p.Cancels[a.Cancel]; c.Task >= 0 && c.Task < n && inFlight[c.Task] && calls[c.Task]-1 == c.Call {
					l.Events = take(history.Cancel, c.Task)
				}
			}
			out = append(out, l)
			continue
		}
		ev := e.Trace[ti]
		ti++
		t := a.Task
		from := ev.From
		if ev.Seen != scheduler.SeenNothing {
			from += " sees " + ev.Seen.String()
			if ev.Window {
				from += " (woken+cancelled)"
			}
		}
		l := Line{Task: t, Text: fmt.Sprintf("%-4s %s -> %s", (Action{Task: t}).Format(p), from, ev.Point)}
		if ev.From == harness.CallPoint {
			if got := take(history.Call, t); got != nil {
				l.Events = got
				inFlight[t] = true
				calls[t]++
			}
		}
		if inFlight[t] && ((ev.Kind == scheduler.AtYield && ev.Point == harness.CallPoint) || ev.Kind == scheduler.AtDone) {
			if got := take(history.Return, t); got != nil {
				l.Events = append(l.Events, got...)
				inFlight[t] = false
			}
		}
		out = append(out, l)
	}
	return out
}

// Steps writes the interleaving one action a line, each headed by the
// steps it recorded (Interleaving): "   7  T2   lock -> call".
func (e *Execution) Steps() []string {
	lines := e.Interleaving()
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = fmt.Sprintf("%7s  %s", StepLabel(l.Events), l.Text)
	}
	return out
}

func formatEvent(p *Program, h history.Event) string {
	name := fmt.Sprintf("T%d", h.Task)
	if p != nil && h.Task >= 0 && h.Task < len(p.Tasks) {
		name = p.Tasks[h.Task].Name
	}
	switch h.Kind {
	case history.Call:
		return fmt.Sprintf("%s call %s", name, p.opString(h.Op))
	case history.Return:
		return fmt.Sprintf("%s return %s -> %s", name, p.opString(h.Op), outcomeString(p, h))
	}
	return name + " cancel"
}

// Chooser makes every decision of one run: given the actions enabled now
// (non-empty; RunTask actions first, in the scheduler's order, then the
// deliverable cancels by index), it returns the index of the one to take.
// actions is valid only during the call.
type Chooser interface {
	Choose(v *View, actions []Action) int
}

// View is what a Chooser sees of the run in progress.
type View struct {
	prog      *Program
	d         *harness.Driver
	s         *scheduler.Scheduler
	delivered []bool
	last      int
	steps     int
	nrun      int // RunTask actions at the front of the current action list
}

// Program is the program being run.
func (v *View) Program() *Program { return v.prog }

// Steps is the number of actions taken so far.
func (v *View) Steps() int { return v.steps }

// Last is the task that ran last, -1 before the first step.
func (v *View) Last() int { return v.last }

// Task reports where task t stands in the scheduler.
func (v *View) Task(t int) scheduler.TaskInfo { return v.s.Task(scheduler.TaskID(t)) }

// Woken reports whether task t is parked in a call whose slot has been
// woken, and has not resumed yet: it stands in the wake window.
func (v *View) Woken(t int) bool {
	k, woken := v.s.At(scheduler.TaskID(t))
	return k == scheduler.AtPark && woken
}

// InFlight is the index of task t's call in flight, or -1.
func (v *View) InFlight(t int) int {
	if !v.d.InFlight(t) {
		return -1
	}
	return v.d.Started(t) - 1
}

// PendingCancel returns the index of an undelivered cancel on task t's call
// in flight, or -1.
func (v *View) PendingCancel(t int) int {
	call := v.InFlight(t)
	if call < 0 {
		return -1
	}
	for i, c := range v.prog.Cancels {
		if c.Task == t && c.Call == call && !v.delivered[i] {
			return i
		}
	}
	return -1
}

// Effective reports whether taking a changes anything: every RunTask
// action does; a cancel does while its call is in flight.
func (v *View) Effective(a Action) bool {
	if a.Kind == RunTask {
		return true
	}
	c := v.prog.Cancels[a.Cancel]
	return v.d.InFlight(c.Task) && v.d.Started(c.Task)-1 == c.Call
}

// Preempts reports whether taking a now is a preemption: a runs another
// task while the one that ran last is still enabled. Delivering a cancel
// is never one (it is the environment's move, not a switch), nor is
// switching away from a task that parked, blocked or finished.
func (v *View) Preempts(actions []Action, a Action) bool {
	return a.Kind == RunTask && a.Task != v.last && v.lastEnabled(actions)
}

func (v *View) lastEnabled(actions []Action) bool {
	if v.last < 0 {
		return false
	}
	for _, a := range actions[:v.nrun] {
		if a.Task == v.last {
			return true
		}
	}
	return false
}

// rotate maps a draw k in [0, len(actions)) to an action, counting the
// RunTask actions cyclically from the task that ran last (k = 0 keeps it
// running when it can, the next task otherwise), then the cancels: a draw
// of 0 never switches when it need not and never delivers a cancel unless
// only cancels are left, so that shrinking the draws toward 0 removes
// context switches and cancels.
func (v *View) rotate(actions []Action, k int) int {
	n := v.nrun
	if n == 0 || k >= n {
		return k
	}
	start := 0
	for i, a := range actions[:n] {
		if a.Task >= v.last {
			start = i
			break
		}
	}
	return (start + k) % n
}

// runner runs one program against one target, many times.
type runner struct {
	target   *harness.Target
	maxSteps int
}

// execute runs prog once, every decision taken by ch.
func (r *runner) execute(prog *Program, ch Chooser) *Execution {
	b := execPool.Get().(*execBufs)
	b.trace = grow(b.trace, 64)
	d := harness.NewDriverIn(prog.Tasks, prog.Params, r.target, harness.Buffers{History: b.history, Trace: b.trace})
	closed := false
	defer func() {
		if !closed {
			d.Close()
		}
	}()
	s := d.Scheduler()
	b.delivered = grow(b.delivered, len(prog.Cancels))[:len(prog.Cancels)]
	clear(b.delivered)
	v := &View{prog: prog, d: d, s: s, delivered: b.delivered, last: -1}
	ex := &Execution{Program: prog, Schedule: grow(b.schedule, 64), Parks: b.parks[:0], bufs: b}
	actions := grow(b.actions, 16)
	parkCall := grow(b.parkCall, len(prog.Tasks))[:len(prog.Tasks)] // the call each task last parked in, -1
	for i := range parkCall {
		parkCall[i] = -1
	}
	for {
		if m := s.Misuse(); m != nil {
			ex.Outcome = scheduler.Outcome{Ending: scheduler.Misused, Misuse: m, Steps: v.steps}
			break
		}
		actions = actions[:0]
		for _, c := range s.Enabled() {
			actions = append(actions, Action{Kind: RunTask, Task: int(c.Task), SeeCancel: c.SeeCancel})
		}
		v.nrun = len(actions)
		effective := v.nrun > 0
		for i, c := range prog.Cancels {
			if v.delivered[i] || d.Started(c.Task) <= c.Call {
				continue
			}
			a := Action{Kind: DeliverCancel, Task: c.Task, Cancel: i}
			actions = append(actions, a)
			effective = effective || v.Effective(a)
		}
		if !effective {
			// Nothing left but cancels of calls that returned: they
			// would change nothing.
			ex.Outcome = s.Report()
			break
		}
		if v.steps >= r.maxSteps {
			ex.Outcome = s.Report()
			ex.Outcome.Ending = scheduler.StepBound
			tr := s.Trace()
			ex.Outcome.Last = append([]scheduler.Event(nil), tr[max(0, len(tr)-scheduler.LastSteps):]...)
			break
		}
		i := ch.Choose(v, actions)
		if i < 0 || i >= len(actions) {
			panic(fmt.Sprintf("explore: chooser returned %d for %d actions", i, len(actions)))
		}
		a := actions[i]
		if v.Preempts(actions, a) {
			ex.Preemptions++
		}
		ex.Schedule = append(ex.Schedule, a)
		v.steps++
		if a.Kind == DeliverCancel {
			v.delivered[a.Cancel] = true
			if !v.Effective(a) {
				ex.NoopCancels++
				continue
			}
			if v.Woken(a.Task) {
				if info := v.Task(a.Task); !info.Cancelled {
					ex.WindowCancels++
				}
			}
			d.Cancel(a.Task)
			continue
		}
		v.last = a.Task
		ev := s.Step(a.Choice())
		if ev.State == scheduler.Panicked {
			ex.Outcome = s.Report()
			break
		}
		if ev.Kind == scheduler.AtPark {
			if call := d.Started(a.Task) - 1; parkCall[a.Task] != call {
				parkCall[a.Task] = call
				ex.Parks = append(ex.Parks, history.Park{Task: a.Task, At: len(d.History())})
			}
		}
	}
	b.actions, b.parkCall = actions, parkCall
	ex.Trace = s.Trace()
	ex.History = d.History()
	closed = true
	d.Close()
	if m := s.Misuse(); m != nil && ex.Outcome.Ending != scheduler.Misused {
		// Unwinding the run found what the run did not: a task that
		// never handed back (a goroutine of the primitive's own took its
		// turn at a hook).
		ex.Outcome = scheduler.Outcome{Ending: scheduler.Misused, Misuse: m, Steps: ex.Outcome.Steps}
	}
	return ex
}

// replay is the Chooser that takes a schedule's actions in order.
type replay struct {
	sched Schedule
	next  int
	err   error
}

func (r *replay) Choose(v *View, actions []Action) int {
	if r.err == nil && r.next < len(r.sched) {
		want := r.sched[r.next]
		r.next++
		for i, a := range actions {
			if a == want {
				return i
			}
		}
		r.err = fmt.Errorf("replay diverged at action %d: %s is not enabled", r.next, want.Format(v.prog))
	} else if r.err == nil {
		r.err = fmt.Errorf("replay diverged: the schedule ended after %d actions, the run goes on", len(r.sched))
	}
	return 0
}

// RunSchedule runs prog against target following sched exactly. It reports an
// error when the schedule does not fit the run (an action not enabled when
// its turn comes, or the run going on past its end).
func RunSchedule(target harness.Target, prog *Program, sched Schedule, maxSteps int) (*Execution, error) {
	if maxSteps <= 0 {
		maxSteps = defaultMaxSteps
	}
	r := &runner{target: &target, maxSteps: max(maxSteps, len(sched))}
	rp := &replay{sched: sched}
	ex := r.execute(prog, rp)
	if rp.err == nil && rp.next < len(sched) {
		rp.err = fmt.Errorf("replay diverged: the run ended after %d of %d actions", rp.next, len(sched))
	}
	return ex, rp.err
}

func outcomeString(p *Program, h history.Event) string {
	var prim model.Primitive
	if p != nil {
		prim = p.Primitive
	}
	return scenario.Outcome(prim, h.Op, true, h.Result).String()
}
