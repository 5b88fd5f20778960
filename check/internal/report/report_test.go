package report_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/report"
	"github.com/syncheck/syncheck/model"
)

// counterexample finds and shrinks one for a mutant that strands a lock
// waiter (bpo-27585).
func counterexample(t *testing.T) *explore.Counterexample {
	t.Helper()
	m, ok := mutants.ByName("lock-cancel-granted-strands")
	if !ok {
		t.Fatal("mutant missing")
	}
	res := explore.Run(m.Target, explore.Config{Seed: 1, ShrinkTime: -1}, explore.Budget{Executions: 20000})
	if !res.Failed() {
		t.Fatal("mutant survived")
	}
	return res.Found
}

func TestCounterexampleText(t *testing.T) {
	c := counterexample(t)
	var b bytes.Buffer
	report.Counterexample(&b, c, "go run ./cmd/checkcli replay x.scn")
	out := b.String()
	for _, want := range []string{
		"property violated: " + string(c.Property),
		c.Message,
		"| step", // the judges' step numbers
		"| T1",   // one column per task
		"interleaving",
		"replay: go run ./cmd/checkcli replay x.scn",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// Every row of the table has its step and one cell per task.
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "| ") && strings.Count(line, "|") != len(c.Program.Tasks)+2 {
			t.Errorf("row %q: want the step and %d columns", line, len(c.Program.Tasks))
		}
	}
}

func TestCounterexampleJSON(t *testing.T) {
	c := counterexample(t)
	var b bytes.Buffer
	if err := report.WriteJSON(&b, report.JSONOf(c, "cmd")); err != nil {
		t.Fatal(err)
	}
	var back report.CounterexampleJSON
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Property != string(c.Property) || back.Tasks != c.Tasks() || len(back.History) != len(c.History) || len(back.Verdicts) == 0 || !strings.Contains(back.Scenario, "primitive lock") {
		t.Fatalf("JSON lost something: %+v", back)
	}
}

func TestHTML(t *testing.T) {
	c := counterexample(t)
	var b bytes.Buffer
	if err := report.HTML(&b, c, report.About{Dialect: model.Go}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "<html") {
		t.Fatalf("not an HTML page: %.200s", b.String())
	}
}
