package explore

import (
	"fmt"
	"strings"

	"github.com/syncheck/syncheck/check/internal/scheduler"
)

// Runner runs and judges executions of one program for a Strategy.
type Runner interface {
	// Execute runs the program once, every decision taken by ch.
	Execute(ch Chooser) *Execution
	// Judge judges ex and reports whether the exploration must stop: ex
	// failed, or the budget is spent. It takes ex: the caller must not
	// read ex afterwards (the runner recycles a passing execution's
	// buffers for its next run; a failing one it keeps).
	Judge(ex *Execution) (stop bool)
}

// Coverage is what one Explore call covered.
type Coverage struct {
	// Executions is the number of runs, Schedules the number of distinct
	// schedules judged (Exhaustive re-runs schedules it already judged when
	// it raises its preemption bound; it judges each once).
	Executions, Schedules int
	// Exhausted: every schedule within the strategy's bound was judged
	// (Exhaustive only).
	Exhausted bool
}

// Strategy is a way to explore the schedules of a program. Every
// randomized decision is drawn from src, so that a run is a pure function
// of (program, src's values); with RapidSource, of rapid's draws.
type Strategy interface {
	Name() string
	// Explore runs prog through r: once for the randomized strategies,
	// every schedule within the bound for Exhaustive. It stops as soon as
	// r.Judge says so.
	Explore(r Runner, prog *Program, src scheduler.Source) Coverage
}

// Sampler is a randomized strategy: one run per Explore, every decision
// taken by the chooser it makes.
type Sampler interface {
	Strategy
	Chooser(prog *Program, src scheduler.Source) Chooser
}

func exploreOnce(s Sampler, r Runner, prog *Program, src scheduler.Source) Coverage {
	r.Judge(r.Execute(s.Chooser(prog, src)))
	return Coverage{Executions: 1, Schedules: 1}
}

// Random returns the strategy that picks uniformly among the enabled
// actions at every step: the enabled tasks (a parked task both woken and
// cancelled offers two: it sees the grant or the cancel) and the
// deliverable cancels. A draw of 0 keeps the last task running (or runs the
// next one when it cannot run), and never delivers a cancel while a task
// can run, so that rapid, shrinking its draws toward 0, removes context
// switches and cancels.
func Random() Sampler { return randomStrategy{} }

type randomStrategy struct{}

func (randomStrategy) Name() string { return "random" }

func (s randomStrategy) Explore(r Runner, prog *Program, src scheduler.Source) Coverage {
	return exploreOnce(s, r, prog, src)
}

func (randomStrategy) Chooser(_ *Program, src scheduler.Source) Chooser {
	return &randomChooser{src: src}
}

type randomChooser struct{ src scheduler.Source }

func (c *randomChooser) Choose(v *View, actions []Action) int {
	if len(actions) == 1 {
		return 0
	}
	return v.rotate(actions, c.src.Intn(len(actions)))
}

// PCT returns probabilistic concurrency testing (Burckhardt, Kothari,
// Musuvathi, Nagarakatte, ASPLOS 2010) with depth bound depth >= 1,
// extended to cancels:
//
//   - the tasks get distinct random initial priorities depth, ...,
//     depth+n-1;
//   - depth-1 priority change points k_1 .. k_{depth-1} are drawn among the
//     k estimated steps of the run, and each cancel gets a delivery step
//     drawn uniformly in [1, k];
//   - every step delivers a cancel whose delivery step has come, if one is
//     deliverable (its call has started), and otherwise runs the enabled
//     task of highest priority; the task that takes the step at change
//     point i drops to priority i, below every initial one. A parked task
//     both woken and cancelled offers two choices at one priority: the
//     source picks.
//
// The bound: for a program of n tasks and at most k steps, one run finds a
// given bug of depth d with probability at least 1/(n·k^(d-1)), where the
// depth counts the bug's ordering constraints: d-1 of them are met by
// change points or cancel placements, each landing on its step (or in its
// window of steps) with probability at least 1/k, and the initial priority
// order is right with probability at least 1/n. A bug that needs one
// preemption has depth 2; a wake-window bug (grant, then a cancel or a
// newcomer before the waiter resumes) depth 2 or 3. Runs are independent,
// so N runs miss it with probability at most (1-1/(n·k^(d-1)))^N.
//
// k is estimated from the program (EstimateSteps); PCTSteps fixes it.
func PCT(depth int) Sampler { return pctStrategy{depth: max(depth, 1)} }

