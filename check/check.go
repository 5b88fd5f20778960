// Package check is syncheck's one public door: it verifies an
// implementation of Lock, Event, Condition, Semaphore, BoundedSemaphore,
// Queue, LifoQueue, PriorityQueue, Barrier or a weighted semaphore against
// the reference model (package model), from your own test.
//
//	func TestMyLock(t *testing.T) {
//		check.Verify(t, check.Lock("mylock", NewMyLock), check.Options{})
//	}
//
// where NewMyLock(rt sched.Runtime) *MyLock builds a fresh lock. An
// implementation built on impl/sched (a sched.Mutex for its state put under
// rt with SetRuntime, sched.Slots to park on) runs under the controlled
// scheduler, which owns every interleaving: the checker generates programs
// (tasks, calls, cancels placed anywhere), explores their schedules (the
// wake window and preemptions inside your operations on purpose), judges
// every execution (linearizability, quiescence, invariants, FIFO fairness),
// and shrinks a failure to a minimal counterexample, printed with the
// command that replays it. Any other implementation (on sync.Mutex,
// channels, sync.Cond) runs in stress mode, Options{Mode: "stress"}: the
// same programs on real goroutines, also under go test -race, judged the
// same way but for fairness, with failures reported with their
// reproduction rate (see Options.Mode for what each mode can find).
//
// Verify is the test; Property gives the same check to rapid.Check and, via
// rapid.MakeFuzz, to go test -fuzz; Replay re-runs saved counterexamples
// (Options.SaveDir) against your target in every later go test; Run, Spec
// and ReplayScenario are the same without a testing.TB, for tools.
//
// Nothing here has process-global effects: Verify calls may run in
// parallel subtests, next to your own rapid.Check calls.
package check

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check/internal/corpus"
	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/report"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Options configure Verify, Run and Property. Zero fields take the
