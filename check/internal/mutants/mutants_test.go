package mutants_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
	"github.com/syncheck/syncheck/specs"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// repoRoot is the repository root, from this package's directory.
const repoRoot = "../../.."

func builtin(t *testing.T, p model.Primitive) *harness.Target {
	t.Helper()
	tg, err := prims.Builtin(p)
	if err != nil {
		t.Fatal(err)
	}
	return &tg
}

func base(t *testing.T, p model.Primitive) *harness.Target {
	t.Helper()
	tg, ok := mutants.Base(p)
	if !ok {
		t.Fatalf("no base for %s", p)
	}
	return &tg
}

// reference matches the reference a Pattern must carry.
var reference = regexp.MustCompile(`bpo-\d+|gh-\d+|[\w.-]+/[\w.-]+#\d+|probe [A-Z]\d|asyncio\.md §\d|G\d+`)

func TestRegistry(t *testing.T) {
	all := mutants.All()
	if len(all) < 13 {
		t.Fatalf("%d mutants, want at least 13", len(all))
	}
	names := map[string]bool{}
	classes := map[string]int{}
	prims := map[model.Primitive]int{}
	for _, m := range all {
		if names[m.Name] {
			t.Errorf("mutant name %q is not unique", m.Name)
		}
		names[m.Name] = true
		classes[m.Class]++
		prims[m.Primitive]++
		switch m.Class {
		case mutants.ClassS, mutants.ClassW, mutants.ClassF:
		default:
			t.Errorf("%s: class %q, want S, W or F", m.Name, m.Class)
		}
		if m.Target.Name != m.Name || m.Target.Primitive != m.Primitive || m.Target.New == nil {
			t.Errorf("%s: target %q/%s does not match the mutant", m.Name, m.Target.Name, m.Target.Primitive)
		}
		if m.Pattern == "" || strings.Contains(m.Pattern, "\n") || !reference.MatchString(m.Pattern) {
			t.Errorf("%s: pattern %q is not one sentence with a reference", m.Name, m.Pattern)
		}
		if m.Minimal.Tasks < 1 || m.Minimal.Ops < 1 || m.Minimal.Preemptions < 0 {
			t.Errorf("%s: minimal size %v", m.Name, m.Minimal)
		}
		if m.Class == mutants.ClassF && m.Minimal.Preemptions < 1 {
			t.Errorf("%s: class F needs a preemption, minimal size %v", m.Name, m.Minimal)
		}
		if got, ok := mutants.ByName(m.Name); !ok || got.Name != m.Name {
			t.Errorf("ByName(%q) = %q, %v", m.Name, got.Name, ok)
		}
	}
	if _, ok := mutants.ByName("no-such-mutant"); ok {
		t.Error("ByName found a mutant that does not exist")
	}
	for _, c := range []string{mutants.ClassS, mutants.ClassW, mutants.ClassF} {
		if classes[c] == 0 {
			t.Errorf("no mutant of class %s", c)
		}
	}
	for _, p := range model.Primitives {
		if prims[p] == 0 {
			t.Errorf("no mutant of %s", p)
		}
	}
	// All is stable.
	again := mutants.All()
	for i := range all {
		if again[i].Name != all[i].Name {
			t.Fatalf("All() order changed at %d: %s, then %s", i, all[i].Name, again[i].Name)
		}
	}
}

// TestMutantFiles checks that each mutant's file starts with its comment
// block (the bug, the reference, the class, the minimal counterexample and
// its size), and that testdata/mutants holds exactly the S and W scenarios.
func TestMutantFiles(t *testing.T) {
	scns := map[string]bool{}
	for _, m := range mutants.All() {
		file := strings.ReplaceAll(m.Name, "-", "_") + ".go"
		src, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("%s: %v", m.Name, err)
			continue
		}
		head := string(src)
		if i := strings.Index(head, "\npackage "); i >= 0 {
			head = head[:i]
		}
		for _, want := range []string{
			"// " + m.Name + "\n",
			"// The bug:",
			"// Reference:",
			"// Class " + m.Class + ":",
			"// Minimal counterexample",
			sizeWords(m.Minimal),
		} {
			if !strings.Contains(strings.ReplaceAll(head, "\n// ", " "), strings.ReplaceAll(want, "\n// ", " ")) {
				t.Errorf("%s: the comment block of %s lacks %q", m.Name, file, want)
			}
		}
		if f := m.ScenarioFile(); f != "" {
			scns[filepath.Base(f)] = true
		}
	}
	entries, err := os.ReadDir(filepath.Join(repoRoot, "testdata/mutants"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !scns[e.Name()] {
			t.Errorf("testdata/mutants/%s belongs to no class S or W mutant", e.Name())
		}
		delete(scns, e.Name())
	}
	for f := range scns {
		t.Errorf("testdata/mutants/%s is missing", f)
	}
}

// sizeWords is how a comment block states a size.
func sizeWords(s mutants.Size) string {
	plural := func(n int, w string) string {
		if n == 1 {
			return fmt.Sprintf("%d %s", n, w)
		}
		return fmt.Sprintf("%d %ss", n, w)
	}
	return plural(s.Tasks, "task") + " / " + plural(s.Ops, "op") + " / " + plural(s.Preemptions, "preemption")
}

