package explore

import (
	"fmt"
	"maps"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Structural shrinking, after rapid's: rapid shrinks the draws, and a
// schedule drawn for one program means something else for a smaller one,
// so rapid can stop at a program that is not minimal (removing a task
// leaves the schedule draws pointing elsewhere). polish removes tasks,
// calls and cancels and lowers arguments one candidate at a time, and for
// each candidate searches its schedules afresh for a failure; greedy, until
// no candidate fails.

// polish tries each candidate first with the current counterexample's
// schedule adapted to it (the removed task's or call's actions dropped,
// replayed leniently: one run), and only when none of them fails that way,
// searches each candidate's schedules: an exhaustive search with at most
// polishBound preemptions (polishSchedules schedules), then polishSamples
// WakeWindow runs. Lateral moves (a call replaced by another op) are tried
// on programs of at most lateralOps calls.
const (
	lateralOps      = 6
	polishBound     = 2
	polishSchedules = 300
	polishSamples   = 50
)

func (p *prop) polish(c *Counterexample) *Counterexample {
outer:
	for !p.rec.spent() {
		cands := candidates(c, &p.target)
		// First every candidate with its adapted schedule alone (one run
		// each), then each with a search.
		for _, search := range []bool{false, true} {
			for _, cand := range cands {
				if p.rec.spent() {
					break outer
				}
				if WaitForRacy(&cand.prog) {
					continue // not a fair test (see WaitForRacy)
				}
				if f := p.fails(&cand.prog, cand.sched, sizeOf(c), cand.strict, search); f != nil {
					c = f
					continue outer
				}
			}
		}
		break
	}
	return c
}

// Size is the size of a counterexample, compared in this order: tasks,
// calls, preemptions.
type Size struct{ Tasks, Ops, Preemptions int }

// Less reports whether s is smaller than t.
func (s Size) Less(t Size) bool {
	if s.Tasks != t.Tasks {
		return s.Tasks < t.Tasks
	}
	if s.Ops != t.Ops {
		return s.Ops < t.Ops
	}
	return s.Preemptions < t.Preemptions
}

func (s Size) String() string {
	return fmt.Sprintf("%d tasks / %d ops / %d preemptions", s.Tasks, s.Ops, s.Preemptions)
}

// Size is c's size.
func (c *Counterexample) Size() Size { return sizeOf(c) }

func sizeOf(c *Counterexample) Size {
	return Size{Tasks: c.Tasks(), Ops: c.Ops(), Preemptions: c.Preemptions}
}

// fails looks for a failure of prog (of any property: the smaller program
// may show the same bug as another property) smaller than limit (strict)
// or no greater: with hint replayed leniently, or, with search, among its
// schedules.
func (p *prop) fails(prog *Program, hint Schedule, limit Size, strict, search bool) *Counterexample {
	size := Size{Tasks: len(prog.Tasks), Ops: prog.NumOps()}
	accept := func(ex *Execution, _ *Failure) bool {
		size.Preemptions = ex.Preemptions
		return size.Less(limit) || (!strict && !limit.Less(size))
	}
	if !search {
		r := &propRunner{p: p, r: runner{target: &p.target, maxSteps: p.cfg.MaxSteps}, prog: prog, names: prog.Names(), accept: accept, out: &outcome{}}
		if r.Judge(r.Execute(&lenient{sched: hint})) && r.out.fail != nil {
			return newCounterexample(prog, r.out.fail, r.out.ex)
		}
		return nil
	}
	bound := polishBound
	if size.Tasks == limit.Tasks && size.Ops == limit.Ops {
		bound = limit.Preemptions // no more preemptions than now
		if strict {
			bound-- // a lateral move must save some
		}
	}
	if bound >= 0 {
		if o := p.exploreWith(Exhaustive(bound, polishSchedules), prog, nil, accept); o.fail != nil {
			return newCounterexample(prog, o.fail, o.ex)
		}
	}
	for seed := range uint64(polishSamples) {
		if p.rec.spent() {
			break
		}
		if o := p.exploreWith(WakeWindow(), prog, scheduler.NewPCG(seed), accept); o.fail != nil {
			return newCounterexample(prog, o.fail, o.ex)
		}
	}
	return nil
}

// lenient replays a schedule as far as it fits: an action that is not
// enabled when its turn comes is skipped; when the schedule runs out, the
// last task goes on if it can (else the first enabled action is taken).
type lenient struct {
	sched Schedule
	next  int
}

func (l *lenient) Choose(v *View, actions []Action) int {
	for l.next < len(l.sched) {
		want := l.sched[l.next]
		l.next++
		for i, a := range actions {
			if a == want {
				return i
			}
		}
		// A parked task's other observation is the closest fit.
		if want.Kind == RunTask {
			for i, a := range actions {
				if a.Kind == RunTask && a.Task == want.Task {
					return i
				}
			}
		}
	}
	return v.rotate(actions, 0)
}

// candidate is a program one step smaller or simpler, with the schedule
// adapted to it. A strict candidate (a lateral move: same tasks and calls)
// is taken only if it fails with a smaller Size; the others (fewer tasks
// or calls, or as many but fewer cancels or smaller arguments) whenever
// they fail with no greater Size.
type candidate struct {
	prog   Program
	sched  Schedule
	strict bool
}

// candidates lists the programs one step smaller than c's, the biggest
// steps first: without a task, without one call, without a cancel, with an
// argument lowered; each with c's schedule adapted to it.
func candidates(c *Counterexample, target *harness.Target) []candidate {
	var out []candidate
	out = append(out, taskMoves(c)...)
	out = append(out, callMoves(c)...)
	out = append(out, cancelMoves(c)...)
	out = append(out, argumentMoves(c)...)
	out = append(out, paramMoves(c)...)
	out = append(out, lateralMoves(c, target)...)
	return out
}

// taskMoves: a task removed; two tasks merged into one (task i's calls
// after task j's, before them, or anywhere in between: a waiter's wait
// moved into the task that notifies, after its notify).
func taskMoves(c *Counterexample) []candidate {
	prog := &c.Program
	var out []candidate
	if len(prog.Tasks) > 1 {
		for i := range prog.Tasks {
			out = append(out, candidate{withoutTask(prog, i), scheduleWithoutTask(c.Schedule, prog, i), false})
		}
	}
	for i := range prog.Tasks {
		for j := range prog.Tasks {
			if i == j {
				continue
			}
			out = append(out, merged(c, i, j, len(prog.Tasks[j].Ops)), merged(c, i, j, 0))
			for at := 1; at < len(prog.Tasks[j].Ops); at++ {
				out = append(out, merged(c, i, j, at))
			}
		}
	}
	return out
}

// callMoves: a call removed, or two calls in a row (a release and the
// acquire after it, say).
func callMoves(c *Counterexample) []candidate {
	prog := &c.Program
	var out []candidate
	for i, t := range prog.Tasks {
		if len(t.Ops) < 2 {
			continue
		}
		for j := range t.Ops {
			q, remap := withoutCall(prog, i, j)
			out = append(out, candidate{q, remapCancels(c.Schedule, remap), false})
		}
	}
	for i, t := range prog.Tasks {
		if len(t.Ops) < 3 {
			continue
		}
		for j := 0; j+1 < len(t.Ops); j++ {
			q1, remap1 := withoutCall(prog, i, j)
			q, remap2 := withoutCall(&q1, i, j)
			for k, r := range remap1 {
				if r >= 0 {
					remap1[k] = remap2[r]
				}
			}
			out = append(out, candidate{q, remapCancels(c.Schedule, remap1), false})
		}
	}
	return out
}

// cancelMoves: a cancel removed.
func cancelMoves(c *Counterexample) []candidate {
	prog := &c.Program
	var out []candidate
	for i := range prog.Cancels {
		q := clone(prog)
		q.Cancels = append(q.Cancels[:i:i], prog.Cancels[i+1:]...)
		remap := make([]int, len(prog.Cancels))
		for k := range remap {
			remap[k] = k
			if k > i {
				remap[k] = k - 1
			}
		}
		remap[i] = -1
		out = append(out, candidate{q, remapCancels(c.Schedule, remap), false})
	}
	return out
}

// argumentMoves: a call's argument lowered, or its done context dropped.
func argumentMoves(c *Counterexample) []candidate {
	prog := &c.Program
	var out []candidate
	for i, t := range prog.Tasks {
		for j, op := range t.Ops {
			for _, lower := range lowerOp(op) {
				q := clone(prog)
				q.Tasks[i].Ops[j] = lower
				out = append(out, candidate{q, c.Schedule, false})
			}
		}
	}
	return out
}

// paramMoves: each parameter lowered toward its generation bound (a
// candidate that no longer fits the program, a Condition still named,
// fails Validate and is passed over), and the calls it trades for (a
// Semaphore: a permit given from the start instead of a release, or one
// fewer and an acquire less).
func paramMoves(c *Counterexample) []candidate {
	prog := &c.Program
	d := prims.Lookup(prog.Primitive)
	if d == nil {
		return nil
	}
	var out []candidate
	for _, x := range d.Params {
		cur := prog.Params[x.Key]
		for v := cur - 1; v >= x.Lo; v-- {
			q := clone(prog)
			q.Params[x.Key] = v
			if q.Validate() == nil {
				out = append(out, candidate{q, c.Schedule, false})
			}
		}
		for i, t := range prog.Tasks {
			for j, op := range t.Ops {
				dv, ok := x.Trades[op.Kind]
				if !ok || cur+dv < x.Lo || cur+dv > x.Hi+1 {
					continue
				}
				q, remap := withoutCall(prog, i, j)
				if len(q.Tasks[i].Ops) == 0 {
					continue
				}
				q.Params[x.Key] += dv
				out = append(out, candidate{q, remapCancels(c.Schedule, remap), false})
			}
		}
	}
	return out
}

// lateralMoves: one call replaced by another op the target has, worth it
// only if the program then fails with fewer preemptions (small programs
// only: there are many).
func lateralMoves(c *Counterexample, target *harness.Target) []candidate {
	prog := &c.Program
	if c.Preemptions == 0 || c.Ops() > lateralOps {
		return nil
	}
	var out []candidate
	for i, t := range prog.Tasks {
		for j, op := range t.Ops {
			for _, spec := range model.Describe(prog.Primitive).Ops {
				k := spec.Kind
				if k == op.Kind || !target.Supports(k) {
					continue
				}
				q := clone(prog)
				o := model.Op{Kind: k, Cond: op.Cond}
				if spec.Arg != "" {
					o.Arg = 1
				}
				if !spec.Scoped {
					o.Cond = 0
				}
				q.Tasks[i].Ops[j] = o
				out = append(out, candidate{q, c.Schedule, true})
			}
		}
	}
	return out
}

// merged is c's program with task i's calls moved into task j, inserted
// before task j's call at (at == len: after them all), and its schedule
// with task i's steps taken by task j.
func merged(c *Counterexample, i, j, at int) candidate {
	prog := &c.Program
	q := clone(prog)
	ti, tj := prog.Tasks[i].Ops, prog.Tasks[j].Ops
	ops := append([]model.Op(nil), tj[:at]...)
	ops = append(ops, ti...)
	q.Tasks[j].Ops = append(ops, tj[at:]...)
	for k, x := range prog.Cancels {
		switch {
		case x.Task == i:
			q.Cancels[k] = Cancel{Task: j, Call: x.Call + at}
		case x.Task == j && x.Call >= at:
			q.Cancels[k] = Cancel{Task: j, Call: x.Call + len(ti)}
		}
	}
	sched := make(Schedule, len(c.Schedule))
	for k, a := range c.Schedule {
		if a.Task == i {
			a.Task = j
		}
		sched[k] = a
	}
	// Now drop task i, renumbering (its cancels are task j's).
	q.Tasks = append(q.Tasks[:i], q.Tasks[i+1:]...)
	for k := range q.Tasks {
		q.Tasks[k].Name = taskName(k)
	}
	for k := range q.Cancels {
		if q.Cancels[k].Task > i {
			q.Cancels[k].Task--
		}
	}
	for k := range sched {
		if sched[k].Task > i {
			sched[k].Task--
		}
	}
	return candidate{q, sched, false}
}

// scheduleWithoutTask drops task i's actions (and its cancels') from s and
// renumbers the later tasks and cancels.
func scheduleWithoutTask(s Schedule, prog *Program, i int) Schedule {
	remap := make([]int, len(prog.Cancels))
	n := 0
	for k, c := range prog.Cancels {
		if c.Task == i {
			remap[k] = -1
			continue
		}
		remap[k] = n
		n++
	}
	out := make(Schedule, 0, len(s))
	for _, a := range s {
		if a.Task == i {
			continue
		}
		if a.Task > i {
			a.Task--
		}
		if a.Kind == DeliverCancel {
			a.Cancel = remap[a.Cancel]
		}
		out = append(out, a)
	}
	return out
}

// remapCancels renumbers the cancels of s (remap[k] < 0: dropped).
func remapCancels(s Schedule, remap []int) Schedule {
	out := make(Schedule, 0, len(s))
	for _, a := range s {
		if a.Kind == DeliverCancel {
			if remap[a.Cancel] < 0 {
				continue
			}
			a.Cancel = remap[a.Cancel]
		}
		out = append(out, a)
	}
	return out
}

func clone(prog *Program) Program {
	q := *prog
	q.Tasks = make([]scenario.Task, len(prog.Tasks))
	for i, t := range prog.Tasks {
		q.Tasks[i] = scenario.Task{Name: t.Name, Ops: append([]model.Op(nil), t.Ops...)}
	}
	q.Cancels = append([]Cancel(nil), prog.Cancels...)
	q.Params = maps.Clone(prog.Params)
	return q
}

func withoutTask(prog *Program, i int) Program {
	q := clone(prog)
	q.Tasks = append(q.Tasks[:i], q.Tasks[i+1:]...)
	for j := range q.Tasks {
		q.Tasks[j].Name = taskName(j)
	}
	q.Cancels = q.Cancels[:0]
	for _, c := range prog.Cancels {
		switch {
		case c.Task < i:
			q.Cancels = append(q.Cancels, c)
		case c.Task > i:
			q.Cancels = append(q.Cancels, Cancel{Task: c.Task - 1, Call: c.Call})
		}
	}
	return q
}

// withoutCall removes call j of task i, and the cancels on it; remap maps
// the old cancel indices to the new ones (-1: dropped).
func withoutCall(prog *Program, i, j int) (Program, []int) {
	q := clone(prog)
	q.Tasks[i].Ops = append(q.Tasks[i].Ops[:j], q.Tasks[i].Ops[j+1:]...)
	q.Cancels = q.Cancels[:0]
	remap := make([]int, len(prog.Cancels))
	for k, c := range prog.Cancels {
		remap[k] = len(q.Cancels)
		switch {
		case c.Task != i || c.Call < j:
			q.Cancels = append(q.Cancels, c)
		case c.Call > j:
			q.Cancels = append(q.Cancels, Cancel{Task: i, Call: c.Call - 1})
		default:
			remap[k] = -1
		}
	}
	return q, remap
}

// lowerOp lists the simpler forms of op: a context not cancelled from the
// start, a smaller argument, the first Condition.
func lowerOp(op model.Op) []model.Op {
	var out []model.Op
	if op.CtxDone {
		o := op
		o.CtxDone = false
		out = append(out, o)
	}
	if op.Arg > 1 {
		o := op
		o.Arg = 1
		out = append(out, o)
	}
	if op.Cond > 0 {
		o := op
		o.Cond = 0
		out = append(out, o)
	}
	return out
}

// Structural edits for other minimizers (stress mode's).

// Clone is a deep copy of prog.
func Clone(prog *Program) Program { return clone(prog) }

// WithoutTask is prog without task i and its cancels, the tasks renamed
// T1..Tn.
func WithoutTask(prog *Program, i int) Program { return withoutTask(prog, i) }

// WithoutCall is prog without call j of task i and the cancels on it;
// remap maps the old cancel indices to the new ones (-1: dropped).
func WithoutCall(prog *Program, i, j int) (Program, []int) { return withoutCall(prog, i, j) }

// LowerOp lists the simpler forms of op: a context not cancelled from the
// start, a smaller argument, the first Condition.
func LowerOp(op model.Op) []model.Op { return lowerOp(op) }
