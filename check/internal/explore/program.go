package explore

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Program is one generated test program: tasks making calls on one
// primitive instance (for a Condition program: one Lock and Params.Conditions
// Conditions sharing it), and the cancels the environment may deliver.
type Program struct {
	Primitive model.Primitive
	Params    model.Params
	// Tasks run concurrently, each making its calls in order; they are
	// named T1..Tn.
	Tasks []scenario.Task
	// Cancels are the cancellations the program contains. When and whether
	// each is delivered is a scheduling decision (see Action).
	Cancels []Cancel
}

// Cancel cancels the context of the Call-th call (0-based) of task Task.
// The action becomes deliverable once that call has started (its call event
// is in the history) and stays deliverable, at most once, until the run
// ends; delivered after the call returned it has no effect (G1).
type Cancel struct {
	Task int
	Call int
}

// NumOps is the total number of calls the program makes.
func (p *Program) NumOps() int {
	n := 0
	for _, t := range p.Tasks {
		n += len(t.Ops)
	}
	return n
}

// Names returns the tasks' names, by index.
func (p *Program) Names() []string {
	names := make([]string, len(p.Tasks))
	for i, t := range p.Tasks {
		names[i] = t.Name
	}
	return names
}

// Validate reports what is wrong with p: an op the primitive does not have,
// a Condition index out of range, a cancel naming no call.
func (p *Program) Validate() error {
	if len(p.Tasks) == 0 {
		return fmt.Errorf("program has no tasks")
	}
	desc := model.Describe(p.Primitive)
	if desc == nil {
		return fmt.Errorf("unknown primitive %q", p.Primitive)
	}
	conds := desc.Instances(p.Params)
	for i, t := range p.Tasks {
		for j, op := range t.Ops {
			if _, ok := desc.Op(op.Kind); !ok {
				return fmt.Errorf("task %s call %d: %s is not an op of %s", t.Name, j, op.Kind, p.Primitive)
			}
			if op.Cond < 0 || op.Cond >= conds {
				return fmt.Errorf("task %s call %d: condition c%d out of range (the program has %d)", t.Name, j, op.Cond+1, conds)
			}
		}
		if t.Name == "" {
			return fmt.Errorf("task %d has no name", i)
		}
	}
	for _, c := range p.Cancels {
		if c.Task < 0 || c.Task >= len(p.Tasks) || c.Call < 0 || c.Call >= len(p.Tasks[c.Task].Ops) {
			return fmt.Errorf("cancel of task %d call %d names no call", c.Task, c.Call)
		}
	}
	return nil
}

// Scenario returns the program as a scenario without steps (its header and
// task lines), for printing in the scenario language.
func (p *Program) Scenario() *scenario.Scenario {
	sc := &scenario.Scenario{Primitive: p.Primitive, Dialect: model.Go, Params: maps.Clone(p.Params)}
	if d := model.Describe(p.Primitive); d != nil {
		if full, err := d.Complete(p.Params); err == nil {
			sc.Params = full
		}
	}
	for _, t := range p.Tasks {
		sc.Tasks = append(sc.Tasks, scenario.Task{Name: t.Name, Ops: append([]model.Op(nil), t.Ops...)})
	}
	return sc
}

// CancelString names cancel i: "cancel T2#1 (wait)".
func (p *Program) CancelString(i int) string {
	c := p.Cancels[i]
	if c.Task < 0 || c.Task >= len(p.Tasks) || c.Call < 0 || c.Call >= len(p.Tasks[c.Task].Ops) {
		return fmt.Sprintf("cancel task%d#%d", c.Task, c.Call)
	}
	t := p.Tasks[c.Task]
	return fmt.Sprintf("cancel %s#%d (%s)", t.Name, c.Call+1, p.opString(t.Ops[c.Call]))
}

func (p *Program) opString(op model.Op) string {
	return scenario.FormatOp(op, model.Describe(p.Primitive).Instances(p.Params))
}

// String writes the program in the scenario language's header and task
// lines, followed by one "# cancel T#k (op)" comment line per cancel (calls
// numbered from 1).
func (p *Program) String() string {
	var b strings.Builder
	b.Write(scenario.Print(p.Scenario()))
	for i := range p.Cancels {
		b.WriteString("# ")
		b.WriteString(p.CancelString(i))
		b.WriteString("\n")
	}
	return b.String()
}

// GenConfig bounds and shapes generated programs. Zero fields take the
// defaults.
type GenConfig struct {
	// MaxTasks bounds the number of tasks (default 4; at least 1).
	MaxTasks int
	// Ops lists the op kinds programs may call (nil: every op of the
	// primitive; Run and Property take the target's).
	Ops []model.Kind
	// MaxOps bounds the calls of one task (default: the primitive's
	// descriptor's, else 4).
	MaxOps int
	// MaxCancels bounds the cancels placed on one task's calls (default 2;
	// negative: none).
	MaxCancels int
	// CtxDoneOneIn: about one blocking call in CtxDoneOneIn starts with its
	// context already cancelled (G2; default 16; negative: never).
	CtxDoneOneIn int
}

