// Package scheduler is syncheck's controlled scheduler: a sched.Runtime under
// which every hook of impl/sched (Lock, Park, Yield, and through Yield each
// operation of a sched.Uint64 state word) is a scheduling point and
// exactly one task runs at a time, so that the driver decides every
// interleaving, including the wake window (a waiter that was granted but has
// not resumed yet, while other tasks run and its context is cancelled).
//
// # Model
//
// A task is a goroutine that runs only while it holds the scheduler's token.
// The driver (the goroutine that calls Step, Run, RunUntil, Close) holds the
// token whenever no task does. Step hands the token to one task, which runs
// from the scheduling point where it stopped to the next one (or to its end)
// and hands it back. The handoff is a channel send in each direction, so every
// step happens-before the next and the race detector's view stays exact.
//
// A task stands at a point: "start" before it first runs, "lock" in Lock,
// "park" in Park, the point's own name in Yield ("load", "store", "cas",
// "add", "and" before a state word's operation); and ends "done" or
// "panic". What the driver can choose (Enabled) follows from the point:
//
//   - start, yield: always enabled;
//   - lock: enabled when the mutex is free, otherwise the task is Blocked;
//   - park: enabled when the slot has been woken (the task will see the grant,
//     Park returns nil) or the context is done (it will see the cancel, Park
//     returns ctx.Err()); when both hold these are two distinct choices, so the
//     wake window is an explicit decision. Otherwise the task is Parked.
//
// Quiescence is "nothing enabled and some task not finished". A task blocked
// on a mutex at quiescence is a deadlock on the primitive's own mutex: a bug
// in the primitive, reported as such (Ending Deadlock).
//
// # Teardown
//
// Close unwinds every task that has not finished: it resumes each in turn
// (still one at a time, holding the token) with an abort, and the hook it
// stands in calls runtime.Goexit, which runs the task's deferred calls and
// ends the goroutine. Hooks called by deferred code during that unwind never
// schedule: Park and Yield call Goexit again (skipping the rest of that
// deferred call), Lock takes the mutex at once if it is free and calls Goexit
// otherwise, and Unlock releases. The scheduler keeps the invariant "the
// sched.Mutex's inner sync.Mutex is locked exactly when the scheduler records
// an owner" through the unwind, so that a deferred Unlock never unlocks an
// unlocked sync.Mutex (a fatal error in Go). A task that never ran has no
// goroutine at all. After Close no goroutine of the scheduler is left.
//
// # Calls from outside any task
//
// When no task runs, Lock and Unlock are plain (the driver setting up a
// primitive or reading its state), but the scheduler records the driver as
// the owner meanwhile, so a task that needs the mutex is Blocked rather than
// hung; Yield is a no-op; Park panics.
//
// A hook called by a goroutine that is not the running task (a primitive
// that starts goroutines of its own) is reported as a Misuse when it is
// detectable: always in strict mode (SetStrict), otherwise when its hooks
// collide with the task's (two goroutines claim one token). The offending
// goroutine is ended (runtime.Goexit) rather than left to run unchecked,
// the scheduler is poisoned, the run ends with Ending Misused, and Close
// releases every goroutine parked in a hook. Without strict mode, a foreign
// goroutine whose hooks do not collide with its task's is mistaken for it.
//
// # Limits
//
// A task that blocks outside the hooks (on a channel, a sync.Mutex, a
// sleep) while holding the token would block its Step for as long. A
// watchdog reports it instead: a Step that has not come back after the step
// timeout (SetStepTimeout; DefaultStepTimeout) poisons the scheduler with a
// Misuse whose Stuck names the task and holds its goroutine's stack, and
// the Step returns; that goroutine is left where it blocked (Go cannot stop
// it), and it ends at its next hook, or when its body returns. The watchdog
// is the only thing that reads a clock, and only a stuck run depends on
// it. Contexts should be cancelled by the driver or by a task (a
// canceller task makes the cancel a scheduling decision); a context with a
// deadline is cancelled by a timer, at a moment no schedule controls.
//
// # Determinism
//
// Nothing depends on maps' iteration order, wall-clock time or the Go
// scheduler: given the same program and the same choices, a run is the same.
// Strategies (strategy.go) draw every choice from one Source, so a run is a
// pure function of (program, seed).
package scheduler

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/syncheck/syncheck/impl/sched"
)

// TaskID identifies a task: its index in spawn order, from 0.
type TaskID int

// PointKind is the kind of point a task stands at.
type PointKind uint8

const (
	AtStart PointKind = iota // spawned, has not run yet
	AtLock                   // in Lock, before taking the mutex
	AtPark                   // in Park
	AtYield                  // in Yield
	AtDone                   // the body returned
	AtPanic                  // the body panicked (or called runtime.Goexit)
	AtAbort                  // unwound by Close before it finished
)

var kindNames = [...]string{"start", "lock", "park", "yield", "done", "panic", "abort"}

func (k PointKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("PointKind(%d)", k)
}

// State is what the driver sees of a task.
type State uint8