// defaults.
type Options struct {
	// Seed fixes the search. 0: the environment variable SYNCHECK_SEED,
	// else -rapid.seed when set, else a fresh random seed; the seed is
	// printed with every result, and with Runs (not Time) as the budget a
	// run is a pure function of the target, the options and the seed.
	Seed uint64
	// Runs is the budget in judged executions (default 2,000; 500 with
	// go test -short; with Time set and Runs 0, no limit).
	Runs int
	// Time bounds the search in wall time (default: none).
	Time time.Duration
	// Tasks, Ops and Cancels bound a generated program: tasks (default 4,
	// at most 8), calls per task (default 4, 6 for a Condition; at most
	// 16), cancels per task (default 2, at most 8; negative: none).
	Tasks, Ops, Cancels int
	// Strategy is how schedules are explored: "wakewindow" (holds a woken
	// waiter back and cancels it on purpose), "random", "pct" or "pct:D"
	// (PCT with bug depth D, default 3), "exhaustive" or "exhaustive:K"
	// (every schedule with at most K preemptions, default 2), or "mix"
	// or "mix:D" (the default: each program one of wakewindow, random and
	// pct:D).
	Strategy string
	// Dialect is the model judged against (default model.Go).
	Dialect model.Dialect
	// ShrinkTime bounds shrinking a failure in wall time (negative: do
	// not shrink). In controlled mode it is a safety net (default one
	// minute): shrinking is bounded by 100,000 executions, which keeps
	// the minimal counterexample a pure function of the seed on any
	// machine, and takes a few seconds at most for syncheck's mutants.
	// In stress mode it bounds the minimization (default 10s).
	ShrinkTime time.Duration
	// StepTimeout is how long a task may run between two scheduling
	// points (its sched.Mutex, sched.Slot and Yield calls) before the check
	// stops and reports it as blocked outside impl/sched: waiting on a
	// sync.Mutex, a channel, a sleep, a goroutine of its own, which under
	// the controlled scheduler would wait forever. A task whose goroutine
	// is still on the CPU or waiting for it then (a spin, or a step slowed
	// by a loaded machine) gets up to ten times as long. Default 1s;
	// negative: never (a block then hangs the test).
	StepTimeout time.Duration
	// SaveDir, when set, is where a counterexample is saved as a scenario,
	// under SaveDir/<primitive>/, for Replay to re-run in every later test.
	SaveDir string
	// JSON and HTML, when set, are files the result is written to: the
	// Result as JSON (a VerifyReport of schema VerifySchema, as checkcli
	// verify --json prints, with no scenarios replayed), and a self-contained page (no network when opened)
	// for people: for a counterexample, the failed property and the text
	// report's sentence, what the model allowed instead, one column per
	// task of its calls and results with the blamed task in red (the one
	// parked forever, the one whose return the model does not allow, the
	// one that panicked or blocked) and how each task ended, the
	// interleaving, all numbered with the text report's steps, and
	// porcupine's linearization view in a collapsed panel; without one, a
	// page that says so (the search's counts, or the failure's sentence).
	JSON, HTML string
	// Progress, when set, is called about four times a second during the
	// search and the shrinking with what has been done so far (in stress
	// mode, during the search only).
	Progress func(Progress)
	// Mode is how programs run: "controlled" (the default) under the
	// controlled scheduler, which owns every interleaving (the wake window
	// and preemptions inside calls on purpose), replays a failure exactly
	// from its seed, and needs an implementation built on impl/sched; or
	// "stress": the same generated programs on real goroutines
	// (GOMAXPROCS as set), the instance built with a nil sched.Runtime, so
	// any implementation runs, whatever it is built from, also under
	// go test -race. Cancels land at random moments, racing the wake-ups;
	// histories are timed with the monotonic clock and judged for
	// linearizability, the invariants, and quiescence by waiting: a call
	// still blocked after a grace period while the model says it must have
	// been granted is a probable lost wakeup. Stress mode cannot hold a
	// waiter in its wake window or preempt inside a call on purpose, does
	// not judge FIFO fairness (it does not see where a call parks), and a
	// run is not a pure function of the seed (the seed fixes the programs,
	// not the operating system's scheduling): a failure is minimized by
	// re-running smaller programs many times, and reported with its
	// reproduction rate (Result.Reproduced of Result.Attempts). Strategy,
	// SaveDir and HTML are controlled mode's.
	Mode string
	// Scenario, in stress mode, is the one program every run makes
	// instead of generated ones: the scenario's tasks and their calls,
	// with a cancel for each cancel step that lands on a call in flight;
	// its steps' order is not followed (real scheduling decides), so the
	// runs differ in their timing only. It must be about the target's
	// primitive. (Controlled mode follows a scenario's steps: Spec.)
	Scenario *scenario.Scenario
	// Parallel is the number of programs explored at the same time, on
	// as many goroutines (default GOMAXPROCS). With Runs as the budget
	// the result does not depend on it: programs explored ahead are
	// counted in program order, as one worker would count them, and the
	// first failure in that order is the one shrunk (with Time, how far
	// the search gets depends on the machine, as it always does).
	// Controlled mode's.
	Parallel int
	// Shard, "K/N", makes the run shard K of a search split N ways
	// (1 <= K <= N), to spread one search over N processes or machines
	// with the same options and seed: shard K explores the search's
	// programs numbered K, K+N, K+2N, ... (from 1) and judges its share
	// of Runs, as many executions as it has programs among the first
	// Runs. Together the shards judge exactly Runs executions; with a
	// strategy that judges one execution per program (all but
	// exhaustive) they explore exactly the programs of the whole search,
	// and of their counterexamples the one with the lowest FoundProgram
	// is the whole search's (checkcli merge combines their JSON results).
	// Controlled mode's.
	Shard string
}

// Progress is what Options.Progress is told about a check under way.
type Progress struct {
	// Phase is "searching" (generating programs and judging their
	// executions) or "shrinking" (a counterexample was found and is being
	// made minimal, in at most 100,000 executions; see ShrinkTime).
	Phase string
	// Programs and Executions count the search: programs generated and
	// executions judged, so far (with several workers, programs explored
	// ahead included, which the Result may leave out) or, once shrinking,
	// up to the counterexample, as the Result counts them.
	// ShrinkExecutions counts shrinking's executions (roughly: with
	// several workers, it also counts what they judged ahead).
	Programs, Executions, ShrinkExecutions int
	// Runs is the search's budget in executions: Options.Runs, or a
	// shard's share of it (0: none, Time bounds the search).
	Runs int
	// Elapsed is the time since the check began.
	Elapsed time.Duration
}

