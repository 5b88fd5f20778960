package main

import (
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/syncheck/syncheck/check/harness"
	"github.com/syncheck/syncheck/check/scenario"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/specs"
)

func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("verify", `Usage: checkcli verify [flags] PRIMITIVE

Checks the implementation of PRIMITIVE (`+primitiveNames()+`)
against its reference model. This version replays the primitive's executable
specification (the scenarios embedded from specs/PRIMITIVE) against the model
and the implementation under the controlled scheduler; randomized and
exhaustive exploration arrive with the checker.`, stdout)
	verbose := fs.Bool("v", false, "print every step of every scenario")
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
	target, err := harness.Builtin(p)
	if err != nil {
		return err
	}
	scs, err := embeddedScenarios(p)
	if err != nil {
		return err
	}
	passed, failed := 0, 0
	for _, sc := range scs {
		var t *harness.Target
		if sc.Dialect == model.Go {
			t = &target
		}
		r := harness.RunSpec(sc, t)
		if r.Failed() {
			failed++
			fmt.Fprintf(stdout, "FAIL %s\n     %s\n", sc.File, r.Failure)
			printSteps(stdout, r, false)
		} else {
			passed++
			if *verbose {
				fmt.Fprintf(stdout, "ok   %s\n", sc.File)
				printSteps(stdout, r, false)
			}
		}
	}
	fmt.Fprintf(stdout, "verify %s: %d scenarios passed, %d failed (model + %s under the controlled scheduler)\n", p, passed, failed, target.Name)
	if failed > 0 {
		return errFailed
	}
	return nil
}

// embeddedScenarios returns the scenarios about p from specs/ (the
// semaphore directory holds the boundedsemaphore ones too).
func embeddedScenarios(p model.Primitive) ([]*scenario.Scenario, error) {
	var out []*scenario.Scenario
	err := fs.WalkDir(specs.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".scn") {
			return err
		}
		src, err := specs.FS.ReadFile(path)
		if err != nil {
			return err
		}
		sc, err := scenario.Parse("specs/"+path, src)
		if err != nil {
			return err
		}
		if sc.Primitive == p {
			out = append(out, sc)
		}
		return nil
	})
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
