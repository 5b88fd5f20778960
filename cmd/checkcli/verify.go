package main

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
	"github.com/syncheck/syncheck/specs"
)

// verifyFlags are the exploration flags verify and mutants share.
type verifyFlags struct {
	seed                uint64
	runs                int
	budget              time.Duration
	tasks, ops, cancels int
	strategy            string
	depth, preemptions  int
	dialect             string
	shrink              time.Duration
	stepTimeout         time.Duration
	parallel            int
	shard               string
}

func (v *verifyFlags) register(fs *flagSet, runs int, budget time.Duration) {
	fs.Uint64Var(&v.seed, "seed", 0, "base seed (0: pick one and print it); with --runs, a run is a pure function of the seed")
	fs.IntVar(&v.runs, "runs", runs, "budget: judged executions (0: no limit)")
	fs.DurationVar(&v.budget, "time", budget, "budget: wall time (0: no limit); whichever budget runs out first ends the search")
	fs.IntVar(&v.tasks, "tasks", 4, "at most this many tasks per program (1 to 8)")
	fs.IntVar(&v.ops, "ops", 0, "at most this many calls per task (0: 4, or 6 for condition; at most 16)")
	fs.IntVar(&v.cancels, "cancels", 2, "at most this many cancels per task (0: none; at most 8)")
	fs.StringVar(&v.strategy, "strategy", "mix", "how schedules are explored: wakewindow, random, pct, exhaustive, or mix (each program drawn one of wakewindow, random, pct)")
	fs.IntVar(&v.depth, "depth", 3, "PCT's bug depth d (1 to 10): a bug of depth d is found with probability at least 1/(n*k^(d-1)) per run (n tasks, k steps)")
	fs.IntVar(&v.preemptions, "preemptions", 2, "exhaustive: explore every schedule with at most this many preemptions (0 to 10)")
	fs.StringVar(&v.dialect, "dialect", string(model.Go), "judge against this dialect's model ("+dialectNames()+")")
	fs.DurationVar(&v.shrink, "shrinktime", time.Minute, "bound in wall time on shrinking a counterexample (0: do not shrink); a safety net: shrinking is bounded by 100,000 executions, which keeps the shrunk counterexample a pure function of the seed on any machine (in --mode stress, where the default is 10s, the bound of the minimization)")
	fs.IntVar(&v.parallel, "parallel", 0, "explore this many programs at the same time (0: GOMAXPROCS); with a budget in --runs the result does not depend on it")
	fs.StringVar(&v.shard, "shard", "", "run shard K/N of the search (1 <= K <= N): the programs numbered K, K+N, ... and their share of --runs, for N jobs with the same flags and seed; 'checkcli merge' combines their --json results")
	fs.DurationVar(&v.stepTimeout, "step-timeout", time.Second, "report a task that runs this long between two scheduling points as blocked outside impl/sched (a sync.Mutex, a channel, a sleep) instead of waiting for it; one still on the CPU (a spin, a loaded machine) gets up to ten times as long (0: wait forever)")
}

// options validates the flags and turns them into check.Options.
func (v *verifyFlags) options() (check.Options, error) {
	st := v.strategy
	switch v.strategy {
	case "wakewindow", "random":
	case "pct", "mix":
		st += fmt.Sprintf(":%d", v.depth)
	case "exhaustive":
		st += fmt.Sprintf(":%d", v.preemptions)
	default:
		return check.Options{}, usagef("unknown strategy %q (want wakewindow, random, pct, exhaustive or mix)", v.strategy)
	}
	d := model.Dialect(v.dialect)
	if !slices.Contains(allDialects(), d) {
		return check.Options{}, usagef("unknown dialect %q (want %s)", v.dialect, dialectNames())
	}
	switch {
	case v.tasks < 1 || v.tasks > 8:
		return check.Options{}, usagef("--tasks %d: want 1 to 8", v.tasks)
	case v.ops < 0 || v.ops > 16:
		return check.Options{}, usagef("--ops %d: want 0 (the default) to 16", v.ops)
	case v.cancels < 0 || v.cancels > 8:
		return check.Options{}, usagef("--cancels %d: want 0 to 8", v.cancels)
	case v.depth < 1 || v.depth > 10:
		return check.Options{}, usagef("--depth %d: want 1 to 10", v.depth)
	case v.preemptions < 0 || v.preemptions > 10:
		return check.Options{}, usagef("--preemptions %d: want 0 to 10", v.preemptions)
	case v.parallel < 0:
		return check.Options{}, usagef("--parallel %d: want 0 (GOMAXPROCS) or more", v.parallel)
	case v.runs < 0 || v.budget < 0 || v.shrink < 0 || v.stepTimeout < 0:
		return check.Options{}, usagef("--runs, --time, --shrinktime and --step-timeout must not be negative")
	case v.runs == 0 && v.budget == 0:
		return check.Options{}, usagef("--runs 0 and --time 0: the search would never end")
	}
	cancels := v.cancels
	if cancels == 0 {
		cancels = -1
	}
	shrink := v.shrink
	if shrink == 0 {
		shrink = -1
	}
	stepTimeout := v.stepTimeout
	if stepTimeout == 0 {
		stepTimeout = -1
	}
	return check.Options{
		Seed: v.seed, Runs: v.runs, Time: v.budget,
		Tasks: v.tasks, Ops: v.ops, Cancels: cancels,
		Strategy: st, Dialect: d, ShrinkTime: shrink, StepTimeout: stepTimeout,
		Parallel: v.parallel, Shard: v.shard,
	}, nil
}