type pctStrategy struct{ depth, steps int }

func (s pctStrategy) Name() string { return fmt.Sprintf("pct(d=%d)", s.depth) }

func (s pctStrategy) Explore(r Runner, prog *Program, src scheduler.Source) Coverage {
	return exploreOnce(s, r, prog, src)
}

// EstimateSteps estimates how many actions a run of prog takes: what PCT
// draws its change points and cancel steps among.
func EstimateSteps(prog *Program) int {
	k := len(prog.Cancels)
	for _, t := range prog.Tasks {
		k += 2
		for _, op := range t.Ops {
			k += 2
			if op.Blocking() {
				k += 2
			}
		}
	}
	return k
}

func (s pctStrategy) Chooser(prog *Program, src scheduler.Source) Chooser {
	k := s.steps
	if k <= 0 {
		k = EstimateSteps(prog)
	}
	n := len(prog.Tasks)
	c := &pctChooser{src: src, prio: make([]int, n), at: make([]int, len(prog.Cancels))}
	for i := range c.prio {
		c.prio[i] = s.depth + i
	}
	for i := n - 1; i > 0; i-- {
		j := src.Intn(i + 1)
		c.prio[i], c.prio[j] = c.prio[j], c.prio[i]
	}
	c.change = make([]int, s.depth-1)
	for i := range c.change {
		// Distinct change points while there are enough steps: the j'th
		// step not taken yet (one draw, never a retry: any source, a
		// replayed or shrunk one too, gives a valid choice at once).
		if k < s.depth-1 {
			c.change[i] = 1 + src.Intn(k)
			continue
		}
		j := src.Intn(k - i)
		for x := 1; ; x++ {
			if contains(c.change[:i], x) {
				continue
			}
			if j == 0 {
				c.change[i] = x
				break
			}
			j--
		}
	}
	for i := range c.at {
		c.at[i] = 1 + src.Intn(k)
	}
	return c
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

type pctChooser struct {
	src    scheduler.Source
	prio   []int // by task
	change []int // change[i]: the step that drops its task to priority i+1
	at     []int // at[c]: the step from which cancel c is delivered
	step   int
}

func (c *pctChooser) Choose(v *View, actions []Action) int {
	c.step++
	best, bestPrio := -1, -1
	for i, a := range actions {
		if a.Kind == DeliverCancel {
			if c.at[a.Cancel] <= c.step || best < 0 {
				// Its time has come (or only cancels are left).
				return i
			}
			continue
		}
		if p := c.prio[a.Task]; p > bestPrio {
			best, bestPrio = i, p
		}
	}
	// A task's second choice (grant, then cancel) follows its first.
	if a := actions[best]; best+1 < len(actions) && actions[best+1].Kind == RunTask &&
		actions[best+1].Task == a.Task && c.src.Intn(2) == 1 {
		best++
	}
	for i, x := range c.change {
		if x == c.step {
			c.prio[actions[best].Task] = i + 1
		}
	}
	return best
}

// WakeWindow returns the strategy that reaches the wake window on purpose.
// It runs the tasks like Random, but takes cancels out of the uniform
// choice and decides them, and the wake window, at the moments they
// matter:
//
//   - when a task parks (its call blocks) and the program has a cancel on
//     that call, whether to deliver it now: a cancel of a blocked waiter
//     (1 in 4);
//   - when it sees that a parked task has just been woken (granted a lock,
//     a permit, a notification, an event), whether to hold it back (0: no,
//     1: for 1-4 of the others' steps, 2: until nothing else can run), so
//     that others run meanwhile: a newcomer acquires, another release or
//     notify happens, more grants; and, if its call's cancel is still
//     pending, whether to deliver it now (2 in 3), so that the cancel lands
//     after the grant and before the waiter resumes;
//   - at any other step, with a pending cancel, a stray delivery (1 in 32):
//     a cancel between two internal steps of a call, or after it returned.
//
// A pending cancel is also delivered when nothing else can run. When a held
// task runs with both its grant and its cancel pending, which one its
// select sees is a random draw. Every draw of 0 means "no deviation": run
// the task Random would, deliver nothing, hold nothing; so shrinking keeps
// what the failure needs and drops the rest.
func WakeWindow() Sampler { return wakeStrategy{} }

type wakeStrategy struct{}

func (wakeStrategy) Name() string { return "wakewindow" }

func (s wakeStrategy) Explore(r Runner, prog *Program, src scheduler.Source) Coverage {
	return exploreOnce(s, r, prog, src)
}

func (wakeStrategy) Chooser(prog *Program, src scheduler.Source) Chooser {
	n := len(prog.Tasks)
	return &wakeChooser{src: src, park: make([]uint8, n), hold: make([]int, n), deliver: -1}
}

// Per task, what the current park has been seen as.
const (
	parkNew    uint8 = iota // not parked, or not seen parked yet
	parkSeen                // seen parked, not woken
	parkWindow              // seen woken: the window was decided
)

type wakeChooser struct {
	src     scheduler.Source
	park    []uint8
	hold    []int // steps left to hold the task back; -1: until nothing else runs
	deliver int   // a cancel to deliver at once, or -1
	scratch []Action
	index   []int
}

func (c *wakeChooser) Choose(v *View, actions []Action) int {
	for t := range c.park {
		if c.park[t] == parkWindow {
			continue
		}
		kind, woken := v.s.At(scheduler.TaskID(t))
		if kind != scheduler.AtPark {
			continue
		}
		if !woken {
			if c.park[t] == parkNew {
				c.park[t] = parkSeen
				if k := v.PendingCancel(t); k >= 0 && c.src.Intn(4) == 3 {
					c.deliver = k
				}
			}
			continue
		}
		c.park[t] = parkWindow
		switch c.src.Intn(3) {
		case 1:
			c.hold[t] = 1 + c.src.Intn(4)
		case 2:
			c.hold[t] = -1
		}
		if k := v.PendingCancel(t); k >= 0 && c.src.Intn(3) != 0 {
			c.deliver = k
		}
	}
	if c.deliver >= 0 {
		k := c.deliver
		c.deliver = -1
		for i, a := range actions {
			if a.Kind == DeliverCancel && a.Cancel == k {
				return i
			}
		}
	}
	// The tasks that may run: the enabled ones not held back, or, when only
	// held ones are enabled, all of them (the holds end).
	c.scratch, c.index = c.scratch[:0], c.index[:0]
	for i, a := range actions[:v.nrun] {
		if c.hold[a.Task] == 0 {
			c.scratch = append(c.scratch, a)
			c.index = append(c.index, i)
		}
	}
	if len(c.scratch) == 0 && v.nrun > 0 {
		for t := range c.hold {
			c.hold[t] = 0
		}
		c.scratch = append(c.scratch, actions[:v.nrun]...)
		for i := range v.nrun {
			c.index = append(c.index, i)
		}
	}
	ncancel := 0
	for _, a := range actions[v.nrun:] {
		if v.Effective(a) {
			ncancel++
		}
	}
	if len(c.scratch) == 0 || (ncancel > 0 && c.src.Intn(32) == 31) {
		// A cancel: only cancels are left, or a stray delivery.
		k := 0
		if ncancel > 1 {
			k = c.src.Intn(ncancel)
		}
		for i, a := range actions[v.nrun:] {
			if v.Effective(a) {
				if k == 0 {
					return v.nrun + i
				}
				k--
			}
		}
		return v.nrun // only cancels of returned calls: any
	}
	for t, h := range c.hold {
		if h > 0 {
			c.hold[t] = h - 1
		}
	}
	saved := v.nrun
	v.nrun = len(c.scratch)
	i := 0
	if len(c.scratch) > 1 {
		i = v.rotate(c.scratch, c.src.Intn(len(c.scratch)))
	}
	v.nrun = saved
	a := c.scratch[i]
	if kind, _ := v.s.At(scheduler.TaskID(a.Task)); kind == scheduler.AtPark {
		// It resumes from this park: its next park is a new one.
		c.park[a.Task] = parkNew
		c.hold[a.Task] = 0
	}
	return c.index[i]
}

// Mix returns the strategy that draws, for each program, which of
// strategies explores it (the first when the draw is 0: put the one whose
// schedules shrink best first).
func Mix(strategies ...Strategy) Strategy {
	if len(strategies) == 0 {
		panic("explore: Mix of no strategies")
	}
	return mix(strategies)
}

type mix []Strategy

func (m mix) Name() string {
	names := make([]string, len(m))
	for i, s := range m {
		names[i] = s.Name()
	}
	return "mix(" + strings.Join(names, ",") + ")"
}

func (m mix) Explore(r Runner, prog *Program, src scheduler.Source) Coverage {
	i := 0
	if len(m) > 1 {
		i = src.Intn(len(m))
	}
	return m[i].Explore(r, prog, src)
}
