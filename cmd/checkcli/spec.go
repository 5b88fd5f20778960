package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

func runSpec(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("spec", `Usage: checkcli spec [flags] FILE|DIR...

Runs scenario files (*.scn; directories are searched recursively) against the
reference model of their dialect and, for the go dialect, against the
implementation under the controlled scheduler, following each scenario's
schedule. Prints one line per scenario and a summary.

With --mode stress, each go-dialect scenario's program (its tasks, their
calls, and its cancels) runs --runs times on real goroutines against the
built-in implementation, in whatever order real scheduling gives (the
steps' order is not followed), each run judged against the model; the
other scenarios are skipped.`, stdout)
	verbose := fs.Bool("v", false, "print every step: what the model allows and what the implementation did")
	modelOnly := fs.Bool("model-only", false, "run against the model only")
	mode := fs.String("mode", "controlled", "controlled (follow each scenario's steps) or stress (run each scenario's program on real goroutines)")
	runs := fs.Int("runs", 1000, "stress mode: runs of each scenario's program")
	seed := fs.Uint64("seed", 0, "stress mode: base seed (0: pick one)")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch {
	case *mode != "controlled" && *mode != "stress":
		return usagef("unknown mode %q (want controlled or stress)", *mode)
	case *runs < 1:
		return usagef("--runs %d: want at least 1", *runs)
	case *mode == "stress" && (*modelOnly || *verbose):
		return usagef("--model-only and -v are for controlled mode")
	}
	if fs.NArg() == 0 {
		return usagef("no scenario files given")
	}
	files, err := scenarioFiles(fs.Args())
	if err != nil {
		return err
	}
	scs, err := parseAll(files)
	if err != nil {
		return err
	}
	if *mode == "stress" {
		return specStress(scs, *runs, *seed, stdout)
	}
	passed, failed, malformed := 0, 0, 0
	for _, sc := range scs {
		var target *check.Target
		if !*modelOnly && sc.Dialect == model.Go {
			t, err := check.Builtin(sc.Primitive)
			if err != nil {
				return err
			}
			target = &t
		}
		r := check.Spec(sc, target, *verbose)
		if r.Property == "malformed" {
			malformed++
		}
		if r.Failed {
			failed++
			fmt.Fprintf(stdout, "FAIL %s (%s)\n     %s\n", sc.File, r.Target, r.Message)
		} else {
			passed++
			fmt.Fprintf(stdout, "ok   %s (%d steps; %s)\n", sc.File, len(sc.Steps), r.Target)
		}
		if *verbose || r.Failed {
			fmt.Fprint(stdout, r.Report)
		}
	}
	fmt.Fprintf(stdout, "spec: %d passed, %d failed\n", passed, failed)
	if malformed > 0 {
		return usagef("%d of the failing scenarios are malformed (a step past the end of a task's calls, or a point a call never reaches)", malformed)
	}
	if failed > 0 {
		return errFailed
	}
	return nil
}

// specStress runs each go-dialect scenario's program runs times in stress
// mode against the built-in implementation.
func specStress(scs []*scenario.Scenario, runs int, seed uint64, stdout io.Writer) error {
	passed, failed, skipped := 0, 0, 0
	for _, sc := range scs {
		if sc.Dialect != model.Go {
			skipped++
			continue
		}
		target, err := check.Builtin(sc.Primitive)
		if err != nil {
			return err
		}
		r, err := check.Run(target, check.Options{Mode: "stress", Scenario: sc, Runs: runs, Seed: seed})
		switch {
		case err != nil && !r.Failed:
			failed++
			fmt.Fprintf(stdout, "FAIL %s: no verdict: %v\n", sc.File, err)
		case r.Failed:
			failed++
			fmt.Fprintf(stdout, "FAIL %s (%s, stress): %s: %s\n", sc.File, r.Target, r.Property, r.Message)
			fmt.Fprint(stdout, r.Report)
		default:
			passed++
			fmt.Fprintf(stdout, "ok   %s (%d stress runs; %s)\n", sc.File, r.Executions, r.Target)
		}
	}
	fmt.Fprintf(stdout, "spec --mode stress: %d passed, %d failed, %d skipped (not the go dialect)\n", passed, failed, skipped)
	if failed > 0 {
		return errFailed
	}
	return nil
}

func runModel(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("model", `Usage: checkcli model [flags] FILE

Prints, step by step, what the reference model says happens in the scenario:
each step's result (or that the task blocks), and then who holds what and who
is waiting or granted. With --dialect the scenario is replayed under another
dialect, its expectations ignored, so you can ask "what would asyncio 3.11 do
here?"; where the model allows several outcomes, all are followed.`, stdout)
	dialect := fs.String("dialect", "", "replay under this dialect ("+dialectNames()+"); default: the scenario's own")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want exactly one scenario file, got %d", fs.NArg())
	}
	sc, err := scenario.ParseFile(fs.Arg(0))
	if err != nil {
		return err
	}
	whatIf := false // replayed under another dialect, expectations dropped
	if *dialect != "" {
		d := model.Dialect(*dialect)
		if !slices.Contains(allDialects(), d) {
			return usagef("unknown dialect %q (want %s)", *dialect, dialectNames())
		}
		if err := model.Describe(sc.Primitive).CheckDialect(d); err != nil {
			return usagef("%v", err)
		}
		if d != sc.Dialect {
			sc.Dialect, whatIf = d, true
			for i := range sc.Steps {
				sc.Steps[i].Expect = nil
			}
		}
	}
	r := check.Spec(sc, nil, true)
	fmt.Fprintf(stdout, "%s: %s, dialect %s\n", sc.File, sc.Primitive, sc.Dialect)
	fmt.Fprint(stdout, r.Report)
	if r.Failed && whatIf {
		// The question was "what would this dialect do": a schedule that
		// cannot go on under it is the answer, not a failure.
		fmt.Fprintf(stdout, "under %s the schedule goes no further: %s\n", sc.Dialect, r.Message)
		return nil
	}
	if r.Failed {
		fmt.Fprintf(stdout, "FAIL %s\n", r.Message)
		return errFailed
	}
	return nil
}

func dialectNames() string {
	ds := allDialects()
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d)
	}
	return strings.Join(s, ", ")
}

// allDialects lists every dialect some primitive has: model.Dialects,
// then those of only some primitives (x/sync, the Weighted semaphore's).
func allDialects() []model.Dialect {
	ds := slices.Clone(model.Dialects)
	for _, p := range model.Primitives {
		for _, d := range model.Describe(p).AllDialects() {
			if !slices.Contains(ds, d) {
				ds = append(ds, d)
			}
		}
	}
	return ds
}

// scenarioFiles expands the arguments: files as given, directories searched
// recursively for *.scn, in lexical order.
func scenarioFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, usagef("%v", err)
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		found, err := scenario.Files(a)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, usagef("%s: no *.scn files", a)
		}
		files = append(files, found...)
	}
	return files, nil
}

// parseAll parses every file; any malformed file is bad input (exit 2),
// reported with all the others that are malformed.
func parseAll(files []string) ([]*scenario.Scenario, error) {
	var scs []*scenario.Scenario
	var bad []string
	for _, f := range files {
		sc, err := scenario.ParseFile(f)
		if err != nil {
			bad = append(bad, err.Error())
			continue
		}
		scs = append(scs, sc)
	}
	if len(bad) > 0 {
		return nil, fmt.Errorf("%s", strings.Join(bad, "\n"))
	}
	return scs, nil
}
