package main

import (
	"encoding/json"
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
	var rows []row
	killed := 0
	if !*asJSON {
		fmt.Fprintf(stdout, "%-*s %-5s %-8s %-16s %11s %9s %-13s %s\n", width, "mutant", "class", "killed", "property", "executions", "seconds", "size t/o/p", "minimal")
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
		r := row{Name: m.Target.Name(), Primitive: string(m.Target.Primitive()), Class: m.Class, Killed: res.Failed,
			Minimal: m.Minimal.String(), Saved: res.Saved}
		if res.Failed {
			killed++
			r.Property, r.Executions, r.Seconds = res.Property, res.FoundAfter, res.Elapsed.Seconds()
			r.Tasks, r.Ops, r.Preemptions = res.Size.Tasks, res.Size.Ops, res.Size.Preemptions
		}
		rows = append(rows, r)
		if !*asJSON {
			r.print(stdout, width)
		}
	}
	if *asJSON {
		b, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		fmt.Fprintf(stdout, "mutants: %d killed, %d survived (each: %s)\n", killed, len(all)-killed, v.args(v.seed))
	}
	if killed < len(all) {
		return errFailed
	}
	return nil
}

// row is one line of the mutants table.
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

// print writes the row as a line of the table.
func (r row) print(w io.Writer, width int) {
	if r.Killed {
		fmt.Fprintf(w, "%-*s %-5s %-8s %-16s %11d %9.3f %-13s %s\n", width, r.Name, r.Class, "killed", r.Property, r.Executions, r.Seconds,
			fmt.Sprintf("%d/%d/%d", r.Tasks, r.Ops, r.Preemptions), r.Minimal)
		return
	}
	fmt.Fprintf(w, "%-*s %-5s %-8s %-16s %11s %9s %-13s %s\n", width, r.Name, r.Class, "SURVIVED", "-", "-", "-", "-", r.Minimal)
}
