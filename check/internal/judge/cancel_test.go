package judge

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// runWithCancels runs tasks against target under the controlled scheduler,
// recording the history as the harness does, and cancels the context of
// a call in flight at random points (about one choice in six), so cancels
// land everywhere: before a call registers, while it waits, in the wake
// window, during a Condition's re-acquire.
func runWithCancels(tasks []scenario.Task, target *harness.Target, params model.Params, seed uint64) (*harness.Record, error) {
	s := scheduler.New()
	defer s.Close()
	inst := target.New(s, params)
	rng := rand.New(rand.NewPCG(seed, 7))
	var hist []history.Event
	cancels := make([]context.CancelFunc, len(tasks))
	inCall := make([]bool, len(tasks))
	for i, tk := range tasks {
		s.Spawn(tk.Name, func() {
			for _, op := range tk.Ops {
				ctx, cancel := context.WithCancel(context.Background())
				if op.CtxDone {
					cancel()
				}
				cancels[i] = cancel
				s.Yield(harness.CallPoint)
				hist = append(hist, history.Event{Kind: history.Call, Task: i, Op: op})
				inCall[i] = true
				r := inst.Do(ctx, op)
				cancel()
				inCall[i] = false
				hist = append(hist, history.Event{Kind: history.Return, Task: i, Op: op, Result: r})
			}
		})
	}
	for steps := 0; steps < 10_000; steps++ {
		en := s.Enabled()
		if len(en) == 0 {
			break
		}
		if rng.IntN(6) == 0 {
			t := rng.IntN(len(tasks))
			if inCall[t] {
				cancels[t]()
				hist = append(hist, history.Event{Kind: history.Cancel, Task: t})
				continue
			}
		}
		s.Step(en[rng.IntN(len(en))])
	}
	return &harness.Record{History: hist, Trace: append([]scheduler.Event(nil), s.Trace()...), Outcome: s.Report()}, nil
}

// TestBuiltinWithCancelsPass: executions of the built-in primitives with
// cancels delivered anywhere pass every judge, registration points
// (Fairness) included.
func TestBuiltinWithCancelsPass(t *testing.T) {
	seeds := uint64(300)
	if testing.Short() || raceEnabled {
		seeds = 60
	}
	for _, pg := range programs {
		if pg.name == "condition-waitfor" {
			// Cancelled acquires make the waiters misuse the lock, which
			// exposes WaitFor's transient hold: see
			// TestWaitForTransientHold.
			continue
		}
		t.Run(pg.name, func(t *testing.T) {
			tg := builtinTarget(t, pg.prim)
			cancelled, quiet := 0, 0
			for seed := uint64(0); seed < seeds; seed++ {
				e, err := runWithCancels(pg.tasks, tg, pg.params, seed)
				if err != nil {
					t.Fatal(err)
				}
				if !e.Outcome.OK() {
					t.Fatalf("seed %d: %s", seed, e.Outcome)
				}
				in := NewInput(e, pg.tasks, pg.prim, model.Go, pg.params)
				if !in.ParksKnown {
					t.Fatalf("seed %d: parks not found in the trace", seed)
				}
				for _, ev := range in.History {
					if ev.Kind == history.Cancel {
						cancelled++
						break
					}
				}
				if in.Quiescent {
					quiet++
				}
				for _, v := range Judge(in, Options{}) {
					if v.Status != Pass {
						t.Fatalf("seed %d: %s %s: %s (expected %q)\n%s", seed, v.Property, v.Status, v.Message, v.Expected, dump(in))
					}
				}
			}
			t.Logf("%d runs, %d with cancels, %d quiescent", seeds, cancelled, quiet)
		})
	}
}

// TestParkAfterCancel: a waiter parks in a step that records no event,
// right after the driver cancelled another task; the park must not be
// placed before that cancel (it was, and W1's legitimate re-acquire ahead
// of W2 looked like barging).
func TestParkAfterCancel(t *testing.T) {
	pg := programs[3]
	e, err := runWithCancels(pg.tasks, builtinTarget(t, pg.prim), pg.params, 541)
	if err != nil {
		t.Fatal(err)
	}
	in := NewInput(e, pg.tasks, pg.prim, model.Go, pg.params)
	allPass(t, "seed 541", Judge(in, Options{}))
}
