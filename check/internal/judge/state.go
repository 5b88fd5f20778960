package judge

import (
	"maps"
	"strconv"

	"github.com/anishathalye/porcupine"
	"github.com/syncheck/syncheck/model"
)

// The search space shared by the porcupine model (porc.go) and the
// diagnostic replay (replay.go).
//
// A configuration (cfg) is one model state plus, per task, the bookkeeping
// that ties the history's calls to the model:
//
//   - call: the ordinal of the task's call whose enter was linearized last
//     (-1: none yet), and exited: whether that call's exit was linearized;
//   - pend: the result of a call that completed at once (Invoke returned
//     Done), kept until its exit consumes it;
//   - pre: the ordinal of a call whose context was cancelled before its
//     enter, so that the enter invokes the op with a done context (G2);
//   - res: the result an exit "with any result" produced (open calls, and
//     the call under diagnosis);
//   - woke: the call was resumed silently since it registered (a
//     Condition waiter woken and queueing on the lock): for messages, a
//     task Waiting again on the lock has still been woken.
//
// Configurations are interned by key (Model.Key plus the bookkeeping) so
// that each is built, keyed and expanded once per judged execution;
// porcupine's states are interned sets of configurations.

type tstate struct {
	call    int16
	pre     int16
	exited  bool
	hasPend bool
	hasRes  bool
	woke    bool
	pend    model.Result
	res     model.Result
}

var idleTask = tstate{call: -1, pre: -1}

type cfg struct {
	m   model.Model
	ts  []tstate
	key string
	id  int32
	// mark is the epoch of the last set-building pass that added it.
	mark uint32
	// closed is the epsilon closure (memo): every configuration reachable
	// by silent resumes, itself first.
	closed []*cfg
	// resumes memoizes m.Resume per task.
	resumes [][]model.Outcome
	resumed []bool
}

// space interns configurations and sets of them. It is used by one
// goroutine at a time and abandoned after a porcupine timeout (porcupine
// may still be running on it).
//
// Nothing in a space but p depends on the execution: configurations and
// their moves are functions of the model (primitive, dialect, parameters)
// and the number of tasks, and the memo of set steps is indexed by the
// operation's signature (sign), everything apply reads of it. So a space
// may judge one execution after another of the same model and number of
// tasks (the linearizability search reuses them, spaces.go), each
// execution's search finding the configurations, closures and steps the
// earlier ones computed.
type space struct {
	p     *prepared
	tasks int
	cfgs  map[string]*cfg
	sets  map[string]*cset
	nmemo int              // room for memoized set steps (cset.next, all together)
	sigs  map[string]int32 // operation signatures (sign)
	epoch uint32
	buf   []byte
	ts    []tstate // scratch
	nsets int32
	init  *cfg
	// search is the fast search's buffers (search.go).
	search searchBuf
	// ops and pops are the room of the operations judged in the space
	// (prepared.check).
	ops  []porcupine.Operation
	pops []pop
	// What the space is for (fits).
	prim    model.Primitive
	dialect model.Dialect
	params  model.Params
}

func newSpace(p *prepared) *space {
	s := &space{
		p:     p,
		tasks: p.tasks,
		cfgs:  make(map[string]*cfg, 64),
		sets:  make(map[string]*cset, 64),
		sigs:  make(map[string]int32, 32),
		ts:    make([]tstate, p.tasks),

		prim:    p.in.Primitive,
		dialect: p.in.Dialect,
		params:  maps.Clone(p.in.Params),
	}
	m, err := model.New(p.in.Primitive, p.in.Dialect, p.in.Params)
	if err != nil {
		panic(err) // prepare checked it
	}
	for t := range s.ts {
		s.ts[t] = idleTask
	}
	s.init = s.intern(m, s.ts)
	return s
}

// scratch returns the scratch bookkeeping, a copy of c's.
func (s *space) scratch(c *cfg) []tstate {
	copy(s.ts, c.ts)
	return s.ts
}

func appendTS(b []byte, st tstate) []byte {
	b = strconv.AppendInt(b, int64(st.call), 10)
	if st.pre >= 0 {
		b = append(b, 'p')
		b = strconv.AppendInt(b, int64(st.pre), 10)
	}
	if st.exited {
		b = append(b, 'x')
	}
	if st.hasPend {
		b = appendResult(append(b, 'r'), st.pend)
	}
	if st.hasRes {
		b = appendResult(append(b, 'R'), st.res)
	}
	if st.woke {
		b = append(b, 'w')
	}
	return append(b, ';')
}

func appendResult(b []byte, r model.Result) []byte {
	b = append(append(b, r.Err...), '/')
	if r.Bool {
		b = append(b, 't')
	}
	if r.Int != 0 {
		b = strconv.AppendInt(append(b, 'i'), int64(r.Int), 10)
	}
	return b
}

// intern returns the configuration (m, ts), making it if it is new. ts is
// copied when it is.
func (s *space) intern(m model.Model, ts []tstate) *cfg {
	b := append(s.buf[:0], m.Key()...)
	b = append(b, '#')
	for _, st := range ts {
		b = appendTS(b, st)
	}
	s.buf = b
	if c, ok := s.cfgs[string(b)]; ok {
		return c
	}
	c := &cfg{m: m, ts: append([]tstate(nil), ts...), key: string(b), id: int32(len(s.cfgs))}
	s.cfgs[c.key] = c
	return c
}

