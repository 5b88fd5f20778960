package judge

import (
	"fmt"
	"strconv"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// call is one call of the history: from its CallEvent to its ReturnEvent
// (retAt < 0: still in flight at the end, "open").
type call struct {
	task   int
	ord    int // the task's calls are numbered 0, 1, ... in program order
	op     model.Op
	callAt int
	retAt  int
	res    model.Result
	parkAt int // Park.At of its first park, -1 if it never parked (or unknown)
}

func (c *call) open() bool { return c.retAt < 0 }

// cancelEv is a CancelEvent that landed on a call in flight.
type cancelEv struct {
	task, call int // call: index into prepared.calls
	at         int
}

// prepared is an Input checked for consistency and indexed.
type prepared struct {
	in     Input
	tasks  int
	calls  []call
	byTask [][]int // call indices of each task, in order
	// evCall maps each history index to the call it belongs to (-1 for a
	// cancel of nothing).
	evCall  []int
	cancels []cancelEv
	parked  []bool // Input.Parked as a set
	// open: some call has no return.
	open  bool
	parks bool // Input.ParksKnown
	conds int  // for op names
}

func (p *prepared) name(t int) string {
	if t >= 0 && t < len(p.in.Names) && p.in.Names[t] != "" {
		return p.in.Names[t]
	}
	return "T" + strconv.Itoa(t)
}

func (p *prepared) opName(op model.Op) string {
	op.CtxDone = false
	return scenario.FormatOp(op, p.conds)
}

func (p *prepared) resultName(op model.Op, r model.Result) string {
	return scenario.Outcome(p.in.Primitive, op, true, r).String()
}

// step names history index i for people (1-based, as reports number
// events).
func step(i int) string { return "step " + strconv.Itoa(i+1) }

// maxCallsPerTask bounds a task's calls (the bookkeeping numbers them in
// an int16).
const maxCallsPerTask = 1<<15 - 1

func prepare(in Input) (*prepared, error) {
	p := &prepared{in: in, tasks: in.Tasks, parks: in.ParksKnown}
	// The instances of a scoped op (Conditions sharing one Lock); 1 for a
	// primitive without.
	if d := model.Describe(in.Primitive); d != nil {
		p.conds = d.Instances(in.Params)
	}
	if _, err := model.New(in.Primitive, in.Dialect, in.Params); err != nil {
		return nil, err
	}
	if in.Tasks < 0 {
		return nil, fmt.Errorf("negative number of tasks %d", in.Tasks)
	}
	for _, e := range in.History {
		if e.Task >= p.tasks {
			p.tasks = e.Task + 1
		}
	}
	cur, err := p.readCalls()
	if err != nil {
		return nil, err
	}
	if err := p.readParked(cur); err != nil {
		return nil, err
	}
	if in.ParksKnown {
		if err := p.readParks(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// readCalls pairs the history's calls and returns into p.calls, checking
// that the history is well formed, and returns the call each task has in
// flight at the end (-1: none).
func (p *prepared) readCalls() ([]int, error) {
	in := p.in
	desc := model.Describe(in.Primitive)
	p.byTask = make([][]int, p.tasks)
	p.evCall = make([]int, len(in.History))
	// Room for the calls, all and per task.
	perTask := make([]int, p.tasks)
	for _, e := range in.History {
		if e.Kind == history.Call && e.Task >= 0 {
			perTask[e.Task]++
		}
	}
	ncalls := 0
	for _, k := range perTask {
		ncalls += k
	}
	p.calls = make([]call, 0, ncalls)
	room := make([]int, ncalls)
	for t, k := range perTask {
		p.byTask[t], room = room[:0:k], room[k:]
	}
	cur := make([]int, p.tasks) // call in flight per task, -1 none
	for i := range cur {
		cur[i] = -1
	}
	for i, e := range in.History {
		p.evCall[i] = -1
		if e.Task < 0 {
			return nil, fmt.Errorf("%s: negative task %d", step(i), e.Task)
		}
		t := e.Task
		switch e.Kind {
		case history.Call:
			if cur[t] >= 0 {
				return nil, fmt.Errorf("%s: %s calls %s with a call in flight", step(i), p.name(t), e.Op.Kind)
			}
			o, ok := desc.Op(e.Op.Kind)
			if !ok {
				return nil, fmt.Errorf("%s: %s is not an op of %s", step(i), e.Op.Kind, in.Primitive)
			}
			if o.Scoped && (e.Op.Cond < 0 || e.Op.Cond >= p.conds) {
				return nil, fmt.Errorf("%s: condition c%d of %d", step(i), e.Op.Cond+1, p.conds)
			}
			if len(p.byTask[t]) >= maxCallsPerTask {
				return nil, fmt.Errorf("%s: %s makes more than %d calls", step(i), p.name(t), maxCallsPerTask)
			}
			cur[t] = len(p.calls)
			p.evCall[i] = cur[t]
			p.byTask[t] = append(p.byTask[t], cur[t])
			p.calls = append(p.calls, call{task: t, ord: len(p.byTask[t]) - 1, op: e.Op, callAt: i, retAt: -1, parkAt: -1})
		case history.Return:
			k := cur[t]
			if k < 0 {
				return nil, fmt.Errorf("%s: %s returns from %s with no call in flight", step(i), p.name(t), e.Op.Kind)
			}
			c := &p.calls[k]
			if e.Op.Kind != c.op.Kind || e.Op.Cond != c.op.Cond || e.Op.Arg != c.op.Arg {
				return nil, fmt.Errorf("%s: %s returns from %s, but its call in flight is %s", step(i), p.name(t), e.Op.Kind, c.op.Kind)
			}
			c.retAt, c.res = i, e.Result
			p.evCall[i] = k
			cur[t] = -1
		case history.Cancel:
			// G1: a cancel reaches only the call in flight; otherwise it
			// has no effect.
			if k := cur[t]; k >= 0 {
				p.evCall[i] = k
				p.cancels = append(p.cancels, cancelEv{task: t, call: k, at: i})
			}
		default:
			return nil, fmt.Errorf("%s: unknown kind %d", step(i), e.Kind)
		}
	}
	for _, k := range cur {
		if k >= 0 {
			p.open = true
		}
	}
	return cur, nil
}

// readParked reads the tasks parked at the end of a quiescent run: exactly
// those with a call in flight (cur).
func (p *prepared) readParked(cur []int) error {
	p.parked = make([]bool, p.tasks)
	for _, t := range p.in.Parked {
		if t < 0 || t >= p.tasks {
			return fmt.Errorf("parked task %d out of range", t)
		}
		p.parked[t] = true
	}
	if !p.in.Quiescent {
		return nil
	}
	for t := range p.tasks {
		if p.parked[t] != (cur[t] >= 0) {
			if p.parked[t] {
				return fmt.Errorf("quiescent run: %s is listed as parked but has no call in flight", p.name(t))
			}
			return fmt.Errorf("quiescent run: %s has a call in flight but is not listed as parked", p.name(t))
		}
	}
	return nil
}

// readParks places each registration point on the call in flight then.
func (p *prepared) readParks() error {
	for _, pk := range p.in.Parks {
		if pk.Task < 0 || pk.Task >= p.tasks || pk.At < 0 || pk.At > len(p.in.History) {
			return fmt.Errorf("park %+v out of range", pk)
		}
		// The call in flight at At.
		k := -1
		for _, ci := range p.byTask[pk.Task] {
			c := &p.calls[ci]
			if c.callAt < pk.At && (c.open() || c.retAt >= pk.At) {
				k = ci
				break
			}
		}
		if k < 0 {
			return fmt.Errorf("%s parks after step %d with no call in flight", p.name(pk.Task), pk.At)
		}
		if c := &p.calls[k]; c.parkAt < 0 || pk.At < c.parkAt {
			c.parkAt = pk.At
		}
	}
	return nil
}
