// Package stress runs generated programs on real goroutines, with no
// controlled scheduler: each task of a program on its own goroutine, against
// one instance built with a nil sched.Runtime (production mode: impl's
// primitives then run on a plain sync.Mutex and channels, and a user's type
// that ignores its runtime runs as it is). Cancels are delivered by
// goroutines of their own at random moments, racing the wake-ups; a run may
// inject runtime.Gosched between calls. The history is real time: every
// event is stamped with the monotonic clock, calls just before they are
// made and returns just after, and the tasks' logs are merged by time.
//
// A run ends when every task has finished, or when the tasks left in a call
// stay there: they are then "parked" at the end, and the quiescence judge
// says whether the model lets them all be waiting. A run whose tasks look
// blocked is judged at once (after a few yields); only when that judgement
// says some of them must have been granted does the run wait a grace period
// (default 100 ms) for them to move before it reports a probable lost
// wakeup: under real scheduling a blocked-looking call may only be slow, so
// the verdict is probable, and said so.
//
// A run is not a pure function of its seed (the seed fixes the program, the
// cancels' delays and the yields, not the operating system's scheduling), so
// a failure is minimized by re-running smaller programs many times, and
// reported with the rate at which it reproduces.
package stress

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

// Properties stress mode decides itself, besides the judges'.
const (
	// Stuck: after the run, a call did not return within Config.Stuck of
	// its context's cancellation (it blocks outside its context).
	Stuck judge.Property = "stuck"
)

// Config configures stress runs. Zero fields take the defaults.
type Config struct {
	// Dialect is the model judged against (default model.Go).
	Dialect model.Dialect
	// Grace is how long calls that the model says must have been granted
	// are given to return before the run reports a probable lost wakeup
	// (default 100 ms).
	Grace time.Duration
	// Stuck bounds the wait, after the run, for calls to return once their
	// contexts are cancelled (default 1 s); a call still in then is
	// reported (Stuck) and its goroutine left behind.
	Stuck time.Duration
	// Gosched: 0, a runtime.Gosched before a call in about half the runs
	// (drawn per run); > 0, in every run; < 0, never.
	Gosched int
	// JudgeOptions tune the judges.
	JudgeOptions judge.Options
}

func (c Config) withDefaults() Config {
	if c.Dialect == "" {
		c.Dialect = model.Go
	}
	if c.Grace <= 0 {
		c.Grace = 100 * time.Millisecond
	}
	if c.Stuck <= 0 {
		c.Stuck = time.Second
	}
	return c
}

// Ending says how a run ended.
type Ending uint8

const (
	// Finished: every task made all its calls.
	Finished Ending = iota
	// Settled: the tasks left in a call looked blocked, and the model lets
	// them all be waiting.
	Settled
	// Blocked: the tasks left in a call stayed blocked for the grace
	// period.
	Blocked
	// Panicked: a call panicked.
	Panicked
	// Failed: the history judged at the end of the run had already failed
	// (not linearizable, an invariant broken).
	Failed
)

func (e Ending) String() string {
	return [...]string{"finished", "settled", "blocked", "panicked", "failed"}[e]
}

// Execution is one stress run of a program.
type Execution struct {
	Program *explore.Program
	Seed    uint64
	// History is every call, return and (effective) cancel up to the end of
	// the run, in the order of their timestamps; At[i] is History[i]'s,
	// since the start of the run.
	History []history.Event
	At      []time.Duration
	// Open lists the tasks with a call in flight at the end (judged as
	// parked there).
	Open   []int
	Ending Ending
	// Panic is the first panic of a call, with its task.
	Panic *Panic
	// Stuck lists the tasks whose call did not return after the run,
	// though its context was cancelled.
	Stuck []int
	// Gosched says whether the run injected runtime.Gosched.
	Gosched bool
	// Cancels counts the cancels delivered to a call in flight.
	Cancels int
	// Elapsed is the run's wall time, up to its end (not the cleanup).
	Elapsed time.Duration
}

// Panic is a call's panic.
type Panic struct {
	Task  int
	Value any
	Stack string
}

// stamped is one event of a task's log.
type stamped struct {
	ev history.Event
	at time.Duration
}

// task is one task's state, shared by its goroutine, its cancellers and
// the runner under mu (and by nobody else: no two tasks synchronize
// through the harness, so the race detector sees the implementation's own
// synchronization only).
type task struct {
	mu      sync.Mutex
	log     []stamped
	last    time.Duration
	phase   int // 2c+1 while call c (from 0) is in flight, 2c+2 once it returned
	cancel  context.CancelFunc
	stopped bool
	pending int // cancellers not done
	done    bool
	panic   *Panic
}

// stamp appends e with a timestamp after every earlier one of the task.
func (t *task) stamp(base time.Time, e history.Event) {
	at := time.Since(base)
	if at <= t.last {
		at = t.last + 1
	}
	t.last = at
	t.log = append(t.log, stamped{e, at})
}

