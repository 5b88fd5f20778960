package explore

import (
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// JudgeFunc judges one execution (judge.Judge's signature).
type JudgeFunc func(in judge.Input, opts judge.Options) []judge.Verdict

// Properties the scheduler itself decides, besides the judges' own.
const (
	// Panic: a task panicked (the primitive panicked, or returned an error
	// the checker cannot classify).
	Panic judge.Property = "panic"
	// Deadlock: at quiescence a task is blocked on the primitive's own
	// mutex.
	Deadlock judge.Property = "deadlock"
	// Livelock: the run was still going after MaxSteps actions.
	Livelock judge.Property = "livelock"
	// Misuse: the primitive misused the scheduling hooks (a goroutine of
	// its own called them).
	Misuse judge.Property = "misuse"
	// Blocked: a task blocked outside the hooks (a sync.Mutex, a channel,
	// a sleep): the step timeout passed with its call still running.
	Blocked judge.Property = "blocked-outside-hooks"
)

// Config configures Property and Run. Zero fields take the defaults.
type Config struct {
	// Gen shapes the generated programs.
	Gen GenConfig
	// Dialect is the model the runs are judged against (default model.Go).
	Dialect model.Dialect
	// Strategy explores each program's schedules (default WakeWindow()).
	Strategy Strategy
	// Judge judges each execution (default judge.Judge).
	Judge        JudgeFunc
	JudgeOptions judge.Options
	// MaxSteps bounds the actions of one run; a run still going then is a
	// livelock (default 10,000).
	MaxSteps int
	// Stats, when set, counts what Property did (it may be shared).
	Stats *Stats
	// Seed is Run's base seed (0: drawn from the clock, and reported).
	Seed uint64
	// ShrinkRuns bounds Run's shrinking in executions (default
	// DefaultShrinkRuns), ShrinkTime in wall time (default
	// DefaultShrinkTime, a safety net; negative: do not shrink).
	ShrinkRuns int
	ShrinkTime time.Duration
	// Workers is the number of programs Run explores at the same time
	// (0 or 1: one); the result does not depend on it (see Run).
	Workers int
	// Shard, when N > 1, makes Run one shard of a search split N ways.
	Shard Shard
}

const defaultMaxSteps = 10_000

func (c Config) withDefaults() Config {
	if c.Dialect == "" {
		c.Dialect = model.Go
	}
	if c.Strategy == nil {
		c.Strategy = WakeWindow()
	}
	if c.Judge == nil {
		c.Judge = defaultJudge
	}
	if c.MaxSteps <= 0 {
		c.MaxSteps = defaultMaxSteps
	}
	return c
}

// Stats counts programs, executions and verdicts. Safe for concurrent use.
type Stats struct {
	Programs     atomic.Int64 // programs explored
	Executions   atomic.Int64 // runs
	Schedules    atomic.Int64 // distinct schedules judged
	Exhausted    atomic.Int64 // programs whose whole schedule space (within the bound) was judged
	Inconclusive atomic.Int64 // executions a judge could not decide (not failures)
	Failures     atomic.Int64 // failing executions
	WindowCancel atomic.Int64 // cancels delivered inside a wake window
	// FoundAt and FoundPrograms are, once Run's search has found its
	// failure (the first in program order, whatever its workers), the
	// executions judged up to it and the programs (it counted), as Run's
	// Result says; 0 before. Shrinking begins there. (Schedules and
	// Programs count everything judged, a parallel search's programs run
	// ahead and shrinking's runs included.)
	FoundAt, FoundPrograms atomic.Int64
}

// Failure is what went wrong in one execution.
type Failure struct {
	// Property is the property that failed: one of judge's, or Panic,
	// Deadlock, Livelock, Misuse.
	Property judge.Property
	// Message says it in one sentence.
	Message string
	// Verdicts are the judges' verdicts (nil when the run itself failed).
	Verdicts []judge.Verdict
}

func (f *Failure) String() string { return string(f.Property) + ": " + f.Message }

// checkExecution decides whether ex failed: the scheduler's own verdicts
// first (a panic, a deadlock on the primitive's mutex, a livelock, a
// misuse), then the judges'. Inconclusive verdicts are counted in
// inconclusive, never failures.
func checkExecution(cfg *Config, ex *Execution, names []string) (f *Failure, inconclusive bool) {
	o := ex.Outcome
	switch o.Ending {
	case scheduler.TaskPanicked:
		msg := "a task panicked"
		if o.Panic != nil {
			msg = fmt.Sprintf("task %s panicked: %v", o.Panic.Name, o.Panic.Value)
		}
		return &Failure{Property: Panic, Message: msg}, false
	case scheduler.Misused:
		if st := o.Misuse.Stuck; st != nil {
			return &Failure{Property: Blocked, Message: blockedMessage(st, ex.History, names)}, false
		}
		return &Failure{Property: Misuse, Message: o.Misuse.Error()}, false
	case scheduler.Deadlock:
		var parts []string
		for _, b := range o.Blocked {
			parts = append(parts, fmt.Sprintf("%s is blocked on the primitive's mutex, held by %s", b.Name, b.HolderName))
		}
		return &Failure{Property: Deadlock, Message: "nothing can run: " + strings.Join(parts, "; ")}, false
	case scheduler.StepBound:
		return &Failure{Property: Livelock, Message: fmt.Sprintf("still running after %d actions", len(ex.Schedule))}, false
	}
	in := judge.Input{
		Primitive: ex.Program.Primitive,
		Dialect:   cfg.Dialect,
		Params:    ex.Program.Params,
		// The primitive's history invariants (its check-side descriptor).
		Invariants: prims.InvariantOf(ex.Program.Primitive),
		Tasks:      len(ex.Program.Tasks),
		Names:      names,
		History:    ex.History,
		Quiescent:  o.Ending == scheduler.Quiescent,
		// Parks: where each blocking call first parked (registration
		// points, for the Fairness judge).
		Parks:      ex.Parks,
		ParksKnown: true,
	}
	if in.Quiescent {
		in.Parked = make([]int, len(o.Parked))
		for i, t := range o.Parked {
			in.Parked[i] = int(t)
		}
	}
	vs := cfg.Judge(in, cfg.JudgeOptions)
	for _, v := range vs {
		switch v.Status {
		case judge.Fail:
			if f == nil {
				f = &Failure{Property: v.Property, Message: v.Message, Verdicts: vs}
			}
		case judge.Inconclusive:
			inconclusive = true
		}
	}
	return f, inconclusive
}

// prop is the property and what it needs, built once.
type prop struct {
	target harness.Target
	cfg    Config
	gen    func(scheduler.Source) Program
	rec    *recorder // Run's bookkeeping; nil under plain Property
}

func newProp(target harness.Target, cfg Config) *prop {
	cfg = cfg.withDefaults()
	if cfg.Gen.Ops == nil {
		cfg.Gen.Ops = target.Ops
	}
	// Only the ops the judging dialect has (a Queue's shutdown is not in
	// asyncio-3.11).
	desc := model.Describe(target.Primitive)
	cfg.Gen.Ops = slices.DeleteFunc(slices.Clone(cfg.Gen.Ops), func(k model.Kind) bool {
		o, ok := desc.Op(k)
		return ok && !o.In(cfg.Dialect)
	})
	return &prop{target: target, cfg: cfg}
}

// Property returns the property that draws a program (Gen) and its
// schedules (every decision of cfg.Strategy drawn from rapid, through
// RapidSource), runs it against target under the controlled
// scheduler, judges every execution, and fails with a one-line message
// naming the failed property ("quiescence: ...") when one fails.
// Inconclusive verdicts are counted in cfg.Stats, never failures.
//
// Use it with rapid.Check(t, Property(...)), or as a fuzz target with
// rapid.MakeFuzz. A failing case is a pure function of rapid's draws, so
// rapid shrinks tasks, calls, cancels and context switches together; the
// failure's details (program, schedule, history) are logged on the final
// replay.
func Property(target harness.Target, cfg Config) func(*rapid.T) {
	p := newProp(target, cfg)
	p.gen = Gen(target.Primitive, p.cfg.Gen)
	return p.check
}

// Check explores one program with cfg.Strategy (drawing from src; nil is
// fine for Exhaustive) and judges every execution. It returns the first
// failure, or nil, and what was covered.
func Check(target harness.Target, prog Program, cfg Config, src scheduler.Source) (*Counterexample, Coverage) {
	p := newProp(target, cfg)
	o := p.explore(&prog, src)
	if o.fail != nil {
		return newCounterexample(&prog, o.fail, o.ex), o.cov
	}
	return nil, o.cov
}

// Execute runs prog against target once, every decision taken by ch, and
// returns the execution (not judged). maxSteps <= 0 is 10,000.
func Execute(target harness.Target, prog *Program, ch Chooser, maxSteps int) *Execution {
	if maxSteps <= 0 {
		maxSteps = defaultMaxSteps
	}
	r := runner{target: &target, maxSteps: maxSteps}
	return r.execute(prog, ch)
}

// outcome is one property call's result.
type outcome struct {
	fail *Failure
	ex   *Execution
	cov  Coverage
}

func (p *prop) check(t *rapid.T) {
	if p.rec != nil && !p.rec.begin() {
		return // Run's budget is spent: pass without drawing
	}
	prog := p.gen(RapidSource(t, "program"))
	src := RapidSource(t, "schedule")
	o := p.explore(&prog, src)
	if p.rec != nil {
		p.rec.end(&prog, o)
	}
	if o.fail == nil {
		return
	}
	if p.rec == nil {
		t.Logf("%s", newCounterexample(&prog, o.fail, o.ex).String())
	}
	// One call site for every property: rapid keeps a shrunk case when it
	// fails at the same place, so shrinking may trade the failure for a
	// smaller one of another property (a mutant's one bug shows as a
	// fairness failure in one program and a lost wakeup in a smaller one).
	t.Fatal(o.fail.String())
}

// propRunner is the Runner of one property call.
type propRunner struct {
	p     *prop
	r     runner
	prog  *Program
	names []string
	// accept, when set, says which failures count (shrinking wants
	// smaller ones only); the others are passed over.
	accept func(ex *Execution, f *Failure) bool
	out    *outcome
	runs   int // Execute calls so far
}

func (r *propRunner) Execute(ch Chooser) *Execution {
	r.runs++
	return r.r.execute(r.prog, ch)
}

func (r *propRunner) Judge(ex *Execution) bool {
	st := r.p.cfg.Stats
	f, inc := checkExecution(&r.p.cfg, ex, r.names)
	if st != nil {
		st.Schedules.Add(1)
		st.WindowCancel.Add(int64(ex.WindowCancels))
		if inc {
			st.Inconclusive.Add(1)
		}
		if f != nil {
			st.Failures.Add(1)
		}
	}
	if r.p.rec != nil {
		r.p.rec.judged(ex, inc, r.runs)
	}
	if f != nil && (r.accept == nil || r.accept(ex, f)) {
		r.out.fail, r.out.ex = f, ex
		return true
	}
	if f == nil {
		// A pass: nothing keeps ex (the strategies read nothing of an
		// execution once judged), so its buffers go to the next run.
		recycle(ex)
	}
	return r.p.rec != nil && r.p.rec.spent()
}

func (p *prop) explore(prog *Program, src scheduler.Source) outcome {
	return p.exploreWith(p.cfg.Strategy, prog, src, nil)
}

func (p *prop) exploreWith(s Strategy, prog *Program, src scheduler.Source, accept func(*Execution, *Failure) bool) outcome {
	var o outcome
	r := &propRunner{p: p, r: runner{target: &p.target, maxSteps: p.cfg.MaxSteps}, prog: prog, names: prog.Names(), accept: accept, out: &o}
	o.cov = s.Explore(r, prog, src)
	if st := p.cfg.Stats; st != nil {
		st.Programs.Add(1)
		st.Executions.Add(int64(o.cov.Executions))
		if o.cov.Exhausted {
			st.Exhausted.Add(1)
		}
	}
	return o
}

// blockedMessage says which call of which task blocked outside the hooks,
// why that hangs the controlled scheduler, what to do, and where the
// goroutine was.
func blockedMessage(st *scheduler.Stuck, h []history.Event, names []string) string {
	name := st.Name
	if int(st.Task) < len(names) && names[st.Task] != "" {
		name = names[st.Task]
	}
	call, nth := "its call", 0
	for _, e := range h {
		if e.Task == int(st.Task) && e.Kind == history.Call {
			call, nth = string(e.Op.Kind), nth+1
		}
	}
	if nth > 0 {
		call = fmt.Sprintf("%s (call %d of %s)", call, nth, name)
	}
	msg := fmt.Sprintf("%s's %s ran for %v without reaching a scheduling point or returning: it blocked outside impl/sched, on a sync.Mutex, a channel, a sleep or a goroutine of its own (or it spins). "+
		"Under the controlled scheduler one task runs at a time, so a task that waits for anything but a sched.Mutex or a sched.Slot waits forever. "+
		"Build the primitive on impl/sched (its state under a sched.Mutex put under the checker's runtime, waiters parked on sched.Slots), or check it as it is in stress mode (Options.Mode \"stress\", checkcli verify --mode stress). "+
		"The run was stopped and not shrunk (each try would wait as long); the goroutine is left where it blocked",
		name, call, st.Timeout)
	if st.Stack != "" {
		msg += ":\n" + st.Stack
	}
	return msg
}