// The phases of Progress.Phase.
const (
	phaseSearching = "searching"
	phaseShrinking = "shrinking"
)

// The modes of Options.Mode.
const (
	modeControlled = "controlled"
	modeStress     = "stress"
)

// Size is the size of a counterexample: tasks, calls, and preemptions (a
// switch away from a task that could have gone on).
type Size struct {
	Tasks       int `json:"tasks"`
	Ops         int `json:"ops"`
	Preemptions int `json:"preemptions"`
}

func (s Size) String() string { return fmt.Sprintf("%d/%d/%d", s.Tasks, s.Ops, s.Preemptions) }

// Result is what a check found, as data (it marshals to JSON).
type Result struct {
	Target string `json:"target"`
	// Failed: a counterexample was found; Property is the property it
	// fails ("linearizability", "quiescence", "fairness", "invariant",
	// "panic", "deadlock", "livelock", "misuse", or "goroutine-leak": the
	// implementation left goroutines running, with no counterexample),
	// Message says how, in one sentence.
	Failed   bool   `json:"failed"`
	Property string `json:"property,omitempty"`
	Message  string `json:"message,omitempty"`
	// Rule, when the failure contradicts one row of the Go dialect's
	// table in specs/README.md directly, is that row ("G4"); the Report
	// names it, with what it says, in its first lines. Empty when no
	// single row can be named soundly (other dialects, stress mode,
	// failures that no row states).
	Rule string `json:"rule,omitempty"`
	// Seed is the seed the search ran with; Strategy and Dialect what it
	// explored and judged against.
	Seed     uint64        `json:"seed"`
	Strategy string        `json:"strategy"`
	Dialect  model.Dialect `json:"dialect"`
	// Programs and Executions count the search: programs generated and
	// judged executions; Inconclusive counts executions the
	// linearizability search could not decide in time (never passes).
	// WindowCancels counts the search's cancels delivered inside a wake
	// window (a waiter woken and not yet resumed), the checker's favourite
	// place (shrinking's runs not counted).
	Programs      int `json:"programs"`
	Executions    int `json:"executions"`
	Inconclusive  int `json:"inconclusive"`
	WindowCancels int `json:"wake_window_cancels"`
	// Elapsed is the search's time (up to the first failure).
	Elapsed time.Duration `json:"elapsed_ns"`
	// FoundAfter is the number of executions up to the first failure;
	// FoundProgram the failing program's number in the search (from 1; of
	// a sharded search's shards, the lowest is the whole search's).
	FoundAfter   int `json:"found_after,omitempty"`
	FoundProgram int `json:"found_program,omitempty"`
	// Size is the shrunk counterexample's, Counterexample the shrunk
	// counterexample in the scenario language (model/scenario), Report the
	// report a person reads: the failed property, a table of the calls per
	// task, the interleaving, what the model allowed instead.
	Size           Size   `json:"size"`
	Counterexample string `json:"counterexample,omitempty"`
	Report         string `json:"report,omitempty"`
	// Replay is the command that runs the same search again; Saved the
	// file the counterexample was saved to (Options.SaveDir).
	Replay string `json:"replay"`
	Saved  string `json:"saved,omitempty"`
	// Mode is the mode the check ran in ("controlled" or "stress"). In
	// stress mode the counterexample reproduced in Reproduced of Attempts
	// runs of the minimal program (a run there is not a pure function of
	// the seed).
	Mode       string `json:"mode"`
	Reproduced int    `json:"reproduced,omitempty"`
	Attempts   int    `json:"attempts,omitempty"`
	// Shard is Options.Shard, "K/N", for one shard of a search.
	Shard string `json:"shard,omitempty"`
}

// minExecutions is the fewest judged executions a search must reach for a
// verdict of "no counterexample" (as many as Runs when it asks for fewer).
const minExecutions = 100