func (t *task) inFlight() bool { return t.phase%2 == 1 }

type runner struct {
	cfg      *Config
	prog     *explore.Program
	inst     harness.Instance
	base     time.Time
	tasks    []*task
	progress chan int // a task or canceller moved; -1-t: task t finished
	start    chan struct{}
	cancels  sync.WaitGroup
	rng      *rand.Rand
	names    []string
	// judged is the last judgement of the snapshot of the end.
	remaining int
}

// spins is how many times the runner yields, with no news from the tasks,
// before it looks at whether they are blocked.
const spins = 64

// Execute runs prog once against a fresh instance of target (built with a
// nil runtime) and judges it: f is nil when the run passed. seed draws the
// cancels' delays and the yields; the operating system's scheduling does
// the rest, so two runs with one seed may differ.
func Execute(target harness.Target, prog *explore.Program, seed uint64, cfg Config) (ex *Execution, f *explore.Failure) {
	cfg = cfg.withDefaults()
	params := prog.Params
	if d := model.Describe(prog.Primitive); d != nil {
		if full, err := d.Complete(params); err == nil {
			params = full
		}
	}
	ex = &Execution{Program: prog, Seed: seed}
	r := &runner{cfg: &cfg, prog: prog, base: time.Now(), start: make(chan struct{}),
		rng: rand.New(rand.NewPCG(seed, 0x5eed)), names: prog.Names()}
	func() {
		defer func() {
			if v := recover(); v != nil {
				ex.Panic = &Panic{Task: -1, Value: v, Stack: string(debug.Stack())}
			}
		}()
		r.inst = target.New(nil, params)
	}()
	if ex.Panic != nil {
		ex.Ending = Panicked
		return ex, &explore.Failure{Property: explore.Panic, Message: fmt.Sprintf("the constructor panicked: %v", ex.Panic.Value)}
	}
	switch {
	case cfg.Gosched > 0:
		ex.Gosched = true
	case cfg.Gosched == 0:
		ex.Gosched = r.rng.IntN(2) == 0
	}
	n := len(prog.Tasks)
	r.tasks = make([]*task, n)
	cancelsOf := make([][]int, n) // per task, per call: how many cancels (each its own canceller)
	for i := range r.tasks {
		r.tasks[i] = &task{}
		cancelsOf[i] = make([]int, len(prog.Tasks[i].Ops))
	}
	for _, c := range prog.Cancels {
		cancelsOf[c.Task][c.Call]++
	}
	// Every send of a run fits: a call's start and return, a task's end, a
	// canceller's delivery.
	r.progress = make(chan int, 2*prog.NumOps()+n+len(prog.Cancels)+1)
	r.remaining = n
	for i := range r.tasks {
		go r.runTask(i, cancelsOf[i], r.rng.Uint64(), ex.Gosched)
	}
	close(r.start)
	ex.Ending, f = r.wait(ex)
	ex.Elapsed = time.Since(r.base)
	r.stop(ex)
	if f == nil && len(ex.Stuck) > 0 {
		var names []string
		for _, t := range ex.Stuck {
			names = append(names, r.names[t])
		}
		f = &explore.Failure{Property: Stuck, Message: fmt.Sprintf(
			"%s blocked outside its context after the run: a call still in %v after its context was cancelled",
			strings.Join(names, ", "), cfg.Stuck)}
	}
	return ex, f
}

func (r *runner) runTask(i int, cancels []int, seed uint64, gosched bool) {
	t := r.tasks[i]
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	defer func() {
		if v := recover(); v != nil {
			t.mu.Lock()
			t.panic = &Panic{Task: i, Value: v, Stack: string(debug.Stack())}
			t.mu.Unlock()
		}
		t.mu.Lock()
		t.done = true
		t.mu.Unlock()
		r.progress <- -1 - i
	}()
	<-r.start
	for c, op := range r.prog.Tasks[i].Ops {
		if gosched && rng.IntN(2) == 0 {
			runtime.Gosched()
		}
		ctx, cancel := context.WithCancel(context.Background())
		if op.CtxDone {
			cancel()
		}
		t.mu.Lock()
		if t.stopped {
			t.mu.Unlock()
			cancel()
			return
		}
		t.cancel = cancel
		t.phase = 2*c + 1
		t.pending += cancels[c]
		r.cancels.Add(cancels[c])
		t.stamp(r.base, history.Event{Kind: history.Call, Task: i, Op: op})
		t.mu.Unlock()
		for k := 0; k < cancels[c]; k++ {
			go r.deliver(i, c, rng.Uint64())
		}
		r.progress <- i
		res := harness.Call(r.inst, ctx, i, op)
		t.mu.Lock()
		t.stamp(r.base, history.Event{Kind: history.Return, Task: i, Op: op, Result: res})
		t.phase = 2*c + 2
		t.mu.Unlock()
		cancel()
		r.progress <- i
	}
}

