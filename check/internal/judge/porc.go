package judge

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/syncheck/syncheck/check/internal/history"
)

// The linearizability check with porcupine.
//
// Operations. A call [c, r] (history indices) is two operations, both
// confined to the call's interval: enter (the model's Invoke: it registers,
// or completes at once, its result then kept in the configuration) and exit
// (its result: consumed from the configuration, or produced by a Resume that
// completes the call). The model orders them per task (exit needs the
// enter; the next call's enter needs the exit). A call still in flight at
// the end has an optional enter and an optional exit with any result,
// confined to [c, end]. A cancel is an instantaneous operation at its
// index. With registration points (strict), a call that parked at p has
// its enter confined to [c, p] and required to leave it in flight, and its
// exit to [p, r]. With quiescence, one last operation after everything
// keeps only the configurations that agree with how the run ended.
//
// States. porcupine's state is a set of configurations closed under the
// silent transitions (the power-set construction of a
// porcupine.NondeterministicModel over configurations, with an epsilon
// closure), interned so that Equal is pointer equality and every (set, op)
// step is computed once (memo).

type popKind uint8

const (
	popEnter popKind = iota
	popExit
	popCancel
	popQuiesce
)

// pop is the Input of one porcupine operation.
type pop struct {
	id       int
	kind     popKind
	call     int // index into prepared.calls (-1: quiesce)
	mustPark bool
	optional bool
	anyRes   bool
	at       int   // cancel: its history index
	sig      int32 // its signature in the space that judges it (sign)
}

// variant selects the constraints of one check.
type variant struct {
	strict  bool // registration points (Input.Parks)
	quiesce bool // the final quiescence operation
}

// Time stamps: event i at 2i+2, a park after At events at 2At+1, the end
// at 2n+2 and the quiescence operation at 2n+3.
func evTime(i int) int64    { return int64(2*i + 2) }
func parkTime(at int) int64 { return int64(2*at + 1) }

// operations builds the porcupine history of p under v.
func (p *prepared) operations(v variant) []porcupine.Operation {
	ops, _ := p.operationsIn(v, nil, nil)
	return ops
}

// operationsIn is operations building into the room of ops and pops
// (reused when large enough), which it returns.
func (p *prepared) operationsIn(v variant, ops []porcupine.Operation, pops []pop) ([]porcupine.Operation, []pop) {
	n := len(p.in.History)
	end := int64(2*n + 2)
	if need := 2*len(p.calls) + len(p.cancels) + 1; cap(ops) < need || cap(pops) < need {
		ops = make([]porcupine.Operation, 0, need)
		pops = make([]pop, 0, need)
	}
	ops, pops = ops[:0], pops[:0]
	add := func(o pop, task int, from, to int64) {
		o.id = len(ops)
		pops = append(pops, o) // never grows: the pointers below stay
		ops = append(ops, porcupine.Operation{ClientId: task, Input: &pops[len(pops)-1], Call: from, Return: to})
	}
	for k := range p.calls {
		c := &p.calls[k]
		from, to := evTime(c.callAt), end
		if !c.open() {
			to = evTime(c.retAt)
		}
		mid := to
		strict := v.strict && c.parkAt >= 0
		if strict {
			mid = parkTime(c.parkAt)
		}
		enter := pop{kind: popEnter, call: k, mustPark: strict, optional: c.open() && !strict}
		exit := pop{kind: popExit, call: k, optional: c.open(), anyRes: c.open()}
		add(enter, c.task, from, mid)
		if strict {
			from = mid
		}
		add(exit, c.task, from, to)
	}
	for _, ce := range p.cancels {
		o := pop{kind: popCancel, call: ce.call, at: ce.at}
		add(o, ce.task, evTime(ce.at), evTime(ce.at))
	}
	if v.quiesce {
		o := pop{kind: popQuiesce, call: -1}
		add(o, 0, end+1, end+1)
	}
	return ops, pops
}