const (
	// Ready: at a point and enabled (in Park: woken or cancelled).
	Ready State = iota + 1
	// Blocked: in Lock on a mutex that is held (by another task, by the
	// driver, or by itself).
	Blocked
	// Parked: in Park, the slot not woken and the context not done.
	Parked
	// Done: the body returned.
	Done
	// Panicked: the body panicked, called runtime.Goexit, or misused a hook.
	Panicked
	// Aborted: unwound by Close.
	Aborted
)

var stateNames = [...]string{"?", "ready", "blocked", "parked", "done", "panicked", "aborted"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("State(%d)", s)
}

// Seen is what a step observed at the point it resumed from.
type Seen uint8

const (
	SeenNothing Seen = iota // not a resume from Park
	SeenGrant               // Park returned nil: the task consumed the wake
	SeenCancel              // Park returned ctx.Err()
)

func (s Seen) String() string {
	switch s {
	case SeenGrant:
		return "grant"
	case SeenCancel:
		return "cancel"
	}
	return ""
}

// Choice is one thing the driver may do next: run Task. SeeCancel matters
// only for a task in Park and says which case of its select fires: the
// cancel (Park returns ctx.Err()) or the grant (Park returns nil).
type Choice struct {
	Task      TaskID
	SeeCancel bool
}

// Event is what one step did. Recording it allocates nothing: its strings
// are the point names the tasks passed in.
type Event struct {
	Task TaskID
	// From is the point the task resumed from and Seen what it observed
	// there (grant or cancel, for a Park).
	From string
	// Point and Kind are where the task stopped: the next point it stands
	// at, or its end ("done", "panic").
	Point string
	Seen  Seen
	// Window is true when the task resumed from a Park whose slot had been
	// woken and whose context was done: the step decided the wake window.
	Window bool
	Kind   PointKind
	// State is the task's state right after the step.
	State State
}

func (e Event) String() string {
	from := e.From
	if e.Seen != SeenNothing {
		from += " sees " + e.Seen.String()
		if e.Window {
			from += " (woken+cancelled)"
		}
	}
	return fmt.Sprintf("T%d %s -> %s [%s]", e.Task, from, e.Point, e.State)
}

// Choice returns the choice that replays this step.
func (e Event) Choice() Choice { return Choice{Task: e.Task, SeeCancel: e.Seen == SeenCancel} }

// PanicReport describes a task that panicked.
type PanicReport struct {
	Task  TaskID
	Name  string
	Value any
	Stack []byte // the task goroutine's stack where it panicked
}

func (p *PanicReport) String() string {
	return fmt.Sprintf("task %s (T%d) panicked: %v\n%s", p.Name, p.Task, p.Value, p.Stack)
}

// Misuse is the panic value (and the report) for a hook used against the
// scheduler's rules: a hook called by a goroutine that does not hold the
// token, Park outside a task, a mutex unlocked by a task that does not hold
// it, a driver call while a task runs.
type Misuse struct {
	Msg string
	// Stuck, when not nil, says the misuse is a task that blocked outside
	// the hooks (the step timeout passed).
	Stuck *Stuck
}

// Stuck is a task whose Step did not come back within the step timeout:
// it blocked outside the hooks (a sync.Mutex, a channel, a sleep, a
// goroutine of its own), or it spins.
type Stuck struct {
	Task    TaskID
	Name    string
	From    string        // the scheduling point it was resumed from
	Timeout time.Duration // how long the Step had run
	// Stack is the stuck goroutine's stack when it was found ("" if it
	// could not be read).
	Stack string
}

func (m *Misuse) Error() string { return "scheduler: " + m.Msg }

func misusef(format string, args ...any) *Misuse {
	return &Misuse{Msg: fmt.Sprintf(format, args...)}
}

// GoexitError is the panic value reported for a task body that called
// runtime.Goexit itself (t.FailNow inside a task, say).
type GoexitError struct{}

func (GoexitError) Error() string { return "task called runtime.Goexit" }

// Turn values besides a task's ID.
const (
	turnDriver  int32 = -1 // no task runs
	turnHandoff int32 = -2 // a task is handing the token back
)

// driverID is the holder a mutex reports when the driver holds it.
const driverID TaskID = -1

type task struct {
	id     TaskID
	name   string
	body   func()
	resume chan struct{} // driver -> task; closed to abort

	started bool
	aborted bool // resume is closed (driver only)
	kind    PointKind
	point   string

	ms   *mutexState     // AtLock
	slot *sched.Slot     // AtPark
	ctx  context.Context // AtPark

	seeCancel bool // set by the driver before resuming from Park
	returned  bool // the body returned normally
	unwinding bool // aborted by Close: hooks never schedule again
	panic     *PanicReport
	goid      atomic.Int64 // strict mode: the task goroutine's ID
}

func (t *task) finished() bool { return t.kind >= AtDone }

type mutexState struct {
	m     *sched.Mutex
	seq   int   // order of first use, for reports
	owner *task // nil: free
}