// ErrTooFewExecutions is Run's error when the search ended (its Time ran
// out) before judging enough executions to say "no counterexample": a
// search that looked at almost nothing has not passed.
var ErrTooFewExecutions = errors.New("too few executions for a verdict")

// Run is Verify without a testing.TB: it searches for a counterexample and
// returns what it found. The error is for bad options, for a search too
// short for a verdict (ErrTooFewExecutions), or for an output that could
// not be written. Result.Replay is left for the caller, who knows how it
// was invoked.
func Run(target Target, o Options) (Result, error) {
	if target.h.New == nil {
		return Result{}, errors.New("check: the zero Target checks nothing: make one with Lock, Event, Condition, Semaphore, BoundedSemaphore, Queue, LifoQueue, PriorityQueue, Barrier, Builtin or Mutants")
	}
	target.h.StepTimeout = o.StepTimeout
	cfg, budget, err := o.config(target.Primitive())
	if err != nil {
		return Result{}, err
	}
	if o.Scenario != nil && o.Mode != modeStress {
		return Result{}, errors.New("check: Options.Scenario is for stress mode (Mode \"stress\"); Spec follows a scenario's steps under the controlled scheduler")
	}
	if o.Mode == modeStress {
		return runStress(target, o, cfg, budget)
	}
	stop := progress(o.Progress, cfg.Stats, cfg.Shard.Share(budget.Executions))
	// The runs' goroutines carry this Run's label, so that leaks are told
	// apart from other Runs' in the same process.
	id := strconv.FormatUint(runIDs.Add(1), 10)
	var res explore.Result
	pprof.Do(context.Background(), pprof.Labels(scheduler.LeakLabel, id), func(context.Context) {
		res = explore.Run(target.h, cfg, budget)
	})
	stop()
	leaks, leak := leaked(id)
	r := Result{
		Target: target.Name(), Failed: res.Failed(), Seed: res.Seed, Strategy: res.Strategy, Dialect: cfg.Dialect, Mode: modeControlled,
		Programs: res.Programs, Executions: res.Schedules, Inconclusive: res.Inconclusive,
		WindowCancels: res.WindowCancels, Elapsed: res.Elapsed, FoundAfter: res.FoundAfter, Shard: o.Shard,
	}
	if r.Failed {
		r.FoundProgram = int(res.FoundProgram) + 1
	}
	if leaks > 0 && !r.Failed {
		r.Failed, r.Property = true, "goroutine-leak"
		r.Message = fmt.Sprintf("the implementation left %d goroutines running after its runs ended (started inside its calls, never ended)", leaks)
		r.Report = fmt.Sprintf("property violated: goroutine-leak\n  %s\n  one of them:\n    %s\n", r.Message, strings.ReplaceAll(leak, "\n", "\n    "))
		return r, writeOutputs(o, target.Primitive(), &r, nil)
	}
	if !r.Failed {
		need := minExecutions
		if budget.Executions > 0 {
			need = min(need, cfg.Shard.Share(budget.Executions))
		}
		if r.Executions < need {
			return r, fmt.Errorf("%w: %d judged in %v, a verdict needs at least %d (raise Time or Runs)",
				ErrTooFewExecutions, r.Executions, r.Elapsed.Round(time.Millisecond), need)
		}
		return r, writeOutputs(o, target.Primitive(), &r, nil)
	}
	c := res.Minimal
	if c == nil {
		c = res.Found
	}
	sz := c.Size()
	r.Property, r.Message = string(c.Property), c.Message
	r.Size = Size{Tasks: sz.Tasks, Ops: sz.Ops, Preemptions: sz.Preemptions}
	r.Counterexample = c.ScenarioText()
	var b strings.Builder
	report.Counterexample(&b, c, "")
	if leaks > 0 {
		fmt.Fprintf(&b, "\nbesides: the implementation left %d goroutines running after its runs ended; one of them:\n    %s\n", leaks, strings.ReplaceAll(leak, "\n", "\n    "))
	}
	r.Report = b.String()
	if id, says := ruleOf(target.Primitive(), cfg.Dialect, c); id != "" {
		r.Rule, r.Report = id, withRule(r.Report, id, says)
	}
	if o.SaveDir != "" {
		name := target.Name()
		if name == "" {
			name = "impl"
		}
		if r.Saved, err = corpus.Save(o.SaveDir, target.Primitive(), name, c); err != nil {
			return r, fmt.Errorf("saving the counterexample: %w", err)
		}
	}
	return r, writeOutputs(o, target.Primitive(), &r, c)
}