func (c GenConfig) withDefaults(p model.Primitive) GenConfig {
	if c.MaxTasks <= 0 {
		c.MaxTasks = 4
	}
	if c.MaxOps <= 0 {
		c.MaxOps = 4
		if d := prims.Lookup(p); d != nil && d.MaxOps > 0 {
			c.MaxOps = d.MaxOps
		}
	}
	switch {
	case c.MaxCancels == 0:
		c.MaxCancels = 2
	case c.MaxCancels < 0:
		c.MaxCancels = 0
	}
	switch {
	case c.CtxDoneOneIn == 0:
		c.CtxDoneOneIn = 16
	case c.CtxDoneOneIn < 0:
		c.CtxDoneOneIn = 0
	}
	return c
}

// Gen returns a generator of programs for primitive p that draws every
// size and choice from a scheduler.Source: a seeded PCG in Run, rapid's
// stream (RapidSource) under Property, so that rapid shrinks
// tasks, calls and cancels there.
func Gen(p model.Primitive, cfg GenConfig) func(src scheduler.Source) Program {
	g := newGenerator(p, cfg)
	return g.draw
}

type generator struct {
	p     model.Primitive
	cfg   GenConfig
	desc  *prims.Descriptor
	frags []prims.Fragment
	total int
}

// taskDraw is one drawn task: its calls, and the calls its cancels are
// placed on (drawn inside the task, so that removing the task removes its
// cancels).
type taskDraw struct {
	ops     []model.Op
	cancels []int
}

func newGenerator(p model.Primitive, cfg GenConfig) *generator {
	cfg = cfg.withDefaults(p)
	g := &generator{p: p, cfg: cfg, desc: prims.Lookup(p)}
	if g.desc == nil {
		panic(fmt.Sprintf("explore: primitive %q has no check-side descriptor", p))
	}
	// Shortest first: shrinking lowers a fragment's draw toward 0, so
	// toward fewer calls.
	frags := slices.Clone(g.desc.Fragments)
	slices.SortStableFunc(frags, func(a, b prims.Fragment) int { return len(a.Ops) - len(b.Ops) })
	for _, f := range frags {
		if len(f.Ops) <= cfg.MaxOps && supports(cfg.Ops, f.Ops) {
			g.frags = append(g.frags, f)
			g.total += f.Weight
		}
	}
	if len(g.frags) == 0 {
		panic(fmt.Sprintf("explore: no program fragments for primitive %q with MaxOps %d", p, cfg.MaxOps))
	}
	return g
}

// supports reports whether every op of ops is one of kinds (nil: all).
func supports(kinds []model.Kind, ops []model.Op) bool {
	if kinds == nil {
		return true
	}
	for _, op := range ops {
		if !slices.Contains(kinds, op.Kind) {
			return false
		}
	}
	return true
}

// drawTask draws one task: up to MaxOps calls, a fragment at a time, and
// up to MaxCancels cancels placed on its calls (drawn inside the task, so
// that removing the task removes its cancels).
func (g *generator) drawTask(src scheduler.Source, conds int) taskDraw {
	cfg := g.cfg
	var td taskDraw
	nfrags := 1 + small(src, cfg.MaxOps)
	for i := 0; i < nfrags; i++ {
		f := g.drawFragment(src, conds)
		if i > 0 && len(td.ops)+len(f) > cfg.MaxOps {
			break
		}
		td.ops = append(td.ops, f...)
	}
	if cfg.MaxCancels == 0 {
		return td
	}
	var blocking []int
	for j, op := range td.ops {
		if op.Blocking() {
			blocking = append(blocking, j)
		}
	}
	for n := src.Intn(cfg.MaxCancels + 1); n > 0; n-- {
		mode, pick := src.Intn(4), src.Intn(64)
		// Mostly on a blocking call, where a cancel can land in a wait
		// or its wake window; sometimes on any call.
		call := pick % len(td.ops)
		if mode < 3 && len(blocking) > 0 {
			call = blocking[pick%len(blocking)]
		}
		if !slices.Contains(td.cancels, call) {
			td.cancels = append(td.cancels, call)
		}
	}
	return td
}

func (g *generator) drawFragment(src scheduler.Source, conds int) []model.Op {
	roll := src.Intn(g.total)
	var f prims.Fragment
	for _, f = range g.frags {
		if roll < f.Weight {
			break
		}
		roll -= f.Weight
	}
	cond := 0
	if conds > 1 && slices.ContainsFunc(f.Ops, g.scoped) {
		cond = src.Intn(conds)
	}
	out := make([]model.Op, len(f.Ops))
	for i, op := range f.Ops {
		if g.scoped(op) {
			op.Cond = cond
		}
		if op.Arg < 0 {
			// The first value is what shrinking goes to.
			args := g.desc.Args[op.Kind]
			if len(args) == 0 {
				args = defaultArgs
			}
			op.Arg = args[src.Intn(len(args))]
		}
		if op.Blocking() && g.cfg.CtxDoneOneIn > 1 {
			op.CtxDone = src.Intn(g.cfg.CtxDoneOneIn) == g.cfg.CtxDoneOneIn-1
		}
		out[i] = op
	}
	return out
}