// Scheduler is a controlled sched.Runtime. Create it with New, Spawn tasks,
// drive it with Step, Run or RunUntil, and always Close it. A Scheduler is
// driven from one goroutine; distinct Schedulers share nothing and may run
// in parallel.
type Scheduler struct {
	tasks []*task
	back  chan struct{} // task -> driver (capacity 1: a stray send never blocks)
	turn  atomic.Int32  // turnDriver, turnHandoff or the running task's ID

	// Mutex states: the map finds them, the slice orders them.
	mutexes map[*sched.Mutex]*mutexState
	mlist   []*mutexState
	lastMS  *mutexState // one-entry lookup cache
	driver  task        // stands for the driver as a mutex owner
	bypass  bool        // a relock by the scheduler itself: Lock passes through

	trace   []Event
	enabled []Choice
	closed  bool
	strict  bool
	// driverG is the driver goroutine's ID, read by the first task
	// goroutine from its own stack (it was created by the driver's first
	// Step).
	driverG atomic.Int64

	poisoned   atomic.Bool
	poisonOnce sync.Once
	misuse     *Misuse // written before poisoned is set

	// The watchdog (watch): a timer armed at the first Step when timeout >
	// 0. seq counts Step's beginnings and ends (odd: a Step is under way);
	// watchSeq and watchTicks are the timer callback's own.
	timeout    time.Duration
	watchdog   atomic.Pointer[time.Timer]
	seq        atomic.Uint64
	over       atomic.Bool // Close ran: the watchdog stops
	watchSeq   uint64
	watchTicks int
	watchBusy  int // timeouts this step ran through on the CPU
	// watchMu guards what the watchdog reads of the step under way: its
	// task, the point it resumed from, and whether Close is unwinding.
	// The driver writes them before the step's seq turns odd; the task's
	// own fields (its point, which its goroutine rewrites at its next
	// hook, perhaps while the watchdog fires) are never read by the
	// watchdog.
	watchMu     sync.Mutex
	stepTask    *task
	stepFrom    string
	stepUnwinds bool
}

// DefaultStepTimeout is how long a Step may run before the watchdog reports
// its task as blocked outside the hooks. A task between two hooks runs a
// few microseconds; a second is far beyond anything but a block.
const DefaultStepTimeout = time.Second

// watchTicks is how many watchdog ticks (timeout/watchTicks apart) see the
// same Step under way before its task is reported: it has run at least
// (watchTicks-1)/watchTicks of the timeout, at most the whole.
const watchTicks = 4

// New returns an empty scheduler.
func New() *Scheduler {
	s := &Scheduler{
		back:    make(chan struct{}, 1),
		mutexes: make(map[*sched.Mutex]*mutexState),
	}
	s.turn.Store(turnDriver)
	s.driver = task{id: driverID, name: "the driver", kind: AtStart}
	s.timeout = DefaultStepTimeout
	return s
}

// SetStepTimeout sets the step timeout (see Limits in the package comment),
// before the first Step; 0 turns the watchdog off.
func (s *Scheduler) SetStepTimeout(d time.Duration) {
	if len(s.trace) > 0 {
		panic("scheduler: SetStepTimeout after the first Step")
	}
	s.timeout = max(d, 0)
}

// watch is the watchdog's tick: when the same Step has been under way for
// watchTicks ticks, its task is stuck outside the hooks; the scheduler is
// poisoned, which wakes the driver.
func (s *Scheduler) watch() {
	if s.over.Load() || s.poisoned.Load() {
		return
	}
	seq := s.seq.Load()
	if seq&1 == 0 || seq != s.watchSeq {
		s.watchSeq, s.watchTicks, s.watchBusy = seq, 1, 0
		s.watchdog.Load().Reset(s.timeout / watchTicks)
		return
	}
	if s.watchTicks++; s.watchTicks < watchTicks {
		s.watchdog.Load().Reset(s.timeout / watchTicks)
		return
	}
	id := s.turn.Load()
	s.watchMu.Lock()
	t, from, unwinds := s.stepTask, s.stepFrom, s.stepUnwinds
	s.watchMu.Unlock()
	if id < 0 || t == nil || s.seq.Load() != seq {
		// Handing back, or the step ended meanwhile: not stuck after
		// all; keep watching the steps to come.
		s.watchTicks = 0
		s.watchdog.Load().Reset(s.timeout / watchTicks)
		return
	}
	stack := s.taskStack()
	if st := goroutineState(stack); (st == "running" || st == "runnable") && s.watchBusy < maxBusyChecks {
		// On the CPU or waiting for it, not blocked: a slow step on a
		// loaded machine (the race detector, more runs than cores), or a
		// spin. Give it longer before calling it stuck.
		s.watchBusy++
		s.watchTicks = 0
		s.watchdog.Load().Reset(s.timeout / watchTicks)
		return
	}
	if unwinds {
		s.poisonWith(misusef("task %s did not hand back within %v of being unwound (Close): a goroutine that is not the task's (did the primitive start its own goroutine?) took the task's turn at a hook, or the task blocked outside the hooks; the task's goroutine:\n%s", t.name, s.timeout, stack))
		return
	}
	st := &Stuck{Task: t.id, Name: t.name, From: from, Timeout: s.timeout, Stack: stack}
	s.poisonWith(&Misuse{Stuck: st, Msg: fmt.Sprintf(
		"task %s, resumed at %q, has neither reached a scheduling point nor returned for %v: it blocked outside impl/sched (a sync.Mutex, a channel, a sleep, a goroutine of its own) or it spins",
		t.name, from, s.timeout)})
}

