package explore

import (
	"fmt"
	"strings"
	"time"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// Counterexample is a failing execution: the program, the schedule that
// replays it exactly (Replay), what happened, and what the judges said.
type Counterexample struct {
	Program  Program
	Schedule Schedule
	History  []history.Event
	Verdicts []judge.Verdict
	// Property and Message say what failed, in one sentence.
	Property judge.Property
	Message  string
	// Trace is the scheduler's events (one per RunTask action, with the
	// named points); Outcome is how the run ended.
	Trace       []scheduler.Event
	Outcome     scheduler.Outcome
	Preemptions int
}

func newCounterexample(prog *Program, f *Failure, ex *Execution) *Counterexample {
	return &Counterexample{
		Program:     *prog,
		Schedule:    ex.Schedule,
		History:     ex.History,
		Verdicts:    f.Verdicts,
		Property:    f.Property,
		Message:     f.Message,
		Trace:       ex.Trace,
		Outcome:     ex.Outcome,
		Preemptions: ex.Preemptions,
	}
}

// Tasks is the number of tasks of the program.
func (c *Counterexample) Tasks() int { return len(c.Program.Tasks) }

// Ops is the number of calls of the program.
func (c *Counterexample) Ops() int { return c.Program.NumOps() }

// Execution returns the counterexample's run as an Execution.
func (c *Counterexample) Execution() *Execution {
	return &Execution{Program: &c.Program, Schedule: c.Schedule, Trace: c.Trace, History: c.History, Outcome: c.Outcome, Preemptions: c.Preemptions}
}

// String describes the counterexample: the failed property, the program,
// the schedule with the scheduler's named points, and the history.
func (c *Counterexample) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", c.Property, c.Message)
	fmt.Fprintf(&b, "program (%d tasks, %d calls, %d cancels):\n", c.Tasks(), c.Ops(), len(c.Program.Cancels))
	for _, line := range strings.Split(strings.TrimRight(c.Program.String(), "\n"), "\n") {
		fmt.Fprintf(&b, "      %s\n", line)
	}
	b.WriteString(c.Execution().String())
	return b.String()
}

// Replay runs the counterexample's schedule again against target and judges
// it: the failure it returns is nil when target passes this schedule. err
// reports a schedule that does not fit the run any more.
func (c *Counterexample) Replay(target harness.Target, cfg Config) (*Failure, *Execution, error) {
	cfg = cfg.withDefaults()
	ex, err := RunSchedule(target, &c.Program, c.Schedule, cfg.MaxSteps)
	if err != nil {
		return nil, ex, err
	}
	f, _ := checkExecution(&cfg, ex, c.Program.Names())
	return f, ex, nil
}

// Budget bounds Run's search (not its shrinking): judged executions, wall
// time, or both; whichever runs out first. A zero Budget is 1,000
// executions.
type Budget struct {
	Executions int
	Time       time.Duration
}

// Result is what Run found.
type Result struct {
	Target    string
	Primitive model.Primitive
	Strategy  string
	// Seed is the base seed (the one drawn when Config.Seed was 0).
	Seed uint64
	// Programs, Executions and Schedules count the search: programs
	// generated, runs, and distinct schedules judged. Inconclusive counts
	// executions a judge could not decide; Exhausted, programs whose whole
	// schedule space within the bound was judged (Exhaustive).
	Programs, Executions, Schedules, Inconclusive, Exhausted int
	WindowCancels                                            int
	Elapsed                                                  time.Duration
	// Found is the first failure, as found; FoundAfter is the number of
	// schedules judged up to and including it, FoundIn the time it took.
	// FoundSeed is the rapid seed of the failing case: rapid.Check with
	// Property(target, cfg) and -rapid.seed=FoundSeed reproduces it.
	Found      *Counterexample
	FoundAfter int
	FoundIn    time.Duration
	FoundSeed  uint64
	// FoundProgram is the failing program's number in the whole search
	// (from 0; the i'th program's seed is ProgramSeed(Seed, i)): of the
	// shards of one search, the failure with the lowest number is the
	// one a whole search finds.
	FoundProgram uint64
	// Minimal is Found shrunk: by rapid first, then structurally (tasks,
	// calls, cancels removed and arguments lowered one at a time, each
	// candidate's schedules searched afresh), then to the fewest
	// preemptions (an exhaustive search of the shrunk program, iterative
	// preemption bounding). ShrinkExecutions and ShrinkTime are what
	// shrinking cost.
	Minimal          *Counterexample
	ShrinkExecutions int
	ShrinkTime       time.Duration
}

