package explore_test

import (
	"flag"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// TestGenShapes: generated programs are valid, within the bounds, and
// cover what the generator promises (several tasks, cancels on blocking
// calls and on others, calls with a done context, several Conditions, the
// Condition patterns, semaphore values 0..2).
func TestGenShapes(t *testing.T) {
	for _, p := range model.Primitives {
		t.Run(string(p), func(t *testing.T) {
			cfg := explore.GenConfig{}
			g := explore.Gen(p, cfg)
			seen := map[string]int{}
			maxOps := 4
			if p == model.Condition {
				maxOps = 6
			}
			for seed := range 2000 {
				prog := g(scheduler.NewPCG(uint64(seed)))
				if err := prog.Validate(); err != nil {
					t.Fatalf("seed %d: %v\n%s", seed, err, prog.String())
				}
				if prog.Primitive != p || len(prog.Tasks) < 1 || len(prog.Tasks) > 4 {
					t.Fatalf("seed %d: %s with %d tasks", seed, prog.Primitive, len(prog.Tasks))
				}
				perTask := map[int]int{}
				for _, c := range prog.Cancels {
					perTask[c.Task]++
					op := prog.Tasks[c.Task].Ops[c.Call]
					if op.Blocking() {
						seen["cancel on a blocking call"]++
					} else {
						seen["cancel on another call"]++
					}
				}
				for _, n := range perTask {
					if n > 2 {
						t.Fatalf("seed %d: %d cancels on one task", seed, n)
					}
				}
				seen[fmtTasks(len(prog.Tasks))]++
				for _, tk := range prog.Tasks {
					if len(tk.Ops) < 1 || len(tk.Ops) > maxOps {
						t.Fatalf("seed %d: task %s has %d calls", seed, tk.Name, len(tk.Ops))
					}
					for _, op := range tk.Ops {
						seen[string(op.Kind)]++
						if op.CtxDone {
							seen["done context"]++
						}
					}
				}
				if prog.Params["conditions"] > 1 {
					seen["several conditions"]++
				}
				if p == model.Semaphore || p == model.BoundedSemaphore {
					seen[fmtValue(prog.Params["value"])]++
				}
			}
			t.Logf("%v", seen)
			want := []string{"1 task", "2 tasks", "3 tasks", "4 tasks", "cancel on a blocking call", "cancel on another call", "done context"}
			for _, o := range model.Describe(p).Ops {
				want = append(want, string(o.Kind))
			}
			switch p {
			case model.Condition:
				want = append(want, "several conditions")
			case model.Semaphore, model.BoundedSemaphore:
				want = append(want, "value 0", "value 1", "value 2")
			}
			for _, w := range want {
				if seen[w] == 0 {
					t.Errorf("never generated: %s", w)
				}
			}
		})
	}
}

func fmtTasks(n int) string {
	if n == 1 {
		return "1 task"
	}
	return string(rune('0'+n)) + " tasks"
}

func fmtValue(v int) string { return "value " + string(rune('0'+v)) }

// TestGenDeterministic: the same seed gives the same program.
func TestGenDeterministic(t *testing.T) {
	g := explore.Gen(model.Condition, explore.GenConfig{})
	for seed := range uint64(50) {
		a, b := g(scheduler.NewPCG(seed)), g(scheduler.NewPCG(seed))
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("seed %d: two different programs", seed)
		}
	}
}

// TestGenShrinks: rapid shrinks a program property failure to the smallest
// program that fails it (here: any program with a cancel fails; the
// smallest is one task, one call, one cancel).
func TestGenShrinks(t *testing.T) {
	var last explore.Program
	prop := func(t *rapid.T) {
		prog := explore.Gen(model.Condition, explore.GenConfig{})(explore.RapidSource(t, "program"))
		if len(prog.Cancels) > 0 {
			last = prog
			t.Fatal("a cancel")
		}
	}
	// No fail file (rapid writes one for a failed check, and replays it
	// the next time).
	f := flag.Lookup("rapid.nofailfile")
	old := f.Value.String()
	if err := f.Value.Set("true"); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Value.Set(old) }()
	tb := &captureTB{}
	rapid.Check(tb, prop)
	if !tb.failed {
		t.Fatal("no program with a cancel was drawn")
	}
	if len(last.Tasks) != 1 || last.NumOps() != 1 || len(last.Cancels) != 1 {
		t.Fatalf("not shrunk: %d tasks, %d calls, %d cancels:\n%s", len(last.Tasks), last.NumOps(), len(last.Cancels), last.String())
	}
}

// captureTB is a rapid.TB that records a failure instead of failing.
type captureTB struct {
	failed bool
}

func (t *captureTB) Helper()               {}
func (t *captureTB) Name() string          { return "capture" }
func (t *captureTB) Logf(string, ...any)   {}
func (t *captureTB) Log(...any)            {}
func (t *captureTB) Skipf(string, ...any)  {}
func (t *captureTB) Skip(...any)           {}
func (t *captureTB) SkipNow()              {}
func (t *captureTB) Errorf(string, ...any) { t.failed = true }
func (t *captureTB) Error(...any)          { t.failed = true }
func (t *captureTB) Fatalf(string, ...any) { t.failed = true }
func (t *captureTB) Fatal(...any)          { t.failed = true }
func (t *captureTB) FailNow()              { t.failed = true }
func (t *captureTB) Fail()                 { t.failed = true }
func (t *captureTB) Failed() bool          { return t.failed }
