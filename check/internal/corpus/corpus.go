// Package corpus replays kept counterexamples (scenario files, typically
// under testdata/corpus/<primitive>/) and says whether each still fails.
// A counterexample names its target: the built-in implementation (a fixed
// bug keeps its counterexample as a regression test: it must pass) or a
// mutant (it must keep failing: the checker still kills it).
package corpus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Result is the replay of one counterexample.
type Result struct {
	Scenario *scenario.Scenario
	// Target is the implementation it ran on ("impl" or a mutant's name).
	Target string
	// Failure is the first failing verdict, nil when the replay passes.
	Failure *judge.Verdict
	// Inconclusive is the first verdict a judge could not reach (its
	// search ran out of time), when none failed: neither a pass nor a
	// failure.
	Inconclusive *judge.Verdict
	// Skipped lists the steps the target could not take (the run diverged
	// from the recorded one, as it does once a bug is fixed).
	Skipped []string
	// History is the replay's history, which the verdicts point into.
	History []history.Event
}

// Fails reports whether the counterexample still fails.
func (r *Result) Fails() bool { return r.Failure != nil }

// TargetOf resolves a scenario's target: "" is the built-in
// implementation, anything else a mutant.
func TargetOf(sc *scenario.Scenario) (harness.Target, error) {
	if sc.Target == "" || sc.Target == "impl" {
		return prims.Builtin(sc.Primitive)
	}
	m, ok := mutants.ByName(sc.Target)
	if !ok {
		return harness.Target{}, fmt.Errorf("%s: unknown target %q (not a mutant)", sc.File, sc.Target)
	}
	if m.Primitive != sc.Primitive {
		return harness.Target{}, fmt.Errorf("%s: target %s is a %s, the scenario is about %s", sc.File, sc.Target, m.Primitive, sc.Primitive)
	}
	return m.Target, nil
}

// Replay runs sc's schedule on target (harness.Replay) and judges the
// history against the model of sc's dialect.
func Replay(sc *scenario.Scenario, target harness.Target, opts judge.Options) (*Result, error) {
	ex, skipped, err := harness.FollowScenario(sc, &target)
	if err != nil {
		return nil, err
	}
	in := judge.Input{Primitive: sc.Primitive, Dialect: sc.Dialect, Params: sc.Params, Tasks: len(sc.Tasks), History: ex.History, Invariants: prims.InvariantOf(sc.Primitive)}
	for _, t := range sc.Tasks {
		in.Names = append(in.Names, t.Name)
	}
	in.Quiescent, in.Parked = ex.ParkedAtEnd()
	in.Parks, in.ParksKnown = ex.Registrations()
	res := &Result{Scenario: sc, Target: target.Name, Skipped: skipped, History: ex.History}
	for _, v := range judge.Judge(in, opts) {
		if v.Status == judge.Inconclusive && res.Inconclusive == nil {
			v := v
			res.Inconclusive = &v
		}
		if v.Status == judge.Fail {
			v := v
			res.Failure = &v
			break
		}
	}
	if res.Failure != nil {
		res.Inconclusive = nil
	}
	if res.Failure == nil && !ex.Outcome.OK() {
		res.Failure = &judge.Verdict{Property: judge.Property(ex.Outcome.Ending.String()), Status: judge.Fail, Message: ex.Outcome.String(), At: -1}
	}
	return res, nil
}

// Save writes c as a scenario under dir/<primitive>/ and returns its path:
// named after the mutant for a mutant (impl is its name; its target line
// names it), after the failed property for the built-in implementation
// (impl "impl"), never overwriting a file; a counterexample saved already
// (the same text) is not saved twice.
func Save(dir string, p model.Primitive, impl string, c *explore.Counterexample) (string, error) {
	sc, err := c.Scenario()
	if err != nil {
		return "", err
	}
	if impl != "impl" {
		sc.Target = impl
	}
	name := strings.ReplaceAll(string(c.Property), " ", "-")
	if impl != "impl" {
		name = impl
	}
	d := filepath.Join(dir, string(p))
	if err := os.MkdirAll(d, 0o755); err != nil {
		return "", err
	}
	text := scenario.Print(sc)
	path := filepath.Join(d, name+".scn")
	for i := 2; ; i++ {
		old, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			break
		}
		if err == nil && bytes.Equal(old, text) {
			return path, nil // saved already, by an earlier run
		}
		path = filepath.Join(d, fmt.Sprintf("%s-%d.scn", name, i))
	}
	return path, os.WriteFile(path, text, 0o644)
}