// underWay records, for the watchdog, the step about to start: t resumes
// from point (or is unwound by Close). It is called before the turn is
// t's, while t's goroutine is parked.
func (s *Scheduler) underWay(t *task, from string, unwinds bool) {
	if s.timeout <= 0 {
		return
	}
	s.watchMu.Lock()
	s.stepTask, s.stepFrom, s.stepUnwinds = t, from, unwinds
	s.watchMu.Unlock()
}

// maxBusyChecks is how many more timeouts a step whose goroutine is
// running or runnable (not blocked) is given before it is reported: a
// step slowed by a loaded machine ends long before; one that spins does
// not.
const maxBusyChecks = 9

// goroutineState is the state in a goroutine record's header
// ("goroutine 7 [chan receive]:" -> "chan receive"), without the minutes
// a long wait adds ("chan receive, 2 minutes"); "" if none.
func goroutineState(rec string) string {
	_, rest, ok := strings.Cut(rec, "[")
	if !ok {
		return ""
	}
	st, _, ok := strings.Cut(rest, "]")
	if !ok {
		return ""
	}
	st, _, _ = strings.Cut(st, ",")
	return st
}

// taskStack returns the stack of the running task's goroutine ("" if it
// cannot be found): in a dump of every goroutine's stack, the record of a
// task goroutine this scheduler's driver started (created by Step in the
// driver's goroutine) that is not parked in a hook. Reading goroutine IDs up
// front instead would cost every task a microsecond; this costs only a
// stuck run.
func (s *Scheduler) taskStack() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	creator := "scheduler.(*Scheduler).Step in goroutine " + strconv.FormatInt(s.driverG.Load(), 10) + "\n"
	for _, rec := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(rec, "scheduler.(*Scheduler).main(") && strings.Contains(rec+"\n", creator) &&
			!strings.Contains(rec, "scheduler.(*Scheduler).pause(") {
			return rec
		}
	}
	return ""
}

var _ sched.Runtime = (*Scheduler)(nil)

// SetStrict turns on strict mode, before the first Step: every hook then
// checks that it is called by the goroutine it claims to be (the running
// task's, or the driver's), so that a primitive that calls hooks from a
// goroutine of its own is always reported (as a Misuse) instead of being
// mistaken for the running task. It costs about a microsecond per hook.
func (s *Scheduler) SetStrict(on bool) {
	if len(s.trace) > 0 {
		panic("scheduler: SetStrict after the first Step")
	}
	s.strict = on
}

// Spawn adds a task that will run body. It does not run until a Step
// chooses it (its first point is "start"). Call it from the driver or from
// a running task.
func (s *Scheduler) Spawn(name string, body func()) TaskID {
	if s.closed {
		panic("scheduler: Spawn after Close")
	}
	t := &task{
		id:     TaskID(len(s.tasks)),
		name:   name,
		body:   body,
		resume: make(chan struct{}),
		kind:   AtStart,
		point:  "start",
	}
	s.tasks = append(s.tasks, t)
	return t.id
}

// NumTasks is the number of tasks spawned so far.
func (s *Scheduler) NumTasks() int { return len(s.tasks) }

// Name is the name task id was spawned with.
func (s *Scheduler) Name(id TaskID) string { return s.task(id).name }

func (s *Scheduler) task(id TaskID) *task {
	if id < 0 || int(id) >= len(s.tasks) {
		panic(fmt.Sprintf("scheduler: no task T%d (%d spawned)", id, len(s.tasks)))
	}
	return s.tasks[id]
}

// TaskInfo is the driver's view of one task.
type TaskInfo struct {
	ID    TaskID
	Name  string
	State State
	Kind  PointKind
	Point string
	// In Park: whether the slot has been woken, whether the context is done.
	Woken, Cancelled bool
	// Blocked: the task that holds the mutex (-1: the driver) and its name.
	Holder     TaskID
	HolderName string
	// Panicked: the report.
	Panic *PanicReport
}

// Task reports the state of task id. Call it from the driver.
func (s *Scheduler) Task(id TaskID) TaskInfo {
	t := s.task(id)
	ti := TaskInfo{ID: t.id, Name: t.name, State: s.state(t), Kind: t.kind, Point: t.point, Holder: driverID, Panic: t.panic}
	switch t.kind {
	case AtPark:
		ti.Woken, ti.Cancelled = t.slot.Woken(), t.ctx.Err() != nil
	case AtLock:
		if o := t.ms.owner; o != nil {
			ti.Holder, ti.HolderName = o.id, o.name
		}
	}
	return ti
}

