package main

import (
	"fmt"
	"io"
	"time"

	"github.com/syncheck/syncheck/check/corpus"
	"github.com/syncheck/syncheck/check/explore"
	"github.com/syncheck/syncheck/check/mutants"
	"github.com/syncheck/syncheck/check/report"
)

func runMutants(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mutants", `Usage: checkcli mutants [flags] [NAME...]

Runs the checker against the mutants: buggy variants of the primitives, each
a faithful copy of a real bug pattern (check/mutants). For each it prints
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
	all := mutants.All()
	if fs.NArg() > 0 {
		var pick []mutants.Mutant
		for _, name := range fs.Args() {
			m, ok := mutants.ByName(name)
			if !ok {
				return usagef("unknown mutant %q (checkcli mutants --list)", name)
			}
			pick = append(pick, m)
		}
		all = pick
	}
	if *list {
		for _, m := range all {
			fmt.Fprintf(stdout, "%-28s %-16s %s  %s\n", m.Name, m.Primitive, m.Class, m.Pattern)
		}
		return nil
	}
	if v.seed == 0 {
		v.seed = 1 // the table is reproducible by default
	}
	type row struct {
		Name        string  `json:"mutant"`
		Primitive   string  `json:"primitive"`
		Class       string  `json:"class"`
		Killed      bool    `json:"killed"`
		Property    string  `json:"property,omitempty"`
		Executions  int     `json:"executions_to_failure,omitempty"`
		Seconds     float64 `json:"seconds_to_failure,omitempty"`
		Tasks       int     `json:"tasks,omitempty"`
		Ops         int     `json:"ops,omitempty"`
		Preemptions int     `json:"preemptions,omitempty"`
		Minimal     string  `json:"known_minimal"`
		Saved       string  `json:"saved,omitempty"`
	}
	var rows []row
	killed := 0
	if !*asJSON {
		fmt.Fprintf(stdout, "%-28s %-5s %-8s %-16s %11s %9s %-13s %s\n", "mutant", "class", "killed", "property", "executions", "seconds", "size t/o/p", "minimal")
	}
	for _, m := range all {
		cfg, budget, err := v.config()
		if err != nil {
			return err
		}
		res := explore.Run(m.Target, cfg, budget)
		r := row{Name: m.Name, Primitive: string(m.Primitive), Class: m.Class, Killed: res.Failed(),
			Minimal: fmt.Sprintf("%d/%d/%d", m.Minimal.Tasks, m.Minimal.Ops, m.Minimal.Preemptions)}
		if res.Failed() {
			killed++
			c := res.Minimal
			if c == nil {
				c = res.Found
			}
			size := c.Size()
			r.Property, r.Executions, r.Seconds = string(c.Property), res.FoundAfter, res.FoundIn.Seconds()
			r.Tasks, r.Ops, r.Preemptions = size.Tasks, size.Ops, size.Preemptions
			if *save != "" {
				if r.Saved, err = corpus.Save(*save, m.Primitive, m.Name, c); err != nil {
					fmt.Fprintf(stderr, "checkcli mutants: saving %s: %v\n", m.Name, err)
				}
			}
		}
		rows = append(rows, r)
		if !*asJSON {
			if r.Killed {
				fmt.Fprintf(stdout, "%-28s %-5s %-8s %-16s %11d %9.3f %-13s %s\n", r.Name, r.Class, "killed", r.Property, r.Executions, r.Seconds,
					fmt.Sprintf("%d/%d/%d", r.Tasks, r.Ops, r.Preemptions), r.Minimal)
			} else {
				fmt.Fprintf(stdout, "%-28s %-5s %-8s %-16s %11s %9s %-13s %s\n", r.Name, r.Class, "SURVIVED", "-", "-", "-", "-", r.Minimal)
			}
		}
	}
	if *asJSON {
		if err := report.WriteJSON(stdout, rows); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stdout, "mutants: %d killed, %d survived (each: %s)\n", killed, len(all)-killed, v.args(v.seed))
	}
	if killed < len(all) {
		return errFailed
	}
	return nil
}
