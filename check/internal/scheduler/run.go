package scheduler

import (
	"fmt"
	"strings"
)

// Ending is how a run ended.
type Ending uint8

const (
	// AllDone: every task finished.
	AllDone Ending = iota
	// Quiescent: nothing is enabled; the unfinished tasks are all parked
	// (whether that is right is the judge's question: a lost wakeup, a
	// deadlock, or waiters the model also leaves waiting).
	Quiescent
	// Deadlock: nothing is enabled and some task is blocked on a mutex.
	// The mutexes are the primitives' own: a bug in the primitive.
	Deadlock
	// TaskPanicked: a task panicked (Outcome.Panic); the run stopped there.
	TaskPanicked
	// StepBound: maxSteps steps were taken and something is still enabled:
	// a livelock, or a bound too small for the program.
	StepBound
	// Misused: a hook was misused (Outcome.Misuse): the scheduler is poisoned.
	Misused
	// Running: something is still enabled (Report only).
	Running
)

var verdictNames = [...]string{"all done", "quiescent", "deadlock", "panic", "step bound", "misuse", "running"}

func (v Ending) String() string {
	if int(v) < len(verdictNames) {
		return verdictNames[v]
	}
	return fmt.Sprintf("Ending(%d)", v)
}

// BlockedTask is a task blocked on a mutex, with the mutex's holder.
type BlockedTask struct {
	Task       TaskID
	Name       string
	Holder     TaskID // -1: the driver
	HolderName string
}

// Outcome is the report of a run.
type Outcome struct {
	Ending Ending
	// Steps is the number of steps this Run took.
	Steps int
	// Parked and Blocked list the unfinished tasks by state, by TaskID
	// (Quiescent, Deadlock; filled in for every verdict but TaskPanicked
	// and Misused, where tasks' states are not settled).
	Parked  []TaskID
	Blocked []BlockedTask
	// Panic is the report of the task that panicked (TaskPanicked).
	Panic *PanicReport
	// Misuse is the misuse that poisoned the scheduler (Misused).
	Misuse *Misuse
	// Last holds the last steps taken, up to LastSteps (StepBound).
	Last []Event
}

// LastSteps is how many of the last steps an Outcome with StepBound keeps.
const LastSteps = 32

// OK reports whether the run ended without any verdict the scheduler itself
// can call a bug: every task done, or quiescent with tasks parked only.
func (o Outcome) OK() bool { return o.Ending == AllDone || o.Ending == Quiescent }

func (o Outcome) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s after %d actions", o.Ending, o.Steps)
	if len(o.Parked) > 0 {
		fmt.Fprintf(&b, "; parked: %v", o.Parked)
	}
	for _, bt := range o.Blocked {
		fmt.Fprintf(&b, "; %s (T%d) blocked on a mutex held by %s", bt.Name, bt.Task, bt.HolderName)
	}
	if o.Panic != nil {
		fmt.Fprintf(&b, "; %s", o.Panic)
	}
	if o.Misuse != nil {
		fmt.Fprintf(&b, "; %s", o.Misuse)
	}
	if len(o.Last) > 0 {
		b.WriteString("; last actions:")
		for _, e := range o.Last {
			b.WriteString("\n  ")
			b.WriteString(e.String())
		}
	}
	return b.String()
}

// Run drives the scheduler with st until every task is done, nothing is
// enabled (quiescence), a task panics, a misuse poisons the scheduler, or
// maxSteps steps have been taken (a livelock). It does not Close.
func (s *Scheduler) Run(st Strategy, maxSteps int) Outcome {
	s.mustDrive("Run")
	var o Outcome
	for {
		if m := s.Misuse(); m != nil {
			o.Ending, o.Misuse = Misused, m
			return o
		}
		s.enabled = s.appendEnabled(s.enabled[:0])
		if len(s.enabled) == 0 {
			s.settle(&o)
			return o
		}
		if o.Steps >= maxSteps {
			s.settle(&o)
			o.Ending = StepBound
			o.Last = append([]Event(nil), s.trace[max(0, len(s.trace)-LastSteps):]...)
			return o
		}
		ev := s.Step(s.enabled[st.Choose(s.enabled)])
		o.Steps++
		if ev.State == Panicked {
			if m := s.Misuse(); m != nil {
				o.Ending, o.Misuse = Misused, m
				return o
			}
			o.Ending, o.Panic = TaskPanicked, s.tasks[ev.Task].panic
			return o
		}
	}
}

// settle fills in the verdict and the parked and blocked tasks of a run
// that stopped with every task settled.
func (s *Scheduler) settle(o *Outcome) {
	o.Ending = AllDone
	for _, t := range s.tasks {
		switch s.state(t) {
		case Parked:
			o.Parked = append(o.Parked, t.id)
			if o.Ending == AllDone {
				o.Ending = Quiescent
			}
		case Blocked:
			h := t.ms.owner
			o.Blocked = append(o.Blocked, BlockedTask{Task: t.id, Name: t.name, Holder: h.id, HolderName: h.name})
			o.Ending = Deadlock
		}
	}
}

// Report describes the scheduler's current state as an Outcome, without
// stepping: Ending AllDone, Quiescent or Deadlock when nothing is enabled,
// Running when something still is, TaskPanicked when a task
// panicked, Misused after a misuse. Steps is the whole trace's length.
func (s *Scheduler) Report() Outcome {
	o := Outcome{Steps: len(s.trace)}
	if m := s.Misuse(); m != nil {
		o.Ending, o.Misuse = Misused, m
		return o
	}
	for _, t := range s.tasks {
		if t.panic != nil {
			o.Ending, o.Panic = TaskPanicked, t.panic
			return o
		}
	}
	s.settle(&o)
	s.enabled = s.appendEnabled(s.enabled[:0])
	if len(s.enabled) > 0 {
		o.Ending = Running
	}
	return o
}

// RunUntil runs one task and no other: it takes the choice c, then keeps
// stepping c.Task while it stays enabled, until it reaches a Park (woken or
// not), is blocked on a mutex, finishes or panics, or stop reports true for
// the event of a step (nil: never), or maxSteps steps were taken (then ok is
// false). It returns the last step's event and the number of steps taken.
//
// This is the scenario runner's step: the harness marks the boundaries of a
// call with a Yield point and lets stop recognise it.
func (s *Scheduler) RunUntil(c Choice, stop func(Event) bool, maxSteps int) (last Event, steps int, ok bool) {
	if maxSteps < 1 {
		maxSteps = 1
	}
	for {
		last = s.Step(c)
		steps++
		if last.State != Ready || last.Kind == AtPark || (stop != nil && stop(last)) {
			return last, steps, true
		}
		if steps >= maxSteps {
			return last, steps, false
		}
		c = Choice{Task: c.Task}
	}
}
