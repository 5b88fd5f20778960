package explore_test

import (
	"testing"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// TestInterleavingPlacesEveryEvent: on generated programs for every
// built-in and every mutant (cancels, wake windows, tasks left parked),
// the interleaving gives every history event, in order, to exactly one
// action: to the task whose event it is, a cancel to a cancel delivered,
// and each call's first park comes after as many events as the run
// recorded there (Execution.Parks, the runner's own count).
func TestInterleavingPlacesEveryEvent(t *testing.T) {
	var targets []harness.Target
	for _, p := range []model.Primitive{model.Lock, model.Event, model.Condition, model.Semaphore, model.BoundedSemaphore,
		model.Queue, model.LifoQueue, model.PriorityQueue, model.Barrier, model.Weighted} {
		targets = append(targets, builtin(t, p))
	}
	for _, m := range mutants.All() {
		targets = append(targets, m.Target)
	}
	runs, cancels, parked := 0, 0, 0
	for _, target := range targets {
		gen := explore.Gen(target.Primitive, explore.GenConfig{Ops: target.Ops, MaxTasks: 3})
		for seed := range uint64(12) {
			prog := gen(scheduler.NewPCG(seed))
			ex := explore.Execute(target, &prog, explore.WakeWindow().Chooser(&prog, scheduler.NewPCG(seed+100)), 2000)
			runs++
			lines := ex.Interleaving()
			if len(lines) != len(ex.Schedule) {
				t.Fatalf("%s seed %d: %d lines for %d actions", target.Name, seed, len(lines), len(ex.Schedule))
			}
			next, ti := 0, 0
			parks := map[[2]int]bool{} // (task, events recorded before) of each park
			for i, l := range lines {
				for _, e := range l.Events {
					if e != next {
						t.Fatalf("%s seed %d: action %d records event %d, want %d\n%s", target.Name, seed, i+1, e, next, ex)
					}
					h := ex.History[e]
					if h.Kind == history.Cancel {
						cancels++
					}
					if h.Task != l.Task || (h.Kind == history.Cancel) != l.Cancel {
						t.Fatalf("%s seed %d: action %d (%s) records %v\n%s", target.Name, seed, i+1, l.Text, h, ex)
					}
					next++
				}
				if !l.Cancel {
					if ex.Trace[ti].Kind == scheduler.AtPark {
						parks[[2]int{l.Task, next}] = true
					}
					ti++
				}
			}
			if next != len(ex.History) {
				t.Fatalf("%s seed %d: %d of %d events placed\n%s", target.Name, seed, next, len(ex.History), ex)
			}
			parked += len(ex.Parks)
			for _, pk := range ex.Parks {
				if !parks[[2]int{pk.Task, pk.At}] {
					t.Fatalf("%s seed %d: %v's park after %d events is on no line\n%s", target.Name, seed, pk.Task, pk.At, ex)
				}
			}
		}
	}
	if runs < 100 || cancels < 50 || parked < 100 {
		t.Fatalf("only %d runs, %d cancels, %d parks", runs, cancels, parked)
	}
	t.Logf("%d runs, %d cancels, %d parks", runs, cancels, parked)
}

// TestStepLabel: the steps are History's indices from 1.
func TestStepLabel(t *testing.T) {
	for _, tc := range []struct {
		events []int
		want   string
	}{{nil, ""}, {[]int{0}, "1"}, {[]int{3, 4}, "4-5"}} {
		if got := explore.StepLabel(tc.events); got != tc.want {
			t.Errorf("StepLabel(%v) = %q, want %q", tc.events, got, tc.want)
		}
	}
}