// Failed reports whether Run found a failure.
func (r *Result) Failed() bool { return r.Found != nil }

func (r *Result) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s, strategy %s, seed %d: %d programs, %d executions, %d schedules judged",
		r.Target, r.Primitive, r.Strategy, r.Seed, r.Programs, r.Executions, r.Schedules)
	if r.Exhausted > 0 {
		fmt.Fprintf(&b, " (%d programs exhausted)", r.Exhausted)
	}
	if r.Inconclusive > 0 {
		fmt.Fprintf(&b, ", %d inconclusive", r.Inconclusive)
	}
	fmt.Fprintf(&b, " in %v", r.Elapsed.Round(time.Millisecond))
	if r.Found == nil {
		b.WriteString(": no failure\n")
		return b.String()
	}
	fmt.Fprintf(&b, "\nfailed after %d schedules (%v, rapid seed %d); shrunk in %d executions (%v)\n",
		r.FoundAfter, r.FoundIn.Round(time.Millisecond), r.FoundSeed, r.ShrinkExecutions, r.ShrinkTime.Round(time.Millisecond))
	b.WriteString(r.Minimal.String())
	return b.String()
}

// Run searches for a failure of target: it generates programs and explores
// their schedules with cfg.Strategy, judging every execution, until the
// budget is spent or an execution fails; then it shrinks the failure:
// structurally (tasks, calls, cancels removed and arguments lowered one at
// a time, each candidate's schedules searched afresh), then to the fewest
// preemptions (an exhaustive search of the shrunk program, iterative
// preemption bounding).
//
// The i'th program and its schedules are drawn from a PCG seeded with
// ProgramSeed(cfg.Seed, i), so FoundSeed reproduces the failing program as
// Run's first one. Run has no process-global state: it may run in parallel
// with other Runs and with rapid.Check. With a budget in executions and a
// fixed Seed, Run is deterministic (the shrinking too, unless
// cfg.ShrinkTime cuts it short), whatever cfg.Workers: workers explore
// programs ahead, and their results are counted in program order, as one
// worker would count them. cfg.Shard makes it one shard of a search.
func Run(target harness.Target, cfg Config, budget Budget) Result {
	p := newProp(target, cfg)
	p.gen = Gen(target.Primitive, p.cfg.Gen)
	gen := p.gen
	cfg = p.cfg
	if budget.Executions <= 0 && budget.Time <= 0 {
		budget.Executions = 1000
	}
	if !cfg.Shard.whole() && budget.Executions > 0 {
		budget.Executions = cfg.Shard.Share(budget.Executions)
		if budget.Executions == 0 {
			// A shard with no program in the budget: nothing to do.
			return Result{Target: target.Name, Primitive: target.Primitive, Strategy: cfg.Strategy.Name(), Seed: cfg.Seed}
		}
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	shrink := cfg.ShrinkTime
	if shrink == 0 {
		shrink = DefaultShrinkTime
	}
	shrinkRuns := cfg.ShrinkRuns
	if shrinkRuns <= 0 {
		shrinkRuns = DefaultShrinkRuns
	}
	start := time.Now()
	rec := &recorder{budget: budget, start: start}
	if budget.Time > 0 {
		rec.deadline = start.Add(budget.Time)
	}
	p.rec = rec
	rec.stats = cfg.Stats
	if cfg.Workers > 1 {
		p.searchParallel(cfg.Workers, seed, cfg.Shard)
	} else {
		for i := uint64(0); rec.first == nil && rec.begin(); i++ {
			rec.progIndex = cfg.Shard.index(i)
			rec.progSeed = ProgramSeed(seed, rec.progIndex)
			src := &scheduler.Recorder{Src: scheduler.NewPCG(rec.progSeed)}
			prog := gen(src)
			rec.end(&prog, p.explore(&prog, src))
			rec.draws = src.Draws
		}
	}
	res := Result{
		Target: target.Name, Primitive: target.Primitive, Strategy: cfg.Strategy.Name(), Seed: seed,
		Programs: rec.programs, Executions: rec.executions, Schedules: rec.schedules,
		Inconclusive: rec.inconclusive, Exhausted: rec.exhausted, WindowCancels: rec.windowCancels,
		Found: rec.first, FoundAfter: rec.firstAt, FoundIn: rec.firstIn, FoundSeed: rec.failSeed,
		FoundProgram: rec.failIndex,
	}
	if rec.first == nil {
		res.Elapsed = time.Since(start)
		return res
	}
	res.Elapsed = rec.firstIn
	shrinkStart := start.Add(rec.firstIn)
	best := rec.first
	// A task blocked outside the hooks is not shrunk: every smaller
	// program that blocks too would cost a step timeout. Nor is a misuse
	// of the hooks: it is the primitive's code (a goroutine of its own
	// calling them), which any program that reaches it shows, and it can
	// cost a step timeout too (a task that never hands back).
	if shrink > 0 && best.Property != Blocked && best.Property != Misuse {
		// Each pass is bounded in executions, so that the result is a
		// pure function of the failure on any machine; the time bound
		// is a safety net.
		rec.phase = polishing
		rec.deadline = time.Now().Add(shrink)
		rec.shrinkLimit = shrinkRuns / 4
		d := p.shrinkDraws(drawn{best, rec.draws})
		rec.shrinkLimit = shrinkRuns / 2
		d = p.shrinkDraws(p.searchSmaller(d, seed))
		best = d.c
		rec.shrinkLimit = shrinkRuns
		best = p.polish(best)
		best = p.minimizePreemptions(best)
	}
	res.Minimal = best
	res.ShrinkExecutions = rec.shrinkRuns
	res.ShrinkTime = time.Since(shrinkStart)
	return res
}

// Shrinking's bounds: executions (DefaultShrinkRuns, in passes of a
// quarter, a quarter and half of it), which keep it a pure function of
// the failure, and wall time (DefaultShrinkTime), a safety net for a
// machine far slower than ours. The mutants shrink in at most about
// 17,000 executions (TestShrinksNearMinimal).
const (
	DefaultShrinkRuns = 100_000
	DefaultShrinkTime = time.Minute
)

// smallerPrograms bounds searchSmaller.
const smallerPrograms = 20000

// searchSmaller goes on searching after the first failure, among programs
// drawn no larger than the best counterexample so far (no more tasks, no
// more calls per task), for a failure of a smaller program. Failures are
// found small most often (sizes are drawn small-first), so this finds a
// small program that fails where structural shrinking, one removal at a
// time, would stop in a local minimum.
func (p *prop) searchSmaller(d drawn, seed uint64) drawn {
	best := d.c
	gen, bound := p.boundedGen(best)
	last := uint64(0) // the program that last improved best
	for j := uint64(0); j < smallerPrograms && j-last < smallerPrograms/4 && !p.rec.spent(); j++ {
		src := &scheduler.Recorder{Src: scheduler.NewPCG(ProgramSeed(^seed, j))}
		prog := gen(src)
		if WaitForRacy(&prog) {
			continue
		}
		size := Size{Tasks: len(prog.Tasks), Ops: prog.NumOps()}
		limit := sizeOf(best)
		if limit.Less(size) || (size.Tasks == limit.Tasks && size.Ops == limit.Ops && limit.Preemptions == 0) {
			continue
		}
		accept := func(ex *Execution, _ *Failure) bool {
			size.Preemptions = ex.Preemptions
			return size.Less(limit)
		}
		if o := p.exploreWith(p.cfg.Strategy, &prog, src, accept); o.fail != nil {
			best = newCounterexample(&prog, o.fail, o.ex)
			d, last = drawn{best, src.Draws}, j
			if b := sizeOf(best); b.Tasks < bound.Tasks || b.Ops < bound.Ops {
				gen, bound = p.boundedGen(best)
			}
		}
	}
	return d
}

// boundedGen is a generator of programs no larger than c's.
func (p *prop) boundedGen(c *Counterexample) (func(scheduler.Source) Program, Size) {
	g := p.cfg.Gen
	g.MaxTasks = max(c.Tasks()-1, 1) // fewer tasks is where smaller programs are
	g.MaxOps = 1
	for _, t := range c.Program.Tasks {
		g.MaxOps = max(g.MaxOps, len(t.Ops))
	}
	return Gen(p.target.Primitive, g), sizeOf(c)
}

// ProgramSeed is the seed of the i'th program (from 0) of a Run with base
// seed seed: seed itself for the first.
func ProgramSeed(seed, i uint64) uint64 {
	if i == 0 {
		return seed
	}
	s := seed + i*0x9e3779b97f4a7c15
	// splitmix64's finalizer: neighbouring seeds give unrelated programs.
	s = (s ^ (s >> 30)) * 0xbf58476d1ce4e5b9
	s = (s ^ (s >> 27)) * 0x94d049bb133111eb
	return s ^ (s >> 31)
}

// maxPolish bounds the schedules judged to minimize preemptions.
const maxPolish = 20_000

// minimizePreemptions searches the program of c exhaustively, raising the
// preemption bound from 0, for a failing schedule with fewer preemptions
// than c's.
func (p *prop) minimizePreemptions(c *Counterexample) *Counterexample {
	if c.Preemptions == 0 {
		return c
	}
	prog := c.Program
	o := p.exploreWith(Exhaustive(c.Preemptions-1, maxPolish), &prog, nil, nil)
	if o.fail != nil && o.ex.Preemptions < c.Preemptions {
		return newCounterexample(&prog, o.fail, o.ex)
	}
	return c
}

type phase uint8

const (
	searching phase = iota
	shrinking
	polishing
)

// recorder is Run's bookkeeping, fed by the property.
type recorder struct {
	budget   Budget
	start    time.Time
	deadline time.Time // zero: none
	phase    phase

	// trace: a worker of a parallel search, which keeps a mark of every
	// judged execution in marks, and stops (cut) when stop says the
	// search no longer needs its program, or at the deadline.
	trace bool
	marks []judgeMark
	stop  func() bool
	cut   bool
	// full, when set, says whether a program that has judged this many
	// executions has reached the budget (the worker's program stops: the
	// rest would not be counted).
	full func(judged int) bool

	stats     *Stats // Config.Stats, told when the first failure is found
	progSeed  uint64 // the seed of the program being explored
	progIndex uint64 // its number in the whole search
	draws     []int  // what the last program drew

	programs, executions, schedules, inconclusive, exhausted, windowCancels int
	shrinkRuns                                                              int
	shrinkLimit                                                             int // shrinking's executions allowed so far (0: no bound)

	first     *Counterexample
	firstAt   int
	firstIn   time.Duration
	failSeed  uint64
	failIndex uint64
}

// begin is called at the start of each property call; false: the search
// budget is spent, pass at once.
func (r *recorder) begin() bool {
	if r.phase != searching {
		return true
	}
	return !r.spent()
}

// spent reports whether the current phase must stop.
func (r *recorder) spent() bool {
	switch r.phase {
	case searching:
		if r.stop != nil && r.stop() {
			r.cut = true
			return true
		}
		if r.full != nil && r.full(len(r.marks)) {
			return true
		}
		if r.budget.Executions > 0 && r.schedules >= r.budget.Executions {
			return true
		}
	case shrinking:
		return false
	case polishing:
		if r.shrinkLimit > 0 && r.shrinkRuns >= r.shrinkLimit {
			return true
		}
	}
	if !r.deadline.IsZero() && time.Now().After(r.deadline) {
		r.cut = r.trace
		return true
	}
	return false
}

// judged counts a judged execution; runs is the number of runs of its
// program so far.
func (r *recorder) judged(ex *Execution, inconclusive bool, runs int) {
	if r.phase != searching {
		r.shrinkRuns++
		return
	}
	if r.trace {
		r.marks = append(r.marks, judgeMark{runs: runs, windowCancels: ex.WindowCancels, inconclusive: inconclusive})
	}
	r.schedules++
	r.windowCancels += ex.WindowCancels
	if inconclusive {
		r.inconclusive++
	}
}

func (r *recorder) end(prog *Program, o outcome) {
	if r.phase == searching {
		r.programs++
		r.executions += o.cov.Executions
		if o.cov.Exhausted {
			r.exhausted++
		}
	}
	if o.fail == nil {
		return
	}
	cx := newCounterexample(prog, o.fail, o.ex)
	if r.phase == searching {
		r.first = cx
		r.firstAt = r.schedules
		r.firstIn = time.Since(r.start)
		r.failSeed = r.progSeed
		r.failIndex = r.progIndex
		if r.stats != nil {
			r.stats.FoundPrograms.Store(int64(r.programs))
			r.stats.FoundAt.Store(int64(r.firstAt))
		}
		r.phase = shrinking
	}
}