// deliver cancels task i's call c after a random delay, if the call is
// still in flight then.
func (r *runner) deliver(i, c int, seed uint64) {
	defer r.cancels.Done()
	t := r.tasks[i]
	rng := rand.New(rand.NewPCG(seed, 1))
	switch k := rng.IntN(8); {
	case k == 0: // at once
	case k < 6: // after a few yields: lands among the other tasks' steps
		for n := rng.IntN(1 << rng.IntN(7)); n > 0; n-- {
			runtime.Gosched()
		}
	default: // later: after wake-ups that take the scheduler's time
		time.Sleep(time.Duration(rng.IntN(200)) * time.Microsecond)
	}
	t.mu.Lock()
	if !t.stopped && t.phase == 2*c+1 {
		t.stamp(r.base, history.Event{Kind: history.Cancel, Task: i})
		t.cancel()
	}
	t.pending--
	t.mu.Unlock()
	r.progress <- i
}

// snapshot is the state of the run at one moment.
type snapshot struct {
	history  []history.Event
	at       []time.Duration
	open     []int
	idle     bool // some unfinished task is between two calls
	pending  bool // some canceller has not delivered yet
	panicked *Panic
}

func (r *runner) snapshot() snapshot {
	// The tasks' logs are read one after the other, while the tasks may
	// go on: a task read early could miss an event that caused one in a
	// log read later (a put missing, the get of its item there). So read
	// them all again: if no log grew in between, at the moment between the
	// two passes every log was exactly as read, a consistent cut. Tasks
	// that are still moving get a few tries, then the cut is taken as it
	// is (the run is judged again later anyway, while anything moves).
	var s snapshot
	for try := 0; ; try++ {
		var lens []int
		s, lens = r.read()
		if try == 100 || slices.Equal(lens, r.lens()) {
			return s
		}
		runtime.Gosched()
	}
}

// lens is each task's log length now.
func (r *runner) lens() []int {
	n := make([]int, len(r.tasks))
	for i, t := range r.tasks {
		t.mu.Lock()
		n[i] = len(t.log)
		t.mu.Unlock()
	}
	return n
}

// read reads every task's log and state, one task after the other, and
// the lengths of the logs it read.
func (r *runner) read() (snapshot, []int) {
	var s snapshot
	var all []stamped
	var who []int
	lens := make([]int, len(r.tasks))
	for i, t := range r.tasks {
		t.mu.Lock()
		lens[i] = len(t.log)
		all = append(all, t.log...)
		for range t.log {
			who = append(who, i)
		}
		switch {
		case t.panic != nil:
			if s.panicked == nil {
				s.panicked = t.panic
			}
		case t.inFlight() && !t.done:
			s.open = append(s.open, i)
		case !t.done:
			s.idle = true
		}
		s.pending = s.pending || t.pending > 0
		t.mu.Unlock()
	}
	idx := make([]int, len(all))
	for i := range idx {
		idx[i] = i
	}
	// By time; at equal times (the clock could not tell them apart) calls
	// before cancels before returns, so that they are judged as
	// overlapping, then by task. Each task's own events have distinct
	// times, in its order.
	slices.SortFunc(idx, func(a, b int) int {
		return cmp.Or(cmp.Compare(all[a].at, all[b].at), cmp.Compare(rank(all[a].ev.Kind), rank(all[b].ev.Kind)), cmp.Compare(who[a], who[b]))
	})
	s.history = make([]history.Event, len(idx))
	s.at = make([]time.Duration, len(idx))
	for k, i := range idx {
		s.history[k], s.at[k] = all[i].ev, all[i].at
	}
	return s, lens
}

func rank(k history.Kind) int {
	switch k {
	case history.Call:
		return 0
	case history.Cancel:
		return 1
	}
	return 2
}

// judge judges a snapshot, the tasks with a call in flight taken as parked
// at the end.
func (r *runner) judge(s *snapshot) *explore.Failure {
	in := judge.Input{
		Primitive:  r.prog.Primitive,
		Dialect:    r.cfg.Dialect,
		Params:     r.prog.Params,
		Invariants: prims.InvariantOf(r.prog.Primitive),
		Tasks:      len(r.prog.Tasks),
		Names:      r.names,
		History:    s.history,
		Quiescent:  len(s.open) > 0,
		Parked:     s.open,
		// No registration points: stress mode does not see where a call
		// parks, so Fairness is skipped.
	}
	vs := judge.Judge(in, r.cfg.JudgeOptions)
	for _, v := range vs {
		if v.Status == judge.Fail {
			return &explore.Failure{Property: v.Property, Message: v.Message, Verdicts: vs}
		}
	}
	return nil
}