// At reports the kind of point task id stands at and, in Park, whether its
// slot has been woken: what Task reports as Kind and Woken, without the
// rest. Call it from the driver.
func (s *Scheduler) At(id TaskID) (kind PointKind, woken bool) {
	t := s.task(id)
	if t.kind == AtPark {
		return t.kind, t.slot.Woken()
	}
	return t.kind, false
}

// Point reports the kind and the name of the point task id stands at (what
// Task reports as Kind and Point). Call it from the driver.
func (s *Scheduler) Point(id TaskID) (PointKind, string) {
	t := s.task(id)
	return t.kind, t.point
}

// state computes t's state from its point (driver only).
func (s *Scheduler) state(t *task) State {
	switch t.kind {
	case AtLock:
		if t.ms.owner != nil {
			return Blocked
		}
	case AtPark:
		if !t.slot.Woken() && t.ctx.Err() == nil {
			return Parked
		}
	case AtDone:
		return Done
	case AtPanic:
		return Panicked
	case AtAbort:
		return Aborted
	}
	return Ready
}

// Enabled lists the choices the driver may take now, ordered by TaskID, a
// task's grant before its cancel. The slice is reused by the next call of
// Enabled, Quiescent or Run: copy it to keep it.
func (s *Scheduler) Enabled() []Choice {
	s.mustDrive("Enabled")
	s.enabled = s.appendEnabled(s.enabled[:0])
	return s.enabled
}

func (s *Scheduler) appendEnabled(en []Choice) []Choice {
	for _, t := range s.tasks {
		switch t.kind {
		case AtStart, AtYield:
			en = append(en, Choice{Task: t.id})
		case AtLock:
			if t.ms.owner == nil {
				en = append(en, Choice{Task: t.id})
			}
		case AtPark:
			if t.slot.Woken() {
				en = append(en, Choice{Task: t.id})
			}
			if t.ctx.Err() != nil {
				en = append(en, Choice{Task: t.id, SeeCancel: true})
			}
		}
	}
	return en
}

// IsEnabled reports whether c is one of Enabled's choices.
func (s *Scheduler) IsEnabled(c Choice) bool {
	if c.Task < 0 || int(c.Task) >= len(s.tasks) {
		return false
	}
	t := s.tasks[c.Task]
	switch t.kind {
	case AtStart, AtYield:
		return !c.SeeCancel
	case AtLock:
		return !c.SeeCancel && t.ms.owner == nil
	case AtPark:
		if c.SeeCancel {
			return t.ctx.Err() != nil
		}
		return t.slot.Woken()
	}
	return false
}

// ChoiceFor resolves the choice that runs task id: for a task in Park that
// is both woken and cancelled, preferCancel says which it observes; when
// only one holds, that one. ok is false when the task is not enabled.
func (s *Scheduler) ChoiceFor(id TaskID, preferCancel bool) (c Choice, ok bool) {
	c = Choice{Task: id, SeeCancel: preferCancel}
	if s.IsEnabled(c) {
		return c, true
	}
	c.SeeCancel = !preferCancel
	if s.IsEnabled(c) {
		return c, true
	}
	return Choice{Task: id}, false
}

// Quiescent reports whether no choice is enabled while some task has not
// finished.
func (s *Scheduler) Quiescent() bool {
	s.mustDrive("Quiescent")
	s.enabled = s.appendEnabled(s.enabled[:0])
	if len(s.enabled) > 0 {
		return false
	}
	for _, t := range s.tasks {
		if !t.finished() {
			return true
		}
	}
	return false
}

// UseTrace gives the scheduler buf's room to record its trace into (from
// length 0), before the first Step, instead of a fresh slice: a caller
// recycling an earlier trace it no longer uses. A nil buf changes nothing.
func (s *Scheduler) UseTrace(buf []Event) {
	if len(s.trace) > 0 {
		panic("scheduler: UseTrace after the first Step")
	}
	if buf != nil {
		s.trace = buf[:0]
	}
}

// Trace returns every step taken so far, in order. Entries are never
// modified afterwards; the caller must not modify them either.
func (s *Scheduler) Trace() []Event { return s.trace[:len(s.trace):len(s.trace)] }

// Steps is the number of steps taken so far.
func (s *Scheduler) Steps() int { return len(s.trace) }

// Poisoned reports whether a misuse (or a task stuck outside the hooks) has
// poisoned the scheduler. Any goroutine may call it.
func (s *Scheduler) Poisoned() bool { return s.poisoned.Load() }

// Misuse returns the misuse that poisoned the scheduler, or nil.
func (s *Scheduler) Misuse() *Misuse {
	if !s.poisoned.Load() {
		return nil
	}
	return s.misuse
}

// mustDrive panics unless no task runs (the caller should be the driver).
func (s *Scheduler) mustDrive(what string) {
	if s.turn.Load() != turnDriver {
		panic(misusef("%s called while a task runs: only the driver, between steps, drives the scheduler", what))
	}
}

