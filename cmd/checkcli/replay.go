package main

import (
	"cmp"
	"fmt"
	"io"

	"github.com/syncheck/syncheck/check"
)

func runReplay(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("replay", `Usage: checkcli replay [flags] FILE|DIR...

Re-runs saved counterexamples (scenario files; directories are searched
recursively for *.scn) on the implementation each names (its target line: a
mutant, or the built-in implementation when there is none), following the
recorded schedule, and judges the history against the model. Says for each
whether it still behaves as recorded: a mutant's counterexample must still
fail (the checker still kills the mutant), one of the built-in
implementation must pass (a fixed bug stays fixed). Exit status 1 if any
does not.`, stdout)
	verbose := fs.Bool("v", false, "also list the recorded steps the implementation could not take")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("no counterexample files given")
	}
	files, err := scenarioFiles(fs.Args())
	if err != nil {
		return err
	}
	scs, err := parseAll(files)
	if err != nil {
		return err
	}
	failing, unexpected := 0, 0
	for _, sc := range scs {
		target, err := lookupTarget(sc.Primitive, cmp.Or(sc.Target, "impl"))
		if err != nil {
			return usagef("%s: its target %q is neither impl nor a mutant: a counterexample of your own implementation replays from go test, with check.Replay(t, target, dir)", sc.File, sc.Target)
		}
		r, err := check.ReplayScenario(sc, target)
		if err != nil {
			return fmt.Errorf("%s: %w", sc.File, err)
		}
		mutant := target.Name() != "impl"
		breaks := ""
		if r.Rule != "" {
			breaks = ", breaks " + r.Rule
		}
		switch {
		case r.Inconclusive > 0:
			unexpected++
			fmt.Fprintf(stdout, "INCONCLUSIVE %s (%s): no verdict: %s: %s\n", sc.File, r.Target, r.Property, r.Message)
		case r.Failed && mutant:
			failing++
			fmt.Fprintf(stdout, "fails  %s (mutant %s, as recorded): %s%s\n", sc.File, r.Target, r.Property, breaks)
		case r.Failed:
			failing++
			unexpected++
			fmt.Fprintf(stdout, "FAILS  %s (%s): %s%s: %s\n", sc.File, r.Target, r.Property, breaks, r.Message)
		case mutant:
			unexpected++
			fmt.Fprintf(stdout, "PASSES %s (mutant %s): the counterexample no longer kills it\n", sc.File, r.Target)
		default:
			fmt.Fprintf(stdout, "passes %s (%s)\n", sc.File, r.Target)
		}
		if *verbose && r.Report != "" {
			fmt.Fprint(stdout, r.Report)
		}
	}
	fmt.Fprintf(stdout, "replay: %d fail, %d pass; %d not as recorded\n", failing, len(scs)-failing, unexpected)
	if unexpected > 0 {
		return errFailed
	}
	return nil
}
