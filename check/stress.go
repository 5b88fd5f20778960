package check

import (
	"context"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/check/internal/stress"
)

// runStress is Run in stress mode (Options.Mode "stress").
func runStress(target Target, o Options, cfg explore.Config, budget explore.Budget) (Result, error) {
	s := stress.Search{
		Config:       stress.Config{Dialect: cfg.Dialect},
		Gen:          cfg.Gen,
		Seed:         cfg.Seed,
		Budget:       budget,
		MinimizeTime: cfg.ShrinkTime,
	}
	if sc := o.Scenario; sc != nil {
		if sc.Primitive != target.Primitive() {
			return Result{}, fmt.Errorf("check: the scenario is about %s, the target is a %s", sc.Primitive, target.Primitive())
		}
		prog := explore.ProgramOf(sc)
		for _, t := range prog.Tasks {
			for _, op := range t.Ops {
				if !target.h.Supports(op.Kind) {
					return Result{}, fmt.Errorf("check: the scenario calls %s, which %s does not implement", op.Kind, target.Name())
				}
			}
		}
		s.Program = &prog
	}
	if o.Progress != nil {
		start := time.Now()
		last := start
		s.Progress = func(programs, runs int) {
			if time.Since(last) >= 250*time.Millisecond {
				last = time.Now()
				o.Progress(Progress{Phase: phaseSearching, Programs: programs, Executions: runs, Elapsed: last.Sub(start)})
			}
		}
	}
	id := strconv.FormatUint(runIDs.Add(1), 10)
	var res stress.Result
	pprof.Do(context.Background(), pprof.Labels(scheduler.LeakLabel, id), func(context.Context) {
		res = stress.Run(target.h, s)
	})
	r := Result{
		Target: target.Name(), Failed: res.Failed(), Seed: res.Seed, Strategy: "stress", Dialect: cfg.Dialect, Mode: modeStress,
		Programs: res.Programs, Executions: res.Runs, Elapsed: res.Elapsed, FoundAfter: res.FoundAfter,
	}
	var leaks int
	var leak string
	if res.Found == nil || res.Found.Failure.Property != stress.Stuck {
		leaks, leak = leaked(id) // a stuck call's goroutine is left behind, and reported as such
	}
	if leaks > 0 && !r.Failed {
		r.Failed, r.Property = true, "goroutine-leak"
		r.Message = fmt.Sprintf("the implementation left %d goroutines running after its runs ended (started inside its calls, never ended)", leaks)
		r.Report = fmt.Sprintf("property violated: goroutine-leak\n  %s\n  one of them:\n    %s\n", r.Message, strings.ReplaceAll(leak, "\n", "\n    "))
		return r, writeOutputs(o, target.Primitive(), &r, nil)
	}
	if !r.Failed {
		need := minExecutions
		if budget.Executions > 0 {
			need = min(need, budget.Executions)
		}
		if r.Executions < need {
			return r, fmt.Errorf("%w: %d runs in %v, a verdict needs at least %d (raise Time or Runs)",
				ErrTooFewExecutions, r.Executions, r.Elapsed.Round(time.Millisecond), need)
		}
		return r, writeOutputs(o, target.Primitive(), &r, nil)
	}
	c := res.Minimal
	r.Property, r.Message = string(c.Failure.Property), c.Failure.Message
	r.Size = Size{Tasks: len(c.Program.Tasks), Ops: c.Program.NumOps()}
	r.Counterexample = c.Program.String()
	r.Reproduced, r.Attempts = res.Reproduced, res.Attempted
	r.Report = stress.Report(c, res.Reproduced, res.Attempted)
	if leaks > 0 {
		r.Report += fmt.Sprintf("\nbesides: the implementation left %d goroutines running after its runs ended; one of them:\n    %s\n", leaks, strings.ReplaceAll(leak, "\n", "\n    "))
	}
	return r, writeOutputs(o, target.Primitive(), &r, nil)
}