func (p *prepared) describePop(o *pop) string {
	if o.kind == popQuiesce {
		return "quiescence: the parked tasks wait, the others are idle"
	}
	c := &p.calls[o.call]
	who := p.name(c.task) + " " + p.opName(c.op)
	switch o.kind {
	case popEnter:
		if o.mustPark {
			return who + ": enter (parks)"
		}
		return who + ": enter"
	case popExit:
		if c.open() {
			return who + ": exit (still in flight)"
		}
		return who + " -> " + p.resultName(c.op, c.res)
	}
	return "cancel " + p.name(c.task)
}

// cset is an interned set of configurations, sorted by id and closed under
// the silent transitions: one porcupine state.
type cset struct {
	id      int32
	members []*cfg
	hash    uint64
	// next memoizes step: by operation signature, the set it leads to
	// (noSet: none); nil where not computed yet.
	next []*cset
}

// internSet returns the interned set of members (sorted in place); nil for
// an empty set.
func (s *space) internSet(members []*cfg) *cset {
	if len(members) == 0 {
		return nil
	}
	slices.SortFunc(members, func(a, b *cfg) int { return int(a.id) - int(b.id) })
	b := s.buf[:0]
	for _, c := range members {
		b = binary.LittleEndian.AppendUint32(b, uint32(c.id))
	}
	s.buf = b
	if cs, ok := s.sets[string(b)]; ok {
		return cs
	}
	cs := &cset{id: s.nsets, members: slices.Clone(members)}
	s.nsets++
	cs.hash = uint64(cs.id+1) * 0x9e3779b97f4a7c15
	s.sets[string(b)] = cs
	return cs
}

func (s *space) initSet() *cset {
	return s.internSet(slices.Clone(s.closure(s.init)))
}

// step is porcupine's Step on sets: apply o to every member, close, merge.
// Steps are memoized per set, by the operation's signature.
func (s *space) step(set *cset, o *pop) *cset {
	if int(o.sig) < len(set.next) {
		if r := set.next[o.sig]; r != nil {
			if r == noSet {
				return nil
			}
			return r
		}
	}
	s.epoch++
	var succ, tmp []*cfg
	for _, c := range set.members {
		tmp = s.apply(c, o, tmp[:0])
		for _, n := range tmp {
			for _, x := range s.closure(n) {
				if x.mark != s.epoch {
					x.mark = s.epoch
					succ = append(succ, x)
				}
			}
		}
	}
	r := s.internSet(succ)
	if n := int(o.sig) + 1; n > len(set.next) {
		c := cap(set.next)
		set.next = slices.Grow(set.next, n-len(set.next))[:n]
		s.nmemo += cap(set.next) - c
	}
	set.next[o.sig] = r
	if r == nil {
		set.next[o.sig] = noSet
	}
	return r
}

// noSet is a memoized step to the empty set.
var noSet = &cset{id: -1}

// apply appends the successors of c by o.
func (s *space) apply(c *cfg, o *pop, out []*cfg) []*cfg {
	switch o.kind {
	case popEnter:
		return s.enterMoves(c, &s.p.calls[o.call], o.mustPark, o.optional, out)
	case popExit:
		return s.exitMoves(c, &s.p.calls[o.call], o.anyRes, o.optional, out)
	case popCancel:
		return s.cancelMoves(c, &s.p.calls[o.call], out)
	}
	if s.quiet(c) {
		out = append(out, c)
	}
	return out
}

// porcupineModel is the porcupine.Model over interned sets of s.
func (s *space) porcupineModel() porcupine.Model {
	return porcupine.Model{
		Init: func() any { return s.initSet() },
		Step: func(state, input, _ any) (bool, any) {
			r := s.step(state.(*cset), input.(*pop))
			return r != nil, r
		},
		Equal: func(a, b any) bool { return a.(*cset) == b.(*cset) },
		Hash:  func(a any) uint64 { return a.(*cset).hash },
		DescribeOperation: func(input, _ any) string {
			return s.p.describePop(input.(*pop))
		},
		DescribeState: func(state any) string {
			return s.describeSet(state.(*cset).members)
		},
	}
}

