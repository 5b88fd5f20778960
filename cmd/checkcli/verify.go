package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/syncheck/syncheck/check/corpus"
	"github.com/syncheck/syncheck/check/explore"
	"github.com/syncheck/syncheck/check/harness"
	"github.com/syncheck/syncheck/check/mutants"
	"github.com/syncheck/syncheck/check/report"
	"github.com/syncheck/syncheck/check/scenario"
	"github.com/syncheck/syncheck/model"
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
}

func (v *verifyFlags) register(fs *flagSet, runs int, budget time.Duration) {
	fs.Uint64Var(&v.seed, "seed", 0, "base seed (0: pick one and print it); with --runs, a run is a pure function of the seed")
	fs.IntVar(&v.runs, "runs", runs, "budget: judged executions (0: no limit)")
	fs.DurationVar(&v.budget, "time", budget, "budget: wall time (0: no limit); whichever budget runs out first ends the search")
	fs.IntVar(&v.tasks, "tasks", 4, "at most this many tasks per program")
	fs.IntVar(&v.ops, "ops", 0, "at most this many calls per task (0: 4, or 6 for condition)")
	fs.IntVar(&v.cancels, "cancels", 2, "at most this many cancels per task (0: none)")
	fs.StringVar(&v.strategy, "strategy", "mix", "how schedules are explored: wakewindow, random, pct, exhaustive, or mix (each program drawn one of wakewindow, random, pct)")
	fs.IntVar(&v.depth, "depth", 3, "PCT's bug depth d: a bug of depth d is found with probability at least 1/(n*k^(d-1)) per run (n tasks, k steps)")
	fs.IntVar(&v.preemptions, "preemptions", 2, "exhaustive: explore every schedule with at most this many preemptions")
	fs.StringVar(&v.dialect, "dialect", string(model.Go), "judge against this dialect's model ("+dialectNames()+")")
	fs.DurationVar(&v.shrink, "shrinktime", 10*time.Second, "bound on shrinking a counterexample")
}

func (v *verifyFlags) config() (explore.Config, explore.Budget, error) {
	var st explore.Strategy
	switch v.strategy {
	case "wakewindow":
		st = explore.WakeWindow()
	case "random":
		st = explore.Random()
	case "pct":
		st = explore.PCT(v.depth)
	case "exhaustive":
		st = explore.Exhaustive(v.preemptions, 0)
	case "mix":
		st = explore.Mix(explore.WakeWindow(), explore.Random(), explore.PCT(v.depth))
	default:
		return explore.Config{}, explore.Budget{}, usagef("unknown strategy %q (want wakewindow, random, pct, exhaustive or mix)", v.strategy)
	}
	d := model.Dialect(v.dialect)
	if !slices.Contains(model.Dialects, d) {
		return explore.Config{}, explore.Budget{}, usagef("unknown dialect %q (want %s)", v.dialect, dialectNames())
	}
	if v.tasks < 1 || v.ops < 0 || v.cancels < 0 || v.runs < 0 || v.budget < 0 {
		return explore.Config{}, explore.Budget{}, usagef("--tasks must be >= 1; --ops, --cancels, --runs, --time >= 0")
	}
	if v.runs == 0 && v.budget == 0 {
		return explore.Config{}, explore.Budget{}, usagef("--runs 0 and --time 0: the search would never end")
	}
	cancels := v.cancels
	if cancels == 0 {
		cancels = -1
	}
	cfg := explore.Config{
		Gen:        explore.GenConfig{MaxTasks: v.tasks, MaxOps: v.ops, MaxCancels: cancels},
		Dialect:    d,
		Strategy:   st,
		Seed:       v.seed,
		ShrinkTime: v.shrink,
		Stats:      new(explore.Stats),
	}
	return cfg, explore.Budget{Executions: v.runs, Time: v.budget}, nil
}

