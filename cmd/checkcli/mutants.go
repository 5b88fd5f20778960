package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/syncheck/syncheck/check"
)

func runMutants(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mutants", `Usage: checkcli mutants [flags] [NAME...]

Runs the checker against the mutants: buggy variants of the primitives, each
a faithful copy of a real bug pattern (check/internal/mutants). For each it prints
whether it was killed, the executions and seconds to the first failure, and
the size of the shrunk counterexample (tasks / calls / preemptions) next to
the known minimal one. Exit status 1 if any mutant survives.`, stdout)
	var v verifyFlags
	v.register(fs, 200000, 20*time.Second)
	list := fs.Bool("list", false, "list the mutants and exit")
	asJSON := fs.Bool("json", false, "print the table as JSON")
	save := fs.String("save", "", "save each counterexample as a scenario under DIR/PRIMITIVE/NAME.scn")
	if err := fs.parse(args); err != nil {
		return err
	}
	if v.seed == 0 {
		v.seed = 1 // the table is reproducible by default
	}
	o, err := v.options()
	if err != nil {
		return err
	}
	if v.shard != "" {
		return usagef("--shard is verify's (split one search); mutants runs one search per mutant")
	}
	o.SaveDir = *save
	all := check.Mutants()
	if fs.NArg() > 0 {
		var pick []check.Mutant
		for _, name := range fs.Args() {
			i := slices.IndexFunc(all, func(m check.Mutant) bool { return m.Target.Name() == name })
			if i < 0 {
				return usagef("unknown mutant %q (checkcli mutants --list)", name)
			}
			pick = append(pick, all[i])
		}
		all = pick
	}
	width := 0 // the longest name, so that the columns line up
	for _, m := range all {
		width = max(width, len(m.Target.Name()))
	}
	if *list {
		for _, m := range all {
			fmt.Fprintf(stdout, "%-*s %-16s %s  %s\n", width, m.Target.Name(), m.Target.Primitive(), m.Class, m.Bug)
		}
		return nil
	}
	doc := check.MutantsReport{Schema: check.MutantsSchema, Options: v.args(v.seed), Mutants: []check.MutantRow{}}
	if !*asJSON {
		fmt.Fprintf(stdout, "%-*s %-5s %-8s %-16s %-5s %11s %9s %-13s %s\n", width, "mutant", "class", "killed", "property", "rule", "executions", "seconds", "size t/o/p", "minimal")
	}
	for _, m := range all {
		res, err := check.Run(m.Target, o)
		switch {
		case err == nil, errors.Is(err, check.ErrTooFewExecutions):
			// A search too short for a verdict did not kill it.
		case !res.Failed:
			return usagef("%v", err)
		default:
			fmt.Fprintf(stderr, "checkcli mutants: %s: %v\n", m.Target.Name(), err)
		}
		r := check.MutantRow{Mutant: m.Target.Name(), Primitive: m.Target.Primitive(), Class: m.Class, Killed: res.Failed,
			KnownMinimal: m.Minimal.String(), Saved: res.Saved}
		if res.Failed {
			doc.Killed++
			r.Property, r.Rule, r.ExecutionsToFailure, r.SecondsToFailure = res.Property, res.Rule, res.FoundAfter, res.Elapsed.Seconds()
			r.Size = &res.Size
		} else {
			doc.Survived++
		}
		doc.Mutants = append(doc.Mutants, r)
		if !*asJSON {
			printRow(stdout, r, width)
		}
	}
	if *asJSON {
		if err := writeJSON(stdout, doc); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "mutants: %d killed, %d survived (each: %s)\n", doc.Killed, doc.Survived, v.args(v.seed))
	}
	if doc.Survived > 0 {
		return errFailed
	}
	return nil
}

// printRow writes r as a line of the table.
func printRow(w io.Writer, r check.MutantRow, width int) {
	if r.Killed {
		rule := r.Rule
		if rule == "" {
			rule = "-"
		}
		fmt.Fprintf(w, "%-*s %-5s %-8s %-16s %-5s %11d %9.3f %-13s %s\n", width, r.Mutant, r.Class, "killed", r.Property, rule, r.ExecutionsToFailure, r.SecondsToFailure,
			r.Size, r.KnownMinimal)
		return
	}
	fmt.Fprintf(w, "%-*s %-5s %-8s %-16s %-5s %11s %9s %-13s %s\n", width, r.Mutant, r.Class, "SURVIVED", "-", "-", "-", "-", "-", r.KnownMinimal)
}