// Verify explores target's interleavings within the budget and, if it
// finds a counterexample, marks t failed (t.Error: the test goes on) with
// the minimal counterexample: the failed property, a table of the calls per
// task, the interleaving, what the model allowed instead, and the go test
// command that replays it. It returns the result either way.
func Verify(t testing.TB, target Target, o Options) Result {
	t.Helper()
	if o.Runs == 0 && o.Time == 0 && testing.Short() {
		o.Runs = 500
	}
	if o.Seed == 0 {
		o.Seed = defaultSeed()
	}
	json := o.JSON
	o.JSON = "" // written below, with the replay command
	r, err := Run(target, o)
	r.Replay = goTestCommand(t, r.Seed)
	if json != "" {
		if werr := writeOutputs(Options{JSON: json}, target.Primitive(), &r, nil); werr != nil && err == nil {
			err = werr
		}
	}
	if !r.Failed {
		if err != nil {
			t.Errorf("%s: %v\nreplay: %s", target.Name(), err, r.Replay)
			return r
		}
		t.Logf("%s (%s): no counterexample in %d judged executions (%d programs), strategy %s, seed %d",
			target.Name(), target.Primitive(), r.Executions, r.Programs, r.Strategy, r.Seed)
		return r
	}
	var b strings.Builder
	if r.Mode == modeStress && r.Counterexample != "" {
		fmt.Fprintf(&b, "%s (%s), stress mode: counterexample after %d runs (seed %d)\n\n%s", target.Name(), target.Primitive(), r.FoundAfter, r.Seed, r.Report)
		fmt.Fprintf(&b, "\nreplay: %s\n(stress mode: the seed fixes the programs, not the scheduling; the counterexample reproduced in %d of %d runs)\n", r.Replay, r.Reproduced, r.Attempts)
		t.Error(b.String())
		return r
	}
	if r.Counterexample == "" {
		fmt.Fprintf(&b, "%s (%s): %s after %d executions (seed %d)\n\n%s", target.Name(), target.Primitive(), r.Property, r.Executions, r.Seed, r.Report)
	} else {
		fmt.Fprintf(&b, "%s (%s): counterexample after %d executions (seed %d)\n\n%s", target.Name(), target.Primitive(), r.FoundAfter, r.Seed, r.Report)
		fmt.Fprintf(&b, "\nthe counterexample as a scenario:\n\n%s", r.Counterexample)
	}
	if r.Saved != "" {
		fmt.Fprintf(&b, "\nsaved to %s: check.Replay(t, target, %q) re-runs it\n", r.Saved, filepath.Dir(r.Saved))
	}
	if err != nil {
		fmt.Fprintf(&b, "\n(%v)\n", err)
	}
	fmt.Fprintf(&b, "\nreplay: %s\n", r.Replay)
	t.Error(b.String())
	return r
}

// leaked waits a little for goroutines started inside the runs to end, and
// returns how many are still alive, with the stack of one.
func leaked(id string) (int, string) {
	n, sample := scheduler.Leaked(id)
	for wait := time.Millisecond; n > 0 && wait <= 64*time.Millisecond; wait *= 2 {
		time.Sleep(wait) // a bounded grace for goroutines on their way out
		n, sample = scheduler.Leaked(id)
	}
	return n, sample
}

// runIDs numbers Runs, for their goroutines' label.
var runIDs atomic.Uint64

// Bounds on a generated program: beyond them an execution costs seconds
// and finds nothing smaller programs do not.
const (
	maxTasks   = 8
	maxOps     = 16
	maxCancels = 8
)