// Step runs the task c names from the point where it stands to its next
// scheduling point, or until it finishes or panics, and returns what
// happened (also appended to the trace). c must be enabled (see Enabled,
// IsEnabled, ChoiceFor): Step panics otherwise, and after Close. Once the
// scheduler is poisoned by a misuse (Misuse), Step runs nothing and returns
// an event at the point "misuse", Panicked.
func (s *Scheduler) Step(c Choice) Event {
	s.mustDrive("Step")
	if s.closed {
		panic("scheduler: Step after Close")
	}
	if s.poisoned.Load() {
		// Poisoned, maybe since the last step (a goroutine that did not
		// hold the token got caught): nothing runs any more.
		return Event{Task: c.Task, Kind: AtPanic, Point: "misuse", State: Panicked}
	}
	t := s.task(c.Task)
	if !s.IsEnabled(c) {
		panic(fmt.Sprintf("scheduler: choice %+v is not enabled: task %s is %s at %q", c, t.name, s.state(t), t.point))
	}
	ev := Event{Task: t.id, From: t.point}
	switch t.kind {
	case AtLock:
		// The controlled lock decides ownership here; the task then takes
		// the inner sync.Mutex, which is free.
		t.ms.owner = t
		t.ms = nil
	case AtPark:
		ev.Window = t.slot.Woken() && t.ctx.Err() != nil
		ev.Seen = SeenGrant
		if c.SeeCancel {
			ev.Seen = SeenCancel
		}
		t.seeCancel = c.SeeCancel
	}
	if s.trace == nil {
		s.trace = make([]Event, 0, 64)
	}
	s.underWay(t, ev.From, false)
	s.turn.Store(int32(t.id))
	if s.timeout > 0 && s.watchdog.Load() == nil {
		tm := time.AfterFunc(time.Hour, s.watch)
		s.watchdog.Store(tm)
		tm.Reset(s.timeout / watchTicks)
	}
	s.seq.Add(1) // odd: under way
	if !t.started {
		t.started = true
		go s.main(t)
	} else {
		t.resume <- struct{}{}
	}
	<-s.back
	s.seq.Add(1)
	s.turn.Store(turnDriver)
	if s.poisoned.Load() {
		// The token went astray (a hook called by a goroutine that is not
		// the task's); the goroutine we resumed may still be running.
		ev.Kind, ev.Point, ev.State = AtPanic, "misuse", Panicked
	} else {
		ev.Kind, ev.Point, ev.State = t.kind, t.point, s.state(t)
	}
	s.trace = append(s.trace, ev)
	return ev
}

// main is a task goroutine.
func (s *Scheduler) main(t *task) {
	if s.strict || s.driverG.Load() == 0 {
		// The stack of a goroutine that has just started is short: reading
		// it here costs far less than reading the driver's own, deep one.
		g, creator := goids()
		if s.strict {
			t.goid.Store(g)
		}
		if s.driverG.Load() == 0 {
			s.driverG.Store(creator)
		}
	}
	defer s.finish(t)
	t.body()
	t.returned = true
}

// finish ends a task goroutine: it records how the body ended and hands the
// token back for the last time.
func (s *Scheduler) finish(t *task) {
	r := recover()
	if s.poisoned.Load() {
		return
	}
	if !s.turn.CompareAndSwap(int32(t.id), turnHandoff) {
		s.poisonWith(misusef("task %s ended while it did not hold the token: a goroutine that is not the task's (did the primitive start its own goroutine?) called a hook in its name", t.name))
		return
	}
	switch {
	case t.unwinding:
		// Aborted by Close. A panic raised by deferred code during the
		// unwind is dropped: the run is over.
		t.kind, t.point = AtAbort, "abort"
	case r != nil:
		t.kind, t.point = AtPanic, "panic"
		t.panic = &PanicReport{Task: t.id, Name: t.name, Value: r, Stack: debug.Stack()}
	case t.returned:
		t.kind, t.point = AtDone, "done"
	default:
		t.kind, t.point = AtPanic, "panic"
		t.panic = &PanicReport{Task: t.id, Name: t.name, Value: GoexitError{}, Stack: debug.Stack()}
	}
	t.ms, t.slot, t.ctx = nil, nil, nil
	s.back <- struct{}{}
}

// poisonWith records the misuse that breaks the scheduler and wakes the
// driver if it waits for a handoff that may never come (the wake-up stays
// in back's buffer if it does not wait yet; every receive from back checks
// poisoned).
func (s *Scheduler) poisonWith(m *Misuse) {
	s.poisonOnce.Do(func() {
		s.misuse = m
		s.poisoned.Store(true)
		select {
		case s.back <- struct{}{}:
		default:
		}
	})
}

// caller returns the running task, or nil when no task runs (the caller is
// the driver).
func (s *Scheduler) caller(hook string) *task {
	switch id := s.turn.Load(); {
	case id >= 0:
		return s.tasks[id]
	case id == turnDriver:
		return nil
	default:
		s.lost(misusef("%s called while a task hands the token back: a goroutine that is not a task (did the primitive start its own goroutine?) called a hook", hook))
		return nil
	}
}

// lost reports a hook called by a goroutine that does not hold the token:
// it poisons the scheduler (the driver wakes up and reports m) and ends the
// calling goroutine, which must not run on as if it held the token.
func (s *Scheduler) lost(m *Misuse) {
	s.poisonWith(m)
	runtime.Goexit()
}