// TestBasesPassSpecs runs every go-dialect scenario of specs/ against the
// bases the mutants are written against: each mutant then differs from the
// specification by its bug alone.
func TestBasesPassSpecs(t *testing.T) {
	n := 0
	for _, sc := range specScenarios(t) {
		if sc.Dialect != model.Go {
			continue
		}
		n++
		t.Run(sc.File, func(t *testing.T) {
			if r := harness.RunSpec(sc, base(t, sc.Primitive)); r.Failed() {
				t.Fatal(r.Failure)
			}
		})
	}
	if n < 40 {
		t.Fatalf("only %d go-dialect scenarios under specs/", n)
	}
}

func specScenarios(t *testing.T) []*scenario.Scenario {
	t.Helper()
	scs, err := specs.All()
	if err != nil {
		t.Fatal(err)
	}
	return scs
}

// TestScenarioKills: every class S and W mutant is killed by its minimal
// counterexample, at its last step, while the built-in implementation and
// the base pass it; and the scenario has the size the mutant states.
func TestScenarioKills(t *testing.T) {
	for _, m := range mutants.All() {
		if m.Class == mutants.ClassF {
			continue
		}
		t.Run(m.Name, func(t *testing.T) {
			sc, err := scenario.ParseFile(filepath.Join(repoRoot, m.ScenarioFile()))
			if err != nil {
				t.Fatal(err)
			}
			if sc.Primitive != m.Primitive || sc.Dialect != model.Go {
				t.Fatalf("scenario is %s/%s, the mutant %s/go", sc.Primitive, sc.Dialect, m.Primitive)
			}
			for k, v := range m.Params {
				if sc.Params[k] != v {
					t.Errorf("scenario %s %d, the mutant states %d", k, sc.Params[k], v)
				}
			}
			if sc.Params["value"] != m.Params["value"] {
				t.Errorf("scenario value %d, the mutant states %d", sc.Params["value"], m.Params["value"])
			}
			for _, tg := range []*harness.Target{builtin(t, m.Primitive), base(t, m.Primitive)} {
				r := harness.RunSpec(sc, tg)
				if r.Failed() {
					t.Fatalf("%s fails the counterexample: %s", tg.Name, r.Failure)
				}
				if len(r.Steps) != len(sc.Steps) {
					t.Fatalf("%s ran %d of %d steps", tg.Name, len(r.Steps), len(sc.Steps))
				}
				if got := scenarioSize(sc, r); got != m.Minimal {
					t.Errorf("scenario size on %s is %v, the mutant states %v", tg.Name, got, m.Minimal)
				}
			}
			r := harness.RunSpec(sc, &m.Target)
			if !r.Failed() {
				t.Fatal("the mutant survives its minimal counterexample")
			}
			last := sc.Steps[len(sc.Steps)-1].Line
			if !strings.HasPrefix(r.Failure, fmt.Sprintf("%s:%d: ", sc.File, last)) {
				t.Errorf("killed before the last step (line %d): %s", last, r.Failure)
			}
			t.Logf("killed: %s", r.Failure)
		})
	}
}

// scenarioSize measures a scenario that passed on a correct target: its
// tasks, its calls, and its preemptions. A preemption is a run step of
// another task while the task that ran last could go on: its call returned
// and it has calls left (a cancel is the driver's, not a switch).
func scenarioSize(sc *scenario.Scenario, r *harness.SpecResult) mutants.Size {
	s := mutants.Size{Tasks: len(sc.Tasks)}
	for _, t := range sc.Tasks {
		s.Ops += len(t.Ops)
	}
	calls := make([]int, len(sc.Tasks)) // calls returned, per task
	last, lastCanGoOn := -1, false
	for _, st := range r.Steps {
		if st.Step.Kind != scenario.Run {
			continue
		}
		if last >= 0 && st.Step.Task != last && lastCanGoOn {
			s.Preemptions++
		}
		last = st.Step.Task
		returned := st.Impl != nil && st.Impl.Kind != scenario.ExpectBlocks
		if returned {
			calls[last]++
		}
		lastCanGoOn = returned && calls[last] < len(sc.Tasks[last].Ops)
	}
	return s
}

// TestSpecsAgainstMutants runs every go-dialect scenario of specs/ against
// every mutant: the class F mutants must survive them all (whole steps
// cannot reach their bug); which specs kill the others is logged.
func TestSpecsAgainstMutants(t *testing.T) {
	scs := specScenarios(t)
	for _, m := range mutants.All() {
		var killers []string
		for _, sc := range scs {
			if sc.Dialect != model.Go || sc.Primitive != m.Primitive {
				continue
			}
			if r := harness.RunSpec(sc, &m.Target); r.Failed() {
				killers = append(killers, strings.TrimSuffix(filepath.Base(sc.File), ".scn"))
			}
		}
		if m.Class == mutants.ClassF && len(killers) > 0 {
			t.Errorf("%s (class F) is killed by whole-step scenarios: %v", m.Name, killers)
		}
		t.Logf("%-28s killed by %d specs: %v", m.Name, len(killers), killers)
	}
}
