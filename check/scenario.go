package check

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/internal/corpus"
	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/stress"
	"github.com/syncheck/syncheck/model/scenario"
)

// Property is the check as a rapid property: each call draws one program
// from t, explores its schedules with o.Strategy (every decision drawn from
// t too, so that rapid shrinks tasks, calls, cancels and context switches
// together), judges every execution, and fails t naming the failed
// property. Use it with rapid.Check, or as a fuzz target:
//
//	func FuzzMyLock(f *testing.F) {
//		f.Fuzz(rapid.MakeFuzz(check.Property(check.Lock("mylock", NewMyLock), check.Options{})))
//	}
//
// rapid's own flags (-rapid.checks, -rapid.seed) govern it, and rapid
// reports and shrinks its failures: of o, only the program bounds (Tasks,
// Ops, Cancels), Strategy, Dialect and StepTimeout apply (not the budget, the seed,
// SaveDir, JSON, HTML or Progress). It panics on bad options.
func Property(target Target, o Options) func(*rapid.T) {
	cfg, _, err := o.config(target.Primitive())
	if err != nil {
		panic("check.Property: " + err.Error())
	}
	if o.Mode == modeStress {
		return stress.Property(target.h, stress.Search{Config: stress.Config{Dialect: cfg.Dialect}, Gen: cfg.Gen, Seed: cfg.Seed})
	}
	target.h.StepTimeout = o.StepTimeout
	return explore.Property(target.h, cfg)
}

// Replay re-runs every saved counterexample (scenario files, *.scn) under
// path (a file, or a directory searched recursively; a directory that does
// not exist holds none) about target's primitive, against target, following
// each recorded schedule as far as target allows, and fails t for each one
// that still fails: a bug once found stays fixed. Save counterexamples with
// Options.SaveDir.
func Replay(t testing.TB, target Target, path string) {
	t.Helper()
	files, err := scenarioFiles(path)
	if err != nil {
		if os.IsNotExist(err) {
			t.Logf("check.Replay: %s does not exist: no counterexamples to replay", path)
			return
		}
		t.Fatalf("check.Replay: %v", err)
	}
	n := 0
	for _, f := range files {
		sc, err := scenario.ParseFile(f)
		if err != nil {
			t.Errorf("check.Replay: %v", err)
			continue
		}
		if sc.Primitive != target.Primitive() {
			continue
		}
		n++
		r, err := ReplayScenario(sc, target)
		switch {
		case err != nil:
			t.Errorf("check.Replay: %s: %v", f, err)
		case r.Failed:
			t.Errorf("%s still fails on %s: %s: %s", f, target.Name(), r.Property, r.Message)
		case r.Inconclusive > 0:
			t.Errorf("%s: no verdict on %s: %s: %s", f, target.Name(), r.Property, r.Message)
		}
	}
	t.Logf("check.Replay: %d counterexamples about %s under %s replayed on %s", n, target.Primitive(), path, target.Name())
}

// ReplayScenario runs sc's schedule on target, as far as target allows (a
// step the target cannot take, as a fixed bug makes it, is skipped), and
// judges the history against the model of sc's dialect. A judge that
// could not decide (its search ran out of time) makes the result
// Inconclusive (1), not Failed. The error is for a scenario that does not
// fit target (another primitive, or an operation it does not implement).
func ReplayScenario(sc *scenario.Scenario, target Target) (Result, error) {
	if err := fits(sc, target); err != nil {
		return Result{}, err
	}
	r, err := corpus.Replay(sc, target.h, judge.Options{})
	if err != nil {
		return Result{}, err
	}
	res := Result{Target: target.Name(), Dialect: sc.Dialect, Failed: r.Fails(), Counterexample: string(scenario.Print(sc))}
	switch {
	case r.Fails():
		res.Property, res.Message = string(r.Failure.Property), r.Failure.Message
		res.Rule, _ = verdictRule(sc.Primitive, sc.Dialect, *r.Failure, r.History)
	case r.Inconclusive != nil:
		res.Inconclusive = 1
		res.Property, res.Message = string(r.Inconclusive.Property), r.Inconclusive.Message
	}
	if len(r.Skipped) > 0 {
		res.Report = "skipped (the run diverged from the recorded one):\n  " + strings.Join(r.Skipped, "\n  ") + "\n"
	}
	return res, nil
}

// Spec runs scenario sc as a specification: against the model of its
// dialect and, when target is not nil (a go-dialect scenario only), against
// target under the controlled scheduler, step by step in lockstep, each
// step's result checked against the model and the scenario's expectation.
// Result.Report lists the steps (with the model's states when verbose, or
// when the scenario fails); Result.Message is the first failure, as
// "file:line: what went wrong"; its Property is "spec", or "malformed" when
// the scenario itself is at fault (a step past the end of its task's
// calls, a point the call never reaches).
func Spec(sc *scenario.Scenario, target *Target, verbose bool) Result {
	var h *harness.Target
	res := Result{Target: "model " + string(sc.Dialect), Dialect: sc.Dialect}
	if target != nil {
		if err := fits(sc, *target); err != nil {
			res.Failed, res.Property, res.Message = true, "spec", fmt.Sprintf("%s: %v", sc.File, err)
			return res
		}
		h = &target.h
		res.Target += " + " + target.Name()
	}
	r := harness.RunSpec(sc, h)
	var b strings.Builder
	printSteps(&b, r, verbose || r.Failed())
	res.Report = b.String()
	if r.Failed() {
		res.Failed, res.Property, res.Message = true, "spec", r.Failure
		if r.Malformed {
			res.Property = "malformed"
		}
	}
	return res
}

// fits reports why sc cannot run on target.
func fits(sc *scenario.Scenario, target Target) error {
	if sc.Primitive != target.Primitive() {
		return fmt.Errorf("the scenario is about a %s, target %s is a %s", sc.Primitive, target.Name(), target.Primitive())
	}
	for _, tk := range sc.Tasks {
		for _, op := range tk.Ops {
			if !target.h.Supports(op.Kind) {
				return fmt.Errorf("task %s calls %s, which target %s does not implement", tk.Name, op.Kind, target.Name())
			}
		}
	}
	return nil
}

// printSteps prints each step: what the model allowed, what the
// implementation did, and (states) the model states after it.
func printSteps(b *strings.Builder, r *harness.SpecResult, states bool) {
	for _, s := range r.Steps {
		line := fmt.Sprintf("  %3d  %-34s ", s.Step.Line, s.Text)
		if s.Step.Kind == scenario.Run {
			allowed := make([]string, len(s.Allowed))
			for i, e := range s.Allowed {
				allowed[i] = e.String()
			}
			line += " model: " + strings.Join(allowed, "|")
			if s.Impl != nil {
				line += "  " + r.Target + ": " + s.Impl.String()
			}
		}
		fmt.Fprintln(b, strings.TrimRight(line, " "))
		if s.Failure != "" {
			fmt.Fprintf(b, "       ^ %s\n", s.Failure)
		}
		if states {
			for _, st := range s.States {
				fmt.Fprintf(b, "       | %s\n", st)
			}
		}
	}
}

// scenarioFiles lists path (a file) or the *.scn files under it (a
// directory), in lexical order.
func scenarioFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	return scenario.Files(path)
}