// pause hands the token back at a scheduling point and waits to be chosen
// again. It reports true when the task was aborted instead.
func (s *Scheduler) pause(t *task, k PointKind, point string) (aborted bool) {
	if !s.turn.CompareAndSwap(int32(t.id), turnHandoff) {
		s.lost(misusef("two goroutines called hooks as task %s: a goroutine that is not the task's (did the primitive start its own goroutine?) called a hook while the task ran", t.name))
	}
	t.kind, t.point = k, point
	s.back <- struct{}{}
	if _, ok := <-t.resume; !ok {
		t.unwinding = true
		return true
	}
	return false
}

// lookup returns m's state, creating it on first use.
func (s *Scheduler) lookup(m *sched.Mutex) *mutexState {
	if ms := s.lastMS; ms != nil && ms.m == m {
		return ms
	}
	ms := s.mutexes[m]
	if ms == nil {
		ms = &mutexState{m: m, seq: len(s.mlist)}
		s.mutexes[m] = ms
		s.mlist = append(s.mlist, ms)
	}
	s.lastMS = ms
	return ms
}

// relock locks m's inner sync.Mutex again for its recorded owner, after it
// was unlocked by someone else: the invariant "locked exactly when an owner
// is recorded" survives, so the owner's own Unlock cannot fault.
func (s *Scheduler) relock(m *sched.Mutex) {
	s.bypass = true
	m.Lock()
	s.bypass = false
}

// byDriver reports, on a poisoned scheduler, whether the caller is the
// driver goroutine (slow: it reads the goroutine's ID; misuse runs only).
func (s *Scheduler) byDriver() bool {
	d := s.driverG.Load()
	return d != 0 && goid() == d
}

// strictCheck verifies, in strict mode, that the goroutine calling a hook is
// the one it claims to be: t's, or the driver's when t is nil. Any other
// goroutine poisons the scheduler and is ended.
func (s *Scheduler) strictCheck(t *task, hook string) {
	g := goid()
	switch {
	case t != nil && g == t.goid.Load():
		return
	case t == nil && (s.driverG.Load() == 0 || g == s.driverG.Load()):
		return
	}
	holder := "the driver"
	if t != nil {
		holder = "task " + t.name
	}
	s.lost(misusef("%s called by goroutine %d while %s holds the token: a goroutine that is not a task (did the primitive start its own goroutine?) called a hook", hook, g, holder))
}

// Lock implements sched.Runtime: a scheduling point; it returns when the
// calling task owns m.
func (s *Scheduler) Lock(m *sched.Mutex) {
	if s.bypass {
		return
	}
	if s.poisoned.Load() {
		if s.byDriver() {
			return
		}
		runtime.Goexit()
	}
	t := s.caller("Lock")
	if s.strict {
		s.strictCheck(t, "Lock")
	}
	ms := s.lookup(m)
	if t == nil {
		if ms.owner != nil {
			panic(misusef("the driver (or a goroutine outside the scheduler) locks mutex#%d, held by %s: it would block forever", ms.seq, ms.owner.name))
		}
		ms.owner = &s.driver
		return
	}
	if t.unwinding {
		if ms.owner == nil {
			ms.owner = t
			return
		}
		runtime.Goexit()
	}
	t.ms = ms
	if s.pause(t, AtLock, "lock") {
		// Aborted in Lock. Take the inner mutex if it is free, so that a
		// deferred Unlock paired with this Lock stays balanced.
		if ms.owner == nil && !s.poisoned.Load() {
			ms.owner = t
			s.relock(m)
		}
		runtime.Goexit()
	}
	// Step made t the owner.
}

// Unlock implements sched.Runtime: it releases the calling task's ownership
// of m. It is not a scheduling point.
func (s *Scheduler) Unlock(m *sched.Mutex) {
	if s.bypass || s.poisoned.Load() {
		return
	}
	t := s.caller("Unlock")
	if s.strict {
		s.strictCheck(t, "Unlock")
	}
	ms := s.lookup(m)
	if t == nil {
		t = &s.driver
	}
	switch ms.owner {
	case t:
		ms.owner = nil
	case nil:
		if t.unwinding {
			// A deferred Unlock of a mutex the task let go of before it
			// parked: skip the real unlock (it would be the second).
			runtime.Goexit()
		}
		// Locked outside the scheduler's view (before SetRuntime, say):
		// let the inner Unlock go ahead.
	default:
		// The inner sync.Mutex is the owner's; sched.Mutex.Unlock unlocks it
		// only after this returns, so end the caller here instead.
		if t.unwinding {
			runtime.Goexit() // skips the rest of the deferred call
		}
		panic(misusef("%s unlocked mutex#%d, which %s holds", t.name, ms.seq, ms.owner.name))
	}
}

