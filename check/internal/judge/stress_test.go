package judge

import (
	"fmt"
	"os"
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// observerPrograms add a task that probes the primitive (locked,
// tryacquire, value, isset, a release by a non-holder): probes are what
// expose a model whose steps are coarser than the implementation's.
var observerPrograms = []program{
	{"lock-obs", model.Lock, model.Params{}, []scenario.Task{
		{Name: "A", Ops: ops(acq, rel, acq, rel)},
		{Name: "B", Ops: ops(acq, rel, acq, rel)},
		{Name: "R", Ops: ops(lck, try, lck, rel, try, lck)},
	}},
	{"cond-obs", model.Condition, cond1, []scenario.Task{
		{Name: "W", Ops: ops(acq, wt, rel, acq, wt, rel)},
		{Name: "N", Ops: ops(acq, ntf, 1, rel, acq, nall, rel)},
		{Name: "R", Ops: ops(lck, try, lck, rel, try, lck, ntf, 1)},
	}},
	{"sem-obs", model.Semaphore, model.Params{"value": 1}, []scenario.Task{
		{Name: "A", Ops: ops(acq, rel, acq, rel)},
		{Name: "B", Ops: ops(acq, rel, acq, rel)},
		{Name: "R", Ops: ops(val, lck, try, val, rel, lck, val)},
	}},
	{"bsem-obs", model.BoundedSemaphore, model.Params{"value": 1}, []scenario.Task{
		{Name: "A", Ops: ops(acq, rel, acq, rel)},
		{Name: "B", Ops: ops(acq, rel, acq, rel)},
		{Name: "R", Ops: ops(val, lck, try, val, rel, lck, val, rel)},
	}},
	{"event-obs", model.Event, model.Params{}, []scenario.Task{
		{Name: "W1", Ops: ops(wt, wt, iss)},
		{Name: "W2", Ops: ops(wt, iss, wt)},
		{Name: "S", Ops: ops(set, clr, iss, set, clr, set)},
	}},
}

// TestStressLong judges 4000 executions of every program, half of them
// with random cancels, and reports every verdict that is not a pass. Run
// it with SYNCHECK_LONG=1 (about a minute).
func TestStressLong(t *testing.T) {
	if os.Getenv("SYNCHECK_LONG") == "" {
		t.Skip("set SYNCHECK_LONG=1")
	}
	all := append(append([]program(nil), programs...), observerPrograms...)
	for _, pg := range all {
		tg := builtinTarget(t, pg.prim)
		fails := map[string]int{}
		first := map[string]string{}
		for seed := uint64(0); seed < 4000; seed++ {
			var e *harness.Record
			if seed%2 == 0 {
				e = harness.RunProgram(pg.tasks, pg.params, tg, strategies(seed, len(pg.tasks))[seed/2%2], 10_000)
			} else if pg.name != "condition-waitfor" {
				e, _ = runWithCancels(pg.tasks, tg, pg.params, seed)
			} else {
				continue
			}
			in := NewInput(e, pg.tasks, pg.prim, model.Go, pg.params)
			for _, v := range Judge(in, Options{}) {
				if v.Status != Pass {
					k := string(v.Property)
					fails[k]++
					if first[k] == "" {
						first[k] = fmt.Sprintf("seed %d: %s\n%s", seed, v.Message, dump(in))
					}
				}
			}
		}
		t.Logf("%s: %v", pg.name, fails)
		for _, f := range first {
			t.Error(f)
		}
	}
}