// describeSet describes the distinct model states of cs, with the tasks'
// names.
func (s *space) describeSet(cs []*cfg) string {
	return strings.Join(s.p.describeStates(cs, 8), " | ")
}

// describeStates lists the distinct model states of cs (at most limit).
func (p *prepared) describeStates(cs []*cfg, limit int) []string {
	var out []string
	var seen []string
	for _, c := range cs {
		k := c.m.Key()
		if slices.Contains(seen, k) {
			continue
		}
		seen = append(seen, k)
		if len(out) == limit {
			out = append(out, fmt.Sprintf("... (%d states in all)", countDistinct(cs)))
			break
		}
		out = append(out, history.Describe(c.m, p.name))
	}
	return out
}

func countDistinct(cs []*cfg) int {
	seen := map[string]bool{}
	for _, c := range cs {
		seen[c.m.Key()] = true
	}
	return len(seen)
}

// nondeterministic is the same search as a porcupine.NondeterministicModel
// over single configurations (porcupine's own power-set construction does
// the rest). It is slower than porcupineModel and exists to cross-check it
// and for callers that want porcupine's generic form.
func (s *space) nondeterministic() porcupine.NondeterministicModel {
	return porcupine.NondeterministicModel{
		Init: func() []any {
			var r []any
			for _, c := range s.closure(s.init) {
				r = append(r, c)
			}
			return r
		},
		Step: func(state, input, _ any) []any {
			var r []any
			for _, n := range s.apply(state.(*cfg), input.(*pop), nil) {
				for _, x := range s.closure(n) {
					r = append(r, x)
				}
			}
			return r
		},
		Equal: func(a, b any) bool { return a.(*cfg) == b.(*cfg) },
		Hash:  func(a any) uint64 { return uint64(a.(*cfg).id+1) * 0x9e3779b97f4a7c15 },
		DescribeOperation: func(input, _ any) string {
			return s.p.describePop(input.(*pop))
		},
		DescribeState: func(state any) string {
			return history.Describe(state.(*cfg).m, s.p.name)
		},
	}
}

// check decides whether p is linearizable under v, on a space of the pool
// (spaces.go), returned to it afterwards: the fast search first
// (search.go), which answers Ok when it finds a linearization, then
// porcupine. Porcupine may keep running on a space after a timeout, so a
// space is never reused after one. It returns the result.
func (p *prepared) check(v variant, timeout time.Duration) porcupine.CheckResult {
	if timeout <= 0 {
		return porcupine.Unknown
	}
	deadline := time.Now().Add(timeout)
	s := getSpace(p)
	// The operations live in the space's room: they go back to the pool
	// with it, and are never reused while porcupine may still run on
	// them.
	ops, pops := p.operationsIn(v, s.ops, s.pops)
	s.ops, s.pops = ops, pops
	s.sign(ops)
	if s.linearizable(ops, deadline) {
		putSpace(s)
		return porcupine.Ok
	}
	timeout = time.Until(deadline)
	if timeout <= 0 {
		putSpace(s) // porcupine never ran on it
		return porcupine.Unknown
	}
	res := porcupine.CheckOperationsTimeout(s.porcupineModel(), ops, timeout)
	if res == porcupine.Unknown {
		return res
	}
	putSpace(s)
	return res
}

// Porcupine returns what the linearizability judge gives porcupine for in:
// the model and the operations (strict: with the registration points of
// in.Parks; quiescence: with the final quiescence operation, when the run
// is quiescent). Pass them to porcupine.CheckOperationsVerbose and then
// porcupine.Visualize for an HTML timeline. The model is single-use: build
// a fresh one for each check.
func Porcupine(in Input, strict, quiescence bool) (porcupine.Model, []porcupine.Operation, error) {
	p, err := prepare(in)
	if err != nil {
		return porcupine.Model{}, nil, err
	}
	s := newSpace(p)
	v := variant{strict: strict && p.parks, quiesce: quiescence && in.Quiescent}
	ops := p.operations(v)
	s.sign(ops)
	return s.porcupineModel(), ops, nil
}