// small draws a size in [0, n), the smaller ones likelier (the least of
// two uniform draws): small programs are explored most, and a failure is
// usually found small, which leaves shrinking less to do.
func small(src scheduler.Source, n int) int {
	return min(src.Intn(n), src.Intn(n))
}

// defaultArgs are the arguments an op's Arg < 0 is drawn from when its
// descriptor names none.
var defaultArgs = []int{1, 2}

// scoped reports whether op is on one of several instances (a Condition of
// those sharing one Lock).
func (g *generator) scoped(op model.Op) bool {
	o, _ := model.Describe(g.p).Op(op.Kind)
	return o.Scoped
}

func (g *generator) draw(src scheduler.Source) Program {
	prog := Program{Primitive: g.p}
	prog.Params = model.Params{}
	for _, x := range g.desc.Params {
		prog.Params[x.Key] = x.Lo + small(src, x.Hi-x.Lo+1)
	}
	conds := model.Describe(g.p).Instances(prog.Params)
	tds := make([]taskDraw, 1+small(src, g.cfg.MaxTasks))
	for i := range tds {
		tds[i] = g.drawTask(src, conds)
	}
	prog.Tasks = make([]scenario.Task, len(tds))
	for i, td := range tds {
		prog.Tasks[i] = scenario.Task{Name: taskName(i), Ops: td.ops}
		for _, call := range td.cancels {
			prog.Cancels = append(prog.Cancels, Cancel{Task: i, Call: call})
		}
	}
	if WaitForRacy(&prog) {
		// Keep the program, without the predicate that would race.
		for i := range prog.Tasks {
			for j, op := range prog.Tasks[i].Ops {
				if op.Kind == model.WaitFor {
					prog.Tasks[i].Ops[j] = model.Op{Kind: model.Wait, Cond: op.Cond, CtxDone: op.CtxDone}
				}
			}
		}
	}
	return prog
}

// WaitForRacy reports whether a Condition program may evaluate a WaitFor
// predicate while another task changes the shared counter or the lock:
// the program has a WaitFor, and some task may make a call that needs the
// lock (wait, waitfor, add, release) without holding it, because it never
// acquired it, or its acquire may fail (a tryacquire, a done or cancelled
// context). The generator and the shrinker avoid such programs.
//
// Their histories are not a fair test: the model takes WaitFor's lock
// check, predicate and registration as one step, while an implementation
// (impl's included, after G10) evaluates the predicate and then calls Wait,
// a separate critical section; a counter changed, or the lock released, in
// between by a task not serialized by the lock is a data race in the
// user's program that the model does not describe.
func WaitForRacy(prog *Program) bool {
	has := false
	for _, t := range prog.Tasks {
		for _, op := range t.Ops {
			has = has || op.Kind == model.WaitFor
		}
	}
	if !has {
		return false
	}
	for i, t := range prog.Tasks {
		holds := false
		for j, op := range t.Ops {
			switch op.Kind {
			case model.Acquire:
				if op.CtxDone || slices.Contains(prog.Cancels, Cancel{Task: i, Call: j}) {
					return true
				}
				holds = true
			case model.TryAcquire:
				return true
			case model.Release:
				if !holds {
					return true
				}
				holds = false
			case model.Wait, model.WaitFor, model.Add:
				if !holds {
					return true
				}
			}
		}
	}
	return false
}

var taskNames = [...]string{"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8"}

func taskName(i int) string {
	if i < len(taskNames) {
		return taskNames[i]
	}
	return fmt.Sprintf("T%d", i+1)
}

// ProgramOf is scenario sc's program: its tasks and their calls, and a
// cancel for each cancel step that lands on a call in flight (the call a
// task started and did not see return: its last step expected blocks, or
// stopped inside it, or a cancel already landed on it). The steps' order
// is not kept: a program's schedule is the explorer's to choose.
func ProgramOf(sc *scenario.Scenario) Program {
	p := Clone(&Program{Primitive: sc.Primitive, Params: sc.Params, Tasks: sc.Tasks})
	started := make([]int, len(sc.Tasks))
	inFlight := make([]bool, len(sc.Tasks))
	for _, st := range sc.Steps {
		t := st.Task
		switch {
		case st.Kind == scenario.Cancel:
			if inFlight[t] && !slices.Contains(p.Cancels, Cancel{Task: t, Call: started[t] - 1}) {
				p.Cancels = append(p.Cancels, Cancel{Task: t, Call: started[t] - 1})
			}
		default:
			if !inFlight[t] {
				started[t]++
			}
			inFlight[t] = st.Point != "" || (len(st.Expect) == 1 && st.Expect[0].Kind == scenario.ExpectBlocks)
		}
	}
	return p
}
