package explore_test

import (
	"testing"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/model"
)

// TestRunShrinksToMinimal: Run finds the buggy toy lock's lost wakeup and
// shrinks it to the smallest counterexample there is: two tasks (T1:
// acquire, release, acquire; T2: acquire, with a cancel), four calls, one
// cancel, one preemption (T2 must queue while T1 can still run).
func TestRunShrinksToMinimal(t *testing.T) {
	cfg := explore.Config{Judge: lockOracle, Seed: 1}
	res := explore.Run(buggyToy, cfg, explore.Budget{Executions: 50_000})
	if !res.Failed() {
		t.Fatalf("no failure: %s", &res)
	}
	t.Logf("%s", &res)
	m := res.Minimal
	if m.Property != judge.Quiescence && m.Property != judge.Invariant {
		t.Fatalf("minimal counterexample fails %s, want quiescence or invariant", m.Property)
	}
	if m.Tasks() != 2 || m.Ops() != 4 || len(m.Program.Cancels) != 1 || m.Preemptions != 1 {
		t.Fatalf("not minimal: %d tasks, %d calls, %d cancels, %d preemptions; want 2, 4, 1, 1",
			m.Tasks(), m.Ops(), len(m.Program.Cancels), m.Preemptions)
	}
	_ = model.Lock
}