// resume is c.m.Resume(t), memoized.
func (s *space) resume(c *cfg, t int) []model.Outcome {
	if c.resumed == nil {
		c.resumed = make([]bool, s.tasks)
		c.resumes = make([][]model.Outcome, s.tasks)
	}
	if !c.resumed[t] {
		c.resumed[t] = true
		c.resumes[t] = c.m.Resume(t)
	}
	return c.resumes[t]
}

// inFlight reports whether t's call ord is entered, not exited and not
// completed at once: the model has it in flight.
func inFlight(st tstate, ord int) bool {
	return int(st.call) == ord && !st.exited && !st.hasPend
}

// closure is c's epsilon closure: the internal transitions the history
// does not show, a parked task's Resume that leaves it parked (a Condition
// waiter woken by its notification that queues again on the lock, a
// wait_for whose predicate is still false), taken any number of times.
func (s *space) closure(c *cfg) []*cfg {
	if c.closed != nil {
		return c.closed
	}
	out := []*cfg{c}
	for i := 0; i < len(out); i++ {
		x := out[i]
		for t, st := range x.ts {
			if st.call < 0 || st.exited || st.hasPend || x.m.Status(t) != model.Runnable {
				continue
			}
			for _, o := range s.resume(x, t) {
				if o.Done {
					continue
				}
				ts := s.scratch(x)
				ts[t].woke = true
				y := s.intern(o.Next, ts)
				if !containsCfg(out, y) {
					out = append(out, y)
				}
			}
		}
	}
	c.closed = out
	return out
}

func containsCfg(cs []*cfg, c *cfg) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// enterMoves appends to out what the enter of call cl can make of c: the
// model's Invoke, with a done context if the call was cancelled before
// (G2). mustPark keeps only outcomes that leave the call in flight (the
// call parked in the implementation); optional adds c itself (an open call
// may not have registered yet).
func (s *space) enterMoves(c *cfg, cl *call, mustPark, optional bool, out []*cfg) []*cfg {
	t, ord := cl.task, cl.ord
	st := c.ts[t]
	if int(st.call) != ord-1 || (ord > 0 && !st.exited) {
		// Entered already, or the previous call is not done: program
		// order.
		return out
	}
	if optional {
		out = append(out, c)
	}
	op := cl.op
	if int(st.pre) == ord {
		op.CtxDone = true
	}
	for _, o := range c.m.Invoke(t, op) {
		if mustPark && o.Done {
			continue
		}
		ts := s.scratch(c)
		ts[t] = tstate{call: int16(ord), pre: -1, hasPend: o.Done, pend: o.Result}
		out = append(out, s.intern(o.Next, ts))
	}
	return out
}

// exitMoves appends what the exit of call cl can make of c: the result the
// call returned (anyRes: any result, recorded) is consumed from pend, or
// produced by a Resume that completes the call. optional adds c itself.
func (s *space) exitMoves(c *cfg, cl *call, anyRes, optional bool, out []*cfg) []*cfg {
	t, ord := cl.task, cl.ord
	if optional {
		out = append(out, c)
	}
	st := c.ts[t]
	if int(st.call) != ord || st.exited {
		return out
	}
	if st.hasPend {
		if anyRes || st.pend == cl.res {
			ts := s.scratch(c)
			ts[t] = tstate{call: int16(ord), pre: -1, exited: true, hasRes: anyRes, res: st.pend}
			out = append(out, s.intern(c.m, ts))
		}
		return out
	}
	if c.m.Status(t) != model.Runnable {
		return out
	}
	for _, o := range s.resume(c, t) {
		if !o.Done || !(anyRes || o.Result == cl.res) {
			continue
		}
		ts := s.scratch(c)
		ts[t] = tstate{call: int16(ord), pre: -1, exited: true, hasRes: anyRes, res: o.Result}
		out = append(out, s.intern(o.Next, ts))
	}
	return out
}

// cancelMoves appends what a cancel of call cl's context makes of c: before
// the enter it is remembered (the enter then sees a done context); on a
// call the model has in flight it is the model's Cancel; on a call already
// completed in the model it does nothing (G1).
func (s *space) cancelMoves(c *cfg, cl *call, out []*cfg) []*cfg {
	t, ord := cl.task, cl.ord
	st := c.ts[t]
	switch {
	case int(st.call) < ord:
		if int(st.pre) == ord {
			return append(out, c)
		}
		ts := s.scratch(c)
		ts[t].pre = int16(ord)
		return append(out, s.intern(c.m, ts))
	case inFlight(st, ord):
		for _, o := range c.m.Cancel(t) {
			out = append(out, s.intern(o.Next, c.ts))
		}
		return out
	}
	return append(out, c)
}

// quiet reports whether c agrees with how the run ended: every task parked
// in the implementation is entered and Waiting in the model (not granted,
// not cancelled, not completed), every other task is idle.
func (s *space) quiet(c *cfg) bool {
	for t, st := range c.ts {
		if s.p.parked[t] {
			bt := s.p.byTask[t]
			if len(bt) == 0 || !inFlight(st, s.p.calls[bt[len(bt)-1]].ord) || c.m.Status(t) != model.Waiting {
				return false
			}
		} else if c.m.Status(t) != model.Idle || (st.call >= 0 && !st.exited) {
			return false
		}
	}
	return true
}