// args renders the flags that reproduce a run with seed.
func (v *verifyFlags) args(seed uint64) string {
	// Both budgets, always: the run they reproduce is the one whichever
	// of them ended it (a rerun with --runs alone would take the default
	// --time, and could stop earlier).
	s := fmt.Sprintf("--seed %d --runs %d --time %s --strategy %s", seed, v.runs, v.budget, v.strategy)
	if v.dialect != string(model.Go) {
		s += " --dialect " + v.dialect
	}
	if v.tasks != 4 {
		s += fmt.Sprintf(" --tasks %d", v.tasks)
	}
	if v.ops != 0 {
		s += fmt.Sprintf(" --ops %d", v.ops)
	}
	if v.cancels != 2 {
		s += fmt.Sprintf(" --cancels %d", v.cancels)
	}
	if (v.strategy == "pct" || v.strategy == "mix") && v.depth != 3 {
		s += fmt.Sprintf(" --depth %d", v.depth)
	}
	if v.strategy == "exhaustive" && v.preemptions != 2 {
		s += fmt.Sprintf(" --preemptions %d", v.preemptions)
	}
	if v.shard != "" {
		s += " --shard " + v.shard
	}
	return s
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", `Usage: checkcli verify [flags] PRIMITIVE

Checks an implementation of PRIMITIVE (`+primitiveNames()+`) against
its reference model. First it replays the primitive's executable
specification (specs/PRIMITIVE), then it generates programs (tasks, calls,
cancels placed anywhere) and runs them under the controlled scheduler,
exploring their interleavings (the wake window included on purpose), and
judges every execution: linearizability, quiescence (lost wakeups,
deadlocks), invariants and FIFO fairness. A failure is shrunk to a minimal
counterexample and printed with the command that replays it.

With --mode stress the same programs run on real goroutines instead, the
implementation in production mode (no controlled scheduler): cancels land
at random moments, histories are timed with the monotonic clock, and a
call still blocked after a grace period while the model says it must
have been granted is reported as a probable lost wakeup. Stress mode
cannot hold a waiter in its wake window on purpose nor judge FIFO
fairness, and its verdicts depend on timing: a failure is minimized by
re-running smaller programs and reported with its reproduction rate.

Exit status: 0 no counterexample (the coverage is printed), 1 a
counterexample, or no verdict (the search judged fewer than 100
executions, or fewer than --runs when it asks for less), 2 bad input.`, stdout)
	var v verifyFlags
	v.register(fs, 50000, 50*time.Second)
	implName := fs.String("impl", "impl", "the implementation: impl (the built-in one) or a mutant's name (checkcli mutants --list)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	save := fs.String("save", "", "save a counterexample as a scenario under DIR/PRIMITIVE/ (e.g. testdata/corpus)")
	noSpecs := fs.Bool("no-specs", false, "skip replaying the primitive's scenarios")
	html := fs.String("html", "", "write the result as a self-contained HTML page to FILE: a counterexample's calls per task with the blamed task in red, the report's sentence, what the model allowed, the interleaving with the report's step numbers, porcupine's view")
	mode := fs.String("mode", "controlled", "controlled: under the controlled scheduler (every interleaving the checker's choice, the wake window on purpose, replayable by seed); stress: on real goroutines (GOMAXPROCS as set), cancels at random moments, lost wakeups judged by waiting, a failure reported with its reproduction rate (not replayable by seed: the seed fixes the programs, not the scheduling); --strategy, --save and --html are controlled mode's")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one primitive (%s)", primitiveNames())
	}
	p := model.Primitive(fs.Arg(0))
	if !slices.Contains(model.Primitives, p) {
		return usagef("unknown primitive %q (want %s)", fs.Arg(0), primitiveNames())
	}
	target, err := lookupTarget(p, *implName)
	if err != nil {
		return err
	}
	o, err := v.options()
	if err != nil {
		return err
	}
	if err := model.Describe(p).CheckDialect(o.Dialect); err != nil {
		// "weighted has no dialect asyncio-3.11 (want go, x/sync)"
		return usagef("%v", err)
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())%1_000_000_000 + 1
	}
	switch *mode {
	case "controlled":
		o.SaveDir, o.HTML = *save, *html
	case "stress":
		if !fs.isSet("shrinktime") {
			o.ShrinkTime = 0 // stress mode's own default
		}
		if *save != "" || *html != "" {
			return usagef("--save and --html are controlled mode's (a stress counterexample has no schedule to replay)")
		}
		o.Mode = "stress"
	default:
		return usagef("unknown mode %q (want controlled or stress)", *mode)
	}

	replay := func(seed uint64) string {
		r := fmt.Sprintf("go run ./cmd/checkcli verify %s", p)
		if *implName != "impl" {
			r += " --impl " + *implName
		}
		r += " " + v.args(seed)
		if o.Mode == "stress" {
			r = strings.Replace(r, " --strategy "+v.strategy, "", 1) + " --mode stress"
		}
		return r
	}
	// Ctrl-C: the search cannot be resumed, but it can be run again, so
	// say with what seed, after how much, then exit 130 as a shell does.
	var done atomic.Int64
	stopInterrupt := onInterrupt(func() {
		fmt.Fprintf(stderr, "\ncheckcli verify: interrupted after about %d executions (seed %d)\n  rerun: %s\n", done.Load(), o.Seed, replay(o.Seed))
	})
	defer stopInterrupt()

	// The seed up front, on stderr: a search cut short (Ctrl-C, a CI
	// timeout) can still be run again.
	fmt.Fprintf(stderr, "checkcli verify: searching %s with seed %d (Ctrl-C stops it and prints the command that runs it again)\n", p, o.Seed)
	show := newProgressLine(stderr, &v)
	if o.Mode == "stress" {
		show.stress = true
		show.shrinkTime = cmp.Or(o.ShrinkTime, 10*time.Second)
	}
	doc := check.VerifyReport{Schema: check.VerifySchema, Primitive: p}
	scs, err := embeddedScenarios(p)
	if err != nil {
		return err
	}
	switch {
	case *noSpecs:
		doc.SpecsSkipped, doc.SpecsSkippedBecause = len(scs), "--no-specs"
	case *implName != "impl":
		doc.SpecsSkipped, doc.SpecsSkippedBecause = len(scs), "--impl "+*implName+": the scenarios state the built-in implementation's behaviour, which a mutant breaks on purpose"
	default:
		var failed *check.Result
		doc.SpecsPassed, doc.SpecsFailed, failed = runSpecsOf(scs, target, stdout, !*asJSON, show.specs)
		show.done()
		if failed != nil {
			if !*asJSON {
				fmt.Fprintf(stdout, "verify %s: %d of %d scenarios about %s in specs/ fail: the search did not run\n", p, doc.SpecsFailed, len(scs), p)
				return errFailed
			}
			doc.Result = *failed
			return printJSON(stdout, doc)
		}
	}

	o.Progress = func(pr check.Progress) {
		done.Store(int64(pr.Executions))
		show.update(pr)
	}
	res, err := check.Run(target, o)
	show.done()
	if errors.Is(err, check.ErrTooFewExecutions) && *asJSON {
		doc.Result, doc.NoVerdict = res, err.Error()
		doc.Result.Replay = replay(res.Seed)
		printJSON(stdout, doc)
		return errFailed
	}
	if errors.Is(err, check.ErrTooFewExecutions) {
		fmt.Fprintf(stdout, "verify %s (%s): NO VERDICT: %v\n", p, target.Name(), err)
		return errFailed
	}
	if err != nil && !res.Failed {
		return usagef("%v", err)
	}
	if err != nil {
		fmt.Fprintf(stderr, "checkcli verify: %v\n", err)
	}
	res.Replay = replay(res.Seed)
	if *asJSON {
		doc.Result = res
		return printJSON(stdout, doc)
	}
	printVerify(stdout, p, target, res, doc.SpecsPassed)
	if !res.Failed && v.runs > 0 && res.Executions < v.runs {
		fmt.Fprintf(stdout, "  stopped by --time %s after %d executions (of --runs %d)\n", v.budget, res.Executions, v.runs)
	}
	if res.Failed {
		return errFailed
	}
	return nil
}

// runSpecsOf runs the scenarios scs (specs/, about one primitive) against
// the model and target, before the search, and counts those that pass and
// fail; it prints each failure when print is set, and returns the first
// as a result (its Replay the command that replays it). specs is told
// how far it got.
func runSpecsOf(scs []*scenario.Scenario, target check.Target, stdout io.Writer, print bool, specs func(done, n int)) (passed, failed int, first *check.Result) {
	for i, sc := range scs {
		specs(i, len(scs))
		var t *check.Target
		if sc.Dialect == model.Go {
			t = &target
		}
		r := check.Spec(sc, t, false)
		if !r.Failed {
			passed++
			continue
		}
		failed++
		r.Replay = "go run ./cmd/checkcli spec -v " + sc.File
		if print {
			fmt.Fprintf(stdout, "FAIL %s\n     %s\n%s", sc.File, r.Message, r.Report)
			fmt.Fprintf(stdout, "replay: %s\n", r.Replay)
		}
		if first == nil {
			first = &r
		}
	}
	return passed, failed, first
}

// printJSON prints doc, and returns errFailed when it reports a failure.
func printJSON(stdout io.Writer, doc check.VerifyReport) error {
	if err := writeJSON(stdout, doc); err != nil {
		return err
	}
	if doc.Failed {
		return errFailed
	}
	return nil
}

// writeJSON writes doc as indented JSON, "->" as it is (not \u003e).
func writeJSON(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// printVerify writes verify's result for people: the coverage of a search
// that found nothing, or the counterexample's report.
func printVerify(stdout io.Writer, p model.Primitive, target check.Target, res check.Result, specsRun int) {
	if !res.Failed {
		fmt.Fprintf(stdout, "verify %s (%s): no counterexample\n", p, target.Name())
		if specsRun > 0 {
			fmt.Fprintf(stdout, "  %d scenarios about %s in specs/ pass against the model and the implementation\n", specsRun, p)
		}
		if res.Mode == "stress" {
			fmt.Fprintf(stdout, "  %d programs, %d judged stress runs on real goroutines, dialect %s, in %v (%.0f runs/s)\n",
				res.Programs, res.Executions, res.Dialect, res.Elapsed.Round(time.Millisecond), float64(res.Executions)/res.Elapsed.Seconds())
		} else {
			fmt.Fprintf(stdout, "  %d programs, %d judged executions (%d cancels inside a wake window), strategy %s, dialect %s, in %v\n",
				res.Programs, res.Executions, res.WindowCancels, res.Strategy, res.Dialect, res.Elapsed.Round(time.Millisecond))
		}
		if res.Inconclusive > 0 {
			fmt.Fprintf(stdout, "  %d executions inconclusive (the linearizability search timed out): not counted as passing\n", res.Inconclusive)
		}
		fmt.Fprintf(stdout, "  rerun: %s\n", res.Replay)
		return
	}
	unit := "executions"
	if res.Mode == "stress" {
		unit = "stress runs"
	}
	fmt.Fprintf(stdout, "verify %s (%s): COUNTEREXAMPLE after %d %s (%v)\n\n",
		p, target.Name(), res.FoundAfter, unit, res.Elapsed.Round(time.Millisecond))
	fmt.Fprint(stdout, res.Report)
	if res.Saved != "" {
		fmt.Fprintf(stdout, "\nsaved: %s\nreplay: go run ./cmd/checkcli replay %s\n", res.Saved, res.Saved)
	}
	if res.Mode == "stress" {
		fmt.Fprintf(stdout, "\nsearch again: %s\n(stress mode: the seed draws the same programs, not the same scheduling; the minimal counterexample reproduced in %d of %d runs)\n",
			res.Replay, res.Reproduced, res.Attempts)
		return
	}
	fmt.Fprintf(stdout, "search again: %s\n", res.Replay)
}

// lookupTarget resolves --impl.
func lookupTarget(p model.Primitive, name string) (check.Target, error) {
	if name == "impl" {
		return check.Builtin(p)
	}
	var names []string
	for _, m := range check.Mutants() {
		if m.Target.Name() == name {
			if m.Target.Primitive() != p {
				return check.Target{}, usagef("mutant %s is a %s, not a %s", name, m.Target.Primitive(), p)
			}
			return m.Target, nil
		}
		names = append(names, m.Target.Name())
	}
	return check.Target{}, usagef("unknown implementation %q (want impl or a mutant: %s)", name, strings.Join(names, ", "))
}

// embeddedScenarios returns the scenarios about p from specs/.
func embeddedScenarios(p model.Primitive) ([]*scenario.Scenario, error) {
	out, err := specs.About(p)
	if err == nil && len(out) == 0 {
		err = fmt.Errorf("no scenarios about %s in specs/", p)
	}
	return out, err
}

func primitiveNames() string {
	s := make([]string, len(model.Primitives))
	for i, p := range model.Primitives {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

// onInterrupt calls report and exits with status 130 when the process gets
// an interrupt (Ctrl-C); the returned function stops listening.
func onInterrupt(report func()) (stop func()) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	go func() {
		if _, ok := <-sig; ok {
			report()
			os.Exit(130)
		}
	}()
	return func() {
		signal.Stop(sig)
		close(sig)
	}
}