// args renders the flags that reproduce a run with seed.
func (v *verifyFlags) args(seed uint64) string {
	s := fmt.Sprintf("--seed %d --runs %d --strategy %s", seed, v.runs, v.strategy)
	if v.budget > 0 && v.runs == 0 {
		s = fmt.Sprintf("--seed %d --time %s --strategy %s", seed, v.budget, v.strategy)
	}
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
	if v.strategy == "pct" || v.strategy == "mix" {
		if v.depth != 3 {
			s += fmt.Sprintf(" --depth %d", v.depth)
		}
	}
	if v.strategy == "exhaustive" && v.preemptions != 2 {
		s += fmt.Sprintf(" --preemptions %d", v.preemptions)
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

Exit status: 0 no counterexample (the coverage is printed), 1 a
counterexample, 2 bad input.`, stdout)
	var v verifyFlags
	v.register(fs, 50000, 50*time.Second)
	implName := fs.String("impl", "impl", "the implementation: impl (the built-in one) or a mutant's name (checkcli mutants --list)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	save := fs.String("save", "", "save a counterexample as a scenario under DIR/PRIMITIVE/ (e.g. testdata/corpus)")
	noSpecs := fs.Bool("no-specs", false, "skip replaying the primitive's scenarios")
	html := fs.String("html", "", "write an HTML timeline of a counterexample's history (porcupine's visualizer) to FILE")
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
	cfg, budget, err := v.config()
	if err != nil {
		return err
	}
	if cfg.Seed == 0 {
		cfg.Seed = uint64(time.Now().UnixNano())%1_000_000_000 + 1
	}

	specsRun := 0
	if !*noSpecs && *implName == "impl" {
		scs, err := embeddedScenarios(p)
		if err != nil {
			return err
		}
		for _, sc := range scs {
			var t *harness.Target
			if sc.Dialect == model.Go {
				t = &target
			}
			if r := harness.RunSpec(sc, t); r.Failed() {
				fmt.Fprintf(stdout, "FAIL %s\n     %s\n", sc.File, r.Failure)
				printSteps(stdout, r, false)
				fmt.Fprintf(stdout, "replay: go run ./cmd/checkcli spec -v %s\n", sc.File)
				return errFailed
			}
			specsRun++
		}
	}

	stop := progress(stdout, cfg.Stats, !*asJSON)
	res := explore.Run(target, cfg, budget)
	stop()

	replay := fmt.Sprintf("go run ./cmd/checkcli verify %s", p)
	if *implName != "impl" {
		replay += " --impl " + *implName
	}
	replay += " " + v.args(res.Seed)
	if !res.Failed() {
		if *asJSON {
			return report.WriteJSON(stdout, verifyJSON{Primitive: string(p), Target: target.Name, Passed: true, Specs: specsRun, Result: summary(&res, cfg.Stats), Replay: replay})
		}
		fmt.Fprintf(stdout, "verify %s (%s): no counterexample\n", p, target.Name)
		if specsRun > 0 {
			fmt.Fprintf(stdout, "  %d scenarios of specs/%s pass against the model and the implementation\n", specsRun, p)
		}
		fmt.Fprintf(stdout, "  %d programs, %d judged executions (%d distinct schedules, %d cancels inside a wake window), strategy %s, dialect %s, in %v\n",
			res.Programs, res.Executions, res.Schedules, cfg.Stats.WindowCancel.Load(), res.Strategy, cfg.Dialect, res.Elapsed.Round(time.Millisecond))
		if res.Inconclusive > 0 {
			fmt.Fprintf(stdout, "  %d executions inconclusive (the linearizability search timed out): not counted as passing\n", res.Inconclusive)
		}
		fmt.Fprintf(stdout, "  rerun: %s\n", replay)
		return nil
	}
	c := res.Minimal
	if c == nil {
		c = res.Found
	}
	saved := ""
	if *save != "" {
		saved, err = corpus.Save(*save, p, *implName, c)
		if err != nil {
			fmt.Fprintf(stderr, "checkcli verify: saving the counterexample: %v\n", err)
		}
	}
	if *html != "" {
		if err := writeHTML(*html, c, cfg.Dialect); err != nil {
			fmt.Fprintf(stderr, "checkcli verify: writing %s: %v\n", *html, err)
		}
	}
	replayCmd := replay
	if saved != "" {
		replayCmd = "go run ./cmd/checkcli replay " + saved
	}
	if *asJSON {
		cj := report.JSONOf(c, replayCmd)
		if err := report.WriteJSON(stdout, verifyJSON{Primitive: string(p), Target: target.Name, Specs: specsRun, Result: summary(&res, cfg.Stats), Counterexample: &cj, Replay: replay, Saved: saved}); err != nil {
			return err
		}
		return errFailed
	}
	fmt.Fprintf(stdout, "verify %s (%s): COUNTEREXAMPLE after %d executions (%v); shrunk in %d executions (%v)\n\n",
		p, target.Name, res.FoundAfter, res.FoundIn.Round(time.Millisecond), res.ShrinkExecutions, res.ShrinkTime.Round(time.Millisecond))
	report.Counterexample(stdout, c, replayCmd)
	if saved != "" {
		fmt.Fprintf(stdout, "saved: %s\n", saved)
	}
	fmt.Fprintf(stdout, "search again: %s\n", replay)
	return errFailed
}

func writeHTML(path string, c *explore.Counterexample, d model.Dialect) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := report.HTML(f, c, d); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// lookupTarget resolves --impl.
func lookupTarget(p model.Primitive, name string) (harness.Target, error) {
	if name == "impl" {
		return harness.Builtin(p)
	}
	m, ok := mutants.ByName(name)
	if !ok {
		var names []string
		for _, m := range mutants.All() {
			names = append(names, m.Name)
		}
		return harness.Target{}, usagef("unknown implementation %q (want impl or a mutant: %s)", name, strings.Join(names, ", "))
	}
	if m.Primitive != p {
		return harness.Target{}, usagef("mutant %s is a %s, not a %s", name, m.Primitive, p)
	}
	return m.Target, nil
}

type verifyJSON struct {
	Primitive      string                     `json:"primitive"`
	Target         string                     `json:"target"`
	Passed         bool                       `json:"passed"`
	Specs          int                        `json:"specs_passed"`
	Result         resultJSON                 `json:"search"`
	Counterexample *report.CounterexampleJSON `json:"counterexample,omitempty"`
	Replay         string                     `json:"rerun"`
	Saved          string                     `json:"saved,omitempty"`
}

type resultJSON struct {
	Strategy      string  `json:"strategy"`
	Seed          uint64  `json:"seed"`
	Programs      int     `json:"programs"`
	Executions    int     `json:"executions"`
	Schedules     int     `json:"schedules"`
	Inconclusive  int     `json:"inconclusive"`
	WindowCancels int     `json:"wake_window_cancels"`
	Seconds       float64 `json:"seconds"`
	FoundAfter    int     `json:"found_after_executions,omitempty"`
	FoundSeconds  float64 `json:"found_after_seconds,omitempty"`
}

func summary(r *explore.Result, st *explore.Stats) resultJSON {
	return resultJSON{Strategy: r.Strategy, Seed: r.Seed, Programs: r.Programs, Executions: r.Executions, Schedules: r.Schedules,
		Inconclusive: r.Inconclusive, WindowCancels: int(st.WindowCancel.Load()), Seconds: r.Elapsed.Seconds(),
		FoundAfter: r.FoundAfter, FoundSeconds: r.FoundIn.Seconds()}
}

// progress prints a one-line progress indicator on a terminal, from the
// second second on; quiet when stdout is not a terminal. stop clears it.
func progress(w io.Writer, st *explore.Stats, enabled bool) (stop func()) {
	f, ok := w.(*os.File)
	if !enabled || !ok {
		return func() {}
	}
	if fi, err := f.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(250 * time.Millisecond)
		defer tick.Stop()
		shown := false
		for {
			select {
			case <-done:
				if shown {
					fmt.Fprint(f, "\r\033[K")
				}
				return
			case <-tick.C:
				if time.Since(start) < time.Second {
					continue
				}
				shown = true
				fmt.Fprintf(f, "\r\033[K%v: %d programs, %d executions", time.Since(start).Round(time.Second), st.Programs.Load(), st.Executions.Load())
			}
		}
	}()
	return func() { close(done); wg.Wait() }
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