// graceRounds bounds the wait before a probable lost wakeup is reported:
// that many grace periods without a move.
const graceRounds = 10

// wait follows the run to its end and judges it.
func (r *runner) wait(ex *Execution) (Ending, *explore.Failure) {
	idle := 0
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	end := func(s *snapshot) {
		ex.History, ex.At, ex.Open = s.history, s.at, s.open
		for _, e := range s.history {
			if e.Kind == history.Cancel {
				ex.Cancels++
			}
		}
	}
	for {
		select {
		case m := <-r.progress:
			r.news(m)
			idle = 0
			continue
		default:
		}
		if r.remaining == 0 {
			s := r.snapshot()
			end(&s)
			if s.panicked != nil {
				return Panicked, r.panicked(ex, s.panicked)
			}
			if f := r.judge(&s); f != nil {
				return Failed, f
			}
			return Finished, nil
		}
		if idle < spins {
			idle++
			runtime.Gosched()
			continue
		}
		s := r.snapshot()
		if s.panicked != nil {
			end(&s)
			return Panicked, r.panicked(ex, s.panicked)
		}
		if !s.idle && !s.pending {
			// Every unfinished task is in a call and has made no progress
			// for a while: judge it as it stands.
			f := r.judge(&s)
			if f == nil {
				end(&s)
				return Settled, nil
			}
			if f.Property != judge.Quiescence {
				end(&s)
				return Failed, f
			}
		}
		// Wait for news, up to the grace period, and then, if the run
		// would fail for want of a wake-up, up to graceRounds times as
		// long: a loaded machine can keep a woken goroutine off a CPU
		// for a while, and a verdict by waiting must not mistake that
		// for a lost wakeup. Only such runs pay the longer wait.
		waited := time.Duration(0)
		moved := false
		for !moved && waited < graceRounds*r.cfg.Grace {
			if timer == nil {
				timer = time.NewTimer(r.cfg.Grace)
			} else {
				timer.Reset(r.cfg.Grace)
			}
			select {
			case m := <-r.progress:
				r.news(m)
				moved = true
			case <-timer.C:
				waited += r.cfg.Grace
				if s := r.snapshot(); waited < graceRounds*r.cfg.Grace && r.judge(&s) == nil {
					waited = graceRounds * r.cfg.Grace // it settled: stop waiting
				}
			}
		}
		if moved {
			idle = 0
			continue
		}
		// Nothing moved for the grace period.
		s = r.snapshot()
		end(&s)
		if s.panicked != nil {
			return Panicked, r.panicked(ex, s.panicked)
		}
		f := r.judge(&s)
		if f == nil {
			return Settled, nil
		}
		if f.Property == judge.Quiescence {
			f.Message = fmt.Sprintf("probable lost wakeup (still blocked %v after the program's last move, while the model has the call granted or cancelled; stress mode cannot see a goroutine park, so this is a verdict by waiting): %s",
				waited, f.Message)
			return Blocked, f
		}
		return Failed, f
	}
}

func (r *runner) news(m int) {
	if m < 0 {
		r.remaining--
	}
}

func (r *runner) panicked(ex *Execution, p *Panic) *explore.Failure {
	ex.Panic = p
	return &explore.Failure{Property: explore.Panic, Message: fmt.Sprintf("task %s panicked: %v", r.names[p.Task], p.Value)}
}

// stop ends the run: no task makes another call, every call in flight has
// its context cancelled, and the runner waits (up to cfg.Stuck) for the
// tasks and the cancellers to end. A Condition's tasks may wait, after a
// cancel, to re-acquire a lock that a finished task holds (G9): the lock
// is released on their behalf.
func (r *runner) stop(ex *Execution) {
	for _, t := range r.tasks {
		t.mu.Lock()
		t.stopped = true
		if t.inFlight() {
			t.cancel()
		}
		t.mu.Unlock()
	}
	deadline := time.NewTimer(r.cfg.Stuck)
	defer deadline.Stop()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	unlock := r.prog.Primitive == model.Condition
	for r.remaining > 0 {
		select {
		case m := <-r.progress:
			r.news(m)
			continue
		case <-deadline.C:
		case <-tick.C:
			if unlock {
				r.release()
			}
			continue
		}
		break
	}
	for i, t := range r.tasks {
		t.mu.Lock()
		if !t.done {
			ex.Stuck = append(ex.Stuck, i)
		}
		t.mu.Unlock()
	}
	if len(ex.Stuck) == 0 {
		r.cancels.Wait() // short: a canceller's delay is bounded
	}
}

// release releases a Condition's lock on behalf of a finished task, for a
// waiter re-acquiring it after the run.
func (r *runner) release() {
	defer func() { _ = recover() }()
	r.inst.Do(context.Background(), model.Op{Kind: model.Release})
}
