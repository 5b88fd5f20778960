package explore

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/harness"
	"github.com/syncheck/syncheck/check/judge"
	"github.com/syncheck/syncheck/check/scheduler"
	"github.com/syncheck/syncheck/model"
)

// Counterexample is a failing execution: the program, the schedule that
// replays it exactly (Replay), what happened, and what the judges said.
type Counterexample struct {
	Program  Program
	Schedule Schedule
	History  []harness.HistoryEvent
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
	ex, err := Replay(target, &c.Program, c.Schedule, cfg.MaxSteps)
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
// budget is spent or an execution fails; then it shrinks the failure.
//
// Every program and schedule is drawn from rapid's own random stream (the
// search runs rapid.Check on Property, in chunks of cases seeded from
// cfg.Seed, with a rapid.TB of its own), so that a failure is at once a
// rapid failure: rapid reproduces it and shrinks it, and the last failing
// case the property sees (rapid's final replay of its minimal case) is
// captured. Then the preemptions are minimized: the shrunk program's
// schedules are searched exhaustively with iterative preemption bounding
// for one that fails the same property with fewer preemptions.
//
// With a budget in executions and a fixed Seed, Run is deterministic (the
// shrinking too, unless cfg.ShrinkTime cuts it short).
//
// Run drives rapid outside `go test`: it sets rapid's flags (-rapid.checks,
// -rapid.seed, -rapid.shrinktime, -rapid.nofailfile, ...) on the default
// flag set for the duration of each chunk and restores them, serializing
// with other Runs, and when the testing flags are not registered or parsed
// (a command-line tool), it calls testing.Init and parses an empty command
// line into flag.CommandLine. Do not run rapid.Check elsewhere in parallel
// with Run.
func Run(target harness.Target, cfg Config, budget Budget) Result {
	p := newProp(target, cfg)
	p.gen = Gen(target.Primitive, p.cfg.Gen)
	cfg = p.cfg
	if budget.Executions <= 0 && budget.Time <= 0 {
		budget.Executions = 1000
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	shrink := cfg.ShrinkTime
	if shrink == 0 {
		shrink = 10 * time.Second
	}
	start := time.Now()
	rec := &recorder{budget: budget, start: start}
	if budget.Time > 0 {
		rec.deadline = start.Add(budget.Time)
	}
	p.rec = rec
	for chunk := uint64(0); rec.first == nil && !rec.spent(); chunk++ {
		rec.chunkSeed = seed + chunk*0x9e3779b97f4a7c15
		if rec.chunkSeed == 0 {
			rec.chunkSeed = 1 // 0 tells rapid to pick a random seed
		}
		rec.chunkCalls = 0
		runRapid(p.check, runChunk, rec.chunkSeed, max(shrink/2, 0))
	}
	res := Result{
		Target: target.Name, Primitive: target.Primitive, Strategy: cfg.Strategy.Name(), Seed: seed,
		Programs: rec.programs, Executions: rec.executions, Schedules: rec.schedules,
		Inconclusive: rec.inconclusive, Exhausted: rec.exhausted, WindowCancels: rec.windowCancels,
		Found: rec.first, FoundAfter: rec.firstAt, FoundIn: rec.firstIn, FoundSeed: rec.failSeed,
	}
	if rec.first != nil {
		res.Elapsed = rec.firstIn
		shrinkStart := start.Add(rec.firstIn)
		best := rec.last
		if best == nil || shrink < 0 {
			best = rec.first
		}
		if shrink > 0 {
			// rapid had half the shrinking time; the structural passes
			// get what is left, at least the other half.
			rec.phase = polishing
			rec.deadline = shrinkStart.Add(shrink)
			if d := time.Now().Add(shrink / 2); d.After(rec.deadline) {
				rec.deadline = d
			}
			best = p.polish(best)
			best = p.minimizePreemptions(best)
		}
		res.Minimal = best
		res.ShrinkExecutions = rec.shrinkRuns
		res.ShrinkTime = time.Since(shrinkStart)
	} else {
		res.Elapsed = time.Since(start)
	}
	return res
}

// runChunk is the number of rapid cases per rapid.Check call in Run: the
// granularity of its time budget.
const runChunk = 256

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

	chunkSeed  uint64
	chunkCalls int

	programs, executions, schedules, inconclusive, exhausted, windowCancels int
	shrinkRuns                                                              int

	first    *Counterexample
	firstAt  int
	firstIn  time.Duration
	failSeed uint64
	last     *Counterexample // the last failure seen: rapid's final replay of its minimal case
}

// begin is called at the start of each property call; false: the search
// budget is spent, pass at once.
func (r *recorder) begin() bool {
	if r.phase != searching {
		return true
	}
	if r.spent() {
		return false
	}
	r.chunkCalls++
	return true
}

// spent reports whether the current phase must stop.
func (r *recorder) spent() bool {
	switch r.phase {
	case searching:
		if r.budget.Executions > 0 && r.schedules >= r.budget.Executions {
			return true
		}
	case shrinking:
		return false
	}
	return !r.deadline.IsZero() && time.Now().After(r.deadline)
}

func (r *recorder) judged(inconclusive bool) {
	if r.phase != searching {
		r.shrinkRuns++
		return
	}
	r.schedules++
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
		if o.ex != nil {
			r.windowCancels += o.ex.WindowCancels
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
		// rapid seeds its i-th case (from 0) with seed + i(i+1)/2.
		i := uint64(r.chunkCalls - 1)
		r.failSeed = r.chunkSeed + i*(i+1)/2
		r.phase = shrinking
	}
	r.last = cx
}

// runRapid runs rapid.Check(tb, prop) outside of any test: checks cases
// from seed, without fail files, shrinking for at most shrink.
func runRapid(prop func(*rapid.T), checks int, seed uint64, shrink time.Duration) *silentTB {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	rapidReady.Do(func() {
		// rapid.Check calls testing.Short, which panics before
		// testing.Init and flag parsing.
		testing.Init()
		if !flag.Parsed() {
			_ = flag.CommandLine.Parse(nil)
		}
	})
	restore := setFlags(map[string]string{
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.shrinktime": shrink.String(),
		"rapid.nofailfile": "true",
		"rapid.failfile":   "",
		"rapid.log":        "false",
		"rapid.v":          "false",
		"rapid.debug":      "false",
		"rapid.debugvis":   "false",
	})
	defer restore()
	tb := &silentTB{}
	rapid.Check(tb, prop)
	return tb
}

var (
	rapidMu    sync.Mutex
	rapidReady sync.Once
)

func setFlags(vals map[string]string) (restore func()) {
	old := map[string]string{}
	for name, v := range vals {
		f := flag.Lookup(name)
		if f == nil {
			panic("explore: rapid's flag -" + name + " is not registered")
		}
		old[name] = f.Value.String()
		if err := f.Value.Set(v); err != nil {
			panic(fmt.Sprintf("explore: setting -%s=%s: %v", name, v, err))
		}
	}
	return func() {
		for name, v := range old {
			_ = flag.Lookup(name).Value.Set(v)
		}
	}
}

// silentTB is the rapid.TB Run drives rapid with: it keeps rapid's report
// (Run captures the failing cases through the property itself) and never
// stops the calling goroutine.
type silentTB struct {
	failed bool
	msgs   []string
}

var _ rapid.TB = (*silentTB)(nil)

func (t *silentTB) Helper()                         {}
func (t *silentTB) Name() string                    { return "syncheck-explore-run" }
func (t *silentTB) Logf(format string, args ...any) {}
func (t *silentTB) Log(args ...any)                 {}
func (t *silentTB) Skipf(format string, args ...any) {
	t.msgs = append(t.msgs, fmt.Sprintf(format, args...))
}
func (t *silentTB) Skip(args ...any)                  { t.msgs = append(t.msgs, fmt.Sprint(args...)) }
func (t *silentTB) SkipNow()                          {}
func (t *silentTB) Errorf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }
func (t *silentTB) Error(args ...any)                 { t.fail(fmt.Sprint(args...)) }
func (t *silentTB) Fatalf(format string, args ...any) { t.fail(fmt.Sprintf(format, args...)) }
func (t *silentTB) Fatal(args ...any)                 { t.fail(fmt.Sprint(args...)) }
func (t *silentTB) FailNow()                          { t.failed = true }
func (t *silentTB) Fail()                             { t.failed = true }
func (t *silentTB) Failed() bool                      { return t.failed }

func (t *silentTB) fail(msg string) {
	t.failed = true
	t.msgs = append(t.msgs, msg)
}
