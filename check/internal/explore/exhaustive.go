package explore

import (
	"fmt"

	"github.com/syncheck/syncheck/check/internal/scheduler"
)

// Exhaustive returns bounded exhaustive search: every schedule of the
// program with at most k preemptions (iterative context bounding, as in
// CHESS), by depth-first search over the actions, replaying each prefix from
// a fresh instance (stateless model checking).
//
// A preemption is running another task while the task that ran last is
// still enabled. Switching when the last task has parked, blocked or
// finished is free, and so is delivering a cancel (the environment's move):
// every placement of each cancel while its call is in flight is explored.
// Delivering a cancel after its call returned changes nothing, so those
// actions are never explored (they are identities).
//
// The bound is raised from 0 to k, and the schedules with exactly b
// preemptions are judged in round b, each once: the first failure found has
// the fewest preemptions any failing schedule of the program has (up to k).
// At most maxSchedules schedules are judged per program (<= 0: 100,000);
// Coverage.Exhausted tells whether the whole space within the bound was.
func Exhaustive(k, maxSchedules int) Strategy {
	if maxSchedules <= 0 {
		maxSchedules = 100_000
	}
	return &exhaustive{k: max(k, 0), max: maxSchedules}
}

type exhaustive struct{ k, max int }

func (e *exhaustive) Name() string { return fmt.Sprintf("exhaustive(k=%d)", e.k) }

// dfsStep is what the search remembers of one step of the last run.
type dfsStep struct {
	n      int    // actions enabled
	def    int    // the default action (no preemption): the last task's first
	chosen int    // the action taken
	pre    int    // preemptions before this step
	cost   uint64 // bit i: taking action i is a preemption
	noop   uint64 // bit i: action i is an identity (a cancel of a returned call)
}

type dfsChooser struct {
	prefix []int // action indices to replay
	steps  []dfsStep
	pre    int
	err    error
}

func (c *dfsChooser) Choose(v *View, actions []Action) int {
	if len(actions) > 64 {
		if c.err == nil {
			c.err = fmt.Errorf("exhaustive search supports at most 64 enabled actions, got %d", len(actions))
		}
		return 0
	}
	st := dfsStep{n: len(actions), def: -1, pre: c.pre}
	for i, a := range actions {
		if !v.Effective(a) {
			st.noop |= 1 << i
			continue
		}
		if v.Preempts(actions, a) {
			st.cost |= 1 << i
		} else if st.def < 0 || (a.Kind == RunTask && a.Task == v.Last() && actions[st.def].Task != v.Last()) {
			st.def = i
		}
	}
	// Without a last task that can run, every effective action is free and
	// the first is the default; with one, its first choice is.
	j := len(c.steps)
	if j < len(c.prefix) {
		st.chosen = c.prefix[j]
	} else {
		st.chosen = st.def
	}
	if st.cost&(1<<st.chosen) != 0 {
		c.pre++
	}
	c.steps = append(c.steps, st)
	return st.chosen
}

// next returns the prefix of the next schedule within bound in DFS order,
// or nil when there is none.
func (c *dfsChooser) next(bound int) []int {
	for j := len(c.steps) - 1; j >= 0; j-- {
		st := c.steps[j]
		for i := nextAlt(st, st.chosen); i >= 0; i = nextAlt(st, i) {
			if st.noop&(1<<i) != 0 {
				continue
			}
			cost := 0
			if st.cost&(1<<i) != 0 {
				cost = 1
			}
			if st.pre+cost > bound {
				continue
			}
			prefix := make([]int, j+1)
			for x := 0; x < j; x++ {
				prefix[x] = c.steps[x].chosen
			}
			prefix[j] = i
			return prefix
		}
	}
	return nil
}

// nextAlt enumerates a step's actions in the order default first, then the
// others by index; it returns the one after i, or -1.
func nextAlt(st dfsStep, i int) int {
	start := 0
	if i != st.def {
		start = i + 1
	}
	for x := start; x < st.n; x++ {
		if x != st.def {
			return x
		}
	}
	return -1
}

func (e *exhaustive) Explore(r Runner, prog *Program, _ scheduler.Source) Coverage {
	var cov Coverage
	for bound := 0; bound <= e.k; bound++ {
		var prefix []int
		for {
			ch := &dfsChooser{prefix: prefix}
			ex := r.Execute(ch)
			cov.Executions++
			if ch.err != nil {
				panic("explore: " + ch.err.Error())
			}
			if ex.Preemptions == bound {
				cov.Schedules++
				if r.Judge(ex) {
					return cov
				}
				if cov.Schedules >= e.max {
					return cov
				}
			}
			if prefix = ch.next(bound); prefix == nil {
				break
			}
		}
	}
	cov.Exhausted = true
	return cov
}