// Park implements sched.Runtime: a scheduling point. The task is enabled
// once sl is woken or ctx is done, and returns nil or ctx.Err() as the step
// that resumes it chose.
func (s *Scheduler) Park(ctx context.Context, sl *sched.Slot) error {
	if s.poisoned.Load() && !s.byDriver() {
		runtime.Goexit()
	}
	t := s.caller("Park")
	if s.strict {
		s.strictCheck(t, "Park")
	}
	if t == nil {
		panic(misusef("Park called outside a task: only a task spawned on the scheduler may wait on a slot (the driver, or a goroutine of the primitive's own, called it)"))
	}
	if t.unwinding {
		runtime.Goexit()
	}
	if ctx == nil || sl == nil {
		panic(misusef("task %s: Park with a nil context or slot", t.name))
	}
	t.slot, t.ctx = sl, ctx
	if s.pause(t, AtPark, "park") {
		runtime.Goexit()
	}
	t.slot, t.ctx = nil, nil
	if t.seeCancel {
		return ctx.Err()
	}
	return nil
}

// Yield implements sched.Runtime: a named scheduling point. Called by the
// driver it does nothing.
func (s *Scheduler) Yield(point string) {
	if s.poisoned.Load() {
		if s.byDriver() {
			return
		}
		runtime.Goexit()
	}
	t := s.caller("Yield")
	if s.strict {
		s.strictCheck(t, "Yield")
	}
	if t == nil {
		return
	}
	if t.unwinding {
		runtime.Goexit()
	}
	if s.pause(t, AtYield, point) {
		runtime.Goexit()
	}
}

// Close unwinds every task that has not finished (see the package comment)
// and leaves no goroutine behind; then it releases every mutex a task still
// holds, so that the driver may read the primitives afterwards. It is
// idempotent. On a poisoned scheduler it releases every task goroutine
// without waiting for them, and no mutex.
func (s *Scheduler) Close() {
	if s.closed {
		return
	}
	s.mustDrive("Close")
	s.closed = true
	// The watchdog guards the unwinding handoffs too (a task whose resume
	// a goroutine of the primitive's took may never hand back); it stops
	// at the end.
	defer func() {
		s.over.Store(true)
		if tm := s.watchdog.Load(); tm != nil {
			tm.Stop()
		}
	}()
	for _, t := range s.tasks {
		if s.poisoned.Load() {
			// Goroutines may still run unchecked: read nothing they write,
			// release every goroutine parked in a hook.
			if t.started && !t.aborted {
				t.aborted = true
				close(t.resume)
			}
			continue
		}
		switch {
		case t.finished():
			continue
		case !t.started:
			t.kind, t.point = AtAbort, "abort"
			continue
		}
		s.underWay(t, t.point, true)
		s.turn.Store(int32(t.id))
		t.aborted = true
		s.seq.Add(1) // odd: under way
		close(t.resume)
		<-s.back
		s.seq.Add(1)
		s.turn.Store(turnDriver)
	}
	if s.poisoned.Load() {
		return
	}
	// Release what the tasks still hold (an aborted task stopped inside a
	// critical section, a task that panicked or returned holding a mutex),
	// so that the driver can still read the primitives.
	s.bypass = true
	for _, ms := range s.mlist {
		if ms.owner != nil && ms.owner != &s.driver {
			ms.owner = nil
			ms.m.Unlock()
		}
	}
	s.bypass = false
}

// goid returns the calling goroutine's ID, read from its stack header
// ("goroutine 18 [running]:"). It costs a microsecond or more (the deeper
// the stack, the more): strict mode and poisoned schedulers only.
func goid() int64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	return leadingInt(buf[:n], "goroutine ")
}

// goids returns the calling goroutine's ID and the ID of the goroutine that
// created it, read from its stack ("goroutine 18 [running]:" ... "created
// by ... in goroutine 7"); -1 for what it cannot read. Called at the top of
// a goroutine, whose stack is a few frames.
func goids() (self, creator int64) {
	buf := stackBufs.Get().(*[2048]byte)
	defer stackBufs.Put(buf)
	b := buf[:runtime.Stack(buf[:], false)]
	self, creator = leadingInt(b, "goroutine "), -1
	const by = "\ncreated by "
	if i := bytes.LastIndex(b, []byte(by)); i >= 0 {
		line := b[i+len(by):]
		if j := bytes.IndexByte(line, '\n'); j >= 0 {
			line = line[:j]
		}
		const in = " in goroutine "
		if j := bytes.LastIndex(line, []byte(in)); j >= 0 {
			creator = leadingInt(line[j:], in)
		}
	}
	return self, creator
}

// stackBufs holds goids' buffers: runtime.Stack's buffer escapes, and
// goids runs once per execution.
var stackBufs = sync.Pool{New: func() any { return new([2048]byte) }}

// leadingInt reads the decimal number after prefix at the start of b; -1 if
// there is none.
func leadingInt(b []byte, prefix string) int64 {
	if !bytes.HasPrefix(b, []byte(prefix)) {
		return -1
	}
	id, n := int64(0), 0
	for _, c := range b[len(prefix):] {
		if c < '0' || c > '9' {
			break
		}
		id, n = id*10+int64(c-'0'), n+1
	}
	if n == 0 {
		return -1
	}
	return id
}