// config turns the options into explore's configuration for a target of
// primitive p.
func (o Options) config(p model.Primitive) (explore.Config, explore.Budget, error) {
	st, err := strategy(o.Strategy)
	if err != nil {
		return explore.Config{}, explore.Budget{}, err
	}
	if o.Dialect == "" {
		o.Dialect = model.Go
	}
	if o.Mode != "" && o.Mode != modeControlled && o.Mode != modeStress {
		return explore.Config{}, explore.Budget{}, fmt.Errorf("unknown mode %q (want controlled or stress)", o.Mode)
	}
	if d := model.Describe(p); d == nil {
		return explore.Config{}, explore.Budget{}, fmt.Errorf("unknown primitive %q", p)
	} else if err := d.CheckDialect(o.Dialect); err != nil {
		// "weighted has no dialect asyncio-3.11 (want go, x/sync)"
		return explore.Config{}, explore.Budget{}, err
	}
	switch {
	case o.Runs < 0 || o.Time < 0:
		return explore.Config{}, explore.Budget{}, errors.New("Runs and Time must not be negative")
	case o.Tasks < 0 || o.Tasks > maxTasks:
		return explore.Config{}, explore.Budget{}, fmt.Errorf("Tasks %d: want 0 (the default) to %d", o.Tasks, maxTasks)
	case o.Ops < 0 || o.Ops > maxOps:
		return explore.Config{}, explore.Budget{}, fmt.Errorf("Ops %d: want 0 (the default) to %d", o.Ops, maxOps)
	case o.Cancels > maxCancels:
		return explore.Config{}, explore.Budget{}, fmt.Errorf("Cancels %d: want at most %d (negative: none)", o.Cancels, maxCancels)
	}
	if o.Runs == 0 && o.Time == 0 {
		o.Runs = 2000
	}
	if o.Seed == 0 {
		o.Seed = defaultSeed()
	}
	cfg := explore.Config{
		Gen:        explore.GenConfig{MaxTasks: o.Tasks, MaxOps: o.Ops, MaxCancels: o.Cancels},
		Dialect:    o.Dialect,
		Strategy:   st,
		Seed:       o.Seed,
		ShrinkTime: o.ShrinkTime,
		Stats:      new(explore.Stats),
	}
	if o.Parallel < 0 {
		return explore.Config{}, explore.Budget{}, fmt.Errorf("Parallel %d: want 0 (GOMAXPROCS) or more", o.Parallel)
	}
	cfg.Workers = o.Parallel
	if cfg.Workers == 0 {
		cfg.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Shard != "" {
		if cfg.Shard, err = parseShard(o.Shard); err != nil {
			return explore.Config{}, explore.Budget{}, err
		}
		if o.Mode == modeStress {
			return explore.Config{}, explore.Budget{}, errors.New("Shard is controlled mode's (a stress run is not a pure function of its seed)")
		}
	}
	return cfg, explore.Budget{Executions: o.Runs, Time: o.Time}, nil
}

// parseShard parses Options.Shard.
func parseShard(s string) (explore.Shard, error) {
	k, n, ok := strings.Cut(s, "/")
	var sh explore.Shard
	var err1, err2 error
	sh.K, err1 = strconv.Atoi(k)
	sh.N, err2 = strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || sh.N < 1 || sh.K < 1 || sh.K > sh.N || sh.N > 1_000_000 {
		return explore.Shard{}, fmt.Errorf("Shard %q: want K/N with 1 <= K <= N (shard K of N), e.g. 2/8", s)
	}
	return sh, nil
}

// strategy parses Options.Strategy.
func strategy(s string) (explore.Strategy, error) {
	name, arg, hasArg := strings.Cut(s, ":")
	n := -1
	if hasArg {
		v, err := strconv.Atoi(arg)
		if err != nil || v < 0 || v > 100 {
			return nil, fmt.Errorf("strategy %q: want a number from 0 to 100 after the colon", s)
		}
		n = v
	}
	switch {
	case name == "" || name == "mix":
		if n < 0 {
			n = 3
		}
		if n >= 1 {
			return explore.Mix(explore.WakeWindow(), explore.Random(), explore.PCT(n)), nil
		}
	case name == "wakewindow" && !hasArg:
		return explore.WakeWindow(), nil
	case name == "random" && !hasArg:
		return explore.Random(), nil
	case name == "pct":
		if n < 0 {
			n = 3
		}
		if n >= 1 {
			return explore.PCT(n), nil
		}
	case name == "exhaustive":
		if n < 0 {
			n = 2
		}
		return explore.Exhaustive(n, 0), nil
	}
	return nil, fmt.Errorf("unknown strategy %q (want wakewindow, random, pct, pct:D with D >= 1, exhaustive, exhaustive:K, mix or mix:D)", s)
}

// defaultSeed is SYNCHECK_SEED, else -rapid.seed when set, else a fresh
// random seed. Flags are read, never written.
func defaultSeed() uint64 {
	if s := os.Getenv("SYNCHECK_SEED"); s != "" {
		if v, err := strconv.ParseUint(s, 10, 64); err == nil && v != 0 {
			return v
		}
	}
	if f := flag.Lookup("rapid.seed"); f != nil {
		if v, err := strconv.ParseUint(f.Value.String(), 10, 64); err == nil && v != 0 {
			return v
		}
	}
	return uint64(time.Now().UnixNano())%1_000_000_000 + 1
}

// goTestCommand is the go test command that replays t with seed: the test
// (and subtest) selected exactly, in t's package directory relative to the
// module root, the seed in SYNCHECK_SEED.
func goTestCommand(t testing.TB, seed uint64) string {
	parts := strings.Split(t.Name(), "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	pkg := "."
	if wd, err := os.Getwd(); err == nil {
		for dir := wd; ; dir = filepath.Dir(dir) {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				if rel, err := filepath.Rel(dir, wd); err == nil {
					pkg = "./" + filepath.ToSlash(rel)
				}
				break
			}
			if filepath.Dir(dir) == dir {
				break
			}
		}
	}
	return fmt.Sprintf("SYNCHECK_SEED=%d go test %s -run '%s' -count=1", seed, strings.TrimSuffix(pkg, "/."), strings.Join(parts, "/"))
}

// writeOutputs writes Options.JSON and Options.HTML.
func writeOutputs(o Options, p model.Primitive, r *Result, c *explore.Counterexample) error {
	if o.JSON != "" {
		// The document checkcli verify --json prints, less the scenarios,
		// which a library call does not replay.
		doc := VerifyReport{Schema: VerifySchema, Primitive: p, SpecsSkippedBecause: "a library call (check.Run, check.Verify) replays no scenarios", Result: *r}
		b, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			return err
		}
		if err := os.WriteFile(o.JSON, append(b, '\n'), 0o644); err != nil {
			return err
		}
	}
	if o.HTML != "" {
		f, err := os.Create(o.HTML)
		if err != nil {
			return err
		}
		about := report.About{Target: r.Target, Dialect: r.Dialect, Seed: r.Seed}
		if id, says := ruleOf(p, r.Dialect, c); id != "" {
			about.Rule = ruleLine(id, says) // the text report's line
		}
		switch {
		case c != nil:
			err = report.HTML(f, c, about)
		case r.Failed:
			err = report.NoCounterexampleHTML(f, about, "property violated: "+r.Property, []string{r.Message}, r.Report)
		default:
			err = report.NoCounterexampleHTML(f, about, "no counterexample", []string{
				fmt.Sprintf("%d executions of %d programs judged in %v, none failed.", r.Executions, r.Programs, r.Elapsed.Round(time.Millisecond)),
				"A search finds bugs, it does not prove their absence: more runs, another seed or another strategy may find one.",
			}, "")
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return nil
}

// progress calls fn with the search's counts about four times a second
// until stop is called.
func progress(fn func(Progress), st *explore.Stats, runs int) (stop func()) {
	if fn == nil {
		return func() {}
	}
	start := time.Now()
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				p := Progress{Phase: phaseSearching, Programs: int(st.Programs.Load()), Executions: int(st.Schedules.Load()), Runs: runs, Elapsed: time.Since(start)}
				if at := int(st.FoundAt.Load()); at > 0 {
					p.Phase, p.ShrinkExecutions = phaseShrinking, p.Executions-at
					p.Programs, p.Executions = int(st.FoundPrograms.Load()), at
				}
				fn(p)
			}
		}
	}()
	return func() { close(done); <-finished }
}
