package model

import (
	"slices"
	"strconv"
	"strings"
)

// pendingCancels adds to a model of an asyncio dialect what asyncio does
// with a cancel requested of a task whose call then completes without
// suspending (a fast path: specs/asyncio.md §1.4-1.5): the cancel is not
// consumed, it stays pending on the task and fires at the task's next
// suspension, in a later call. In the scenario language such a cancel is a
// call made with a done context ("acquire!"); the go and x/sync dialects
// have no pending cancels (G1: a context belongs to one call).
//
// A call made while a cancel is pending behaves as one made with a done
// context; the cancel is consumed when the call reaches a suspension (it
// returns cancelled, or it parks on the way back, as Condition.wait
// re-acquiring its lock does) and stays pending when it completes at once.
type pendingCancels struct {
	m       Model
	pending []bool // per task
}

// withPendingCancels wraps m when its dialect has pending cancels.
func withPendingCancels(m Model) Model {
	if !m.Dialect().asyncio() {
		return m
	}
	return &pendingCancels{m: m}
}

func (p *pendingCancels) Primitive() Primitive { return p.m.Primitive() }
func (p *pendingCancels) Dialect() Dialect     { return p.m.Dialect() }
func (p *pendingCancels) Status(t int) Status  { return p.m.Status(t) }
func (p *pendingCancels) Check() error         { return p.m.Check() }

func (p *pendingCancels) isPending(t int) bool { return t >= 0 && t < len(p.pending) && p.pending[t] }

func (p *pendingCancels) Key() string {
	k := p.m.Key()
	for t, on := range p.pending {
		if on {
			k += "|pend" + strconv.Itoa(t)
		}
	}
	return k
}

func (p *pendingCancels) String() string { return p.StringNamed(defaultName) }

// StringNamed is the model's description, with the pending cancels.
func (p *pendingCancels) StringNamed(name func(int) string) string {
	s := p.m.String()
	if d, ok := p.m.(interface {
		StringNamed(func(int) string) string
	}); ok {
		s = d.StringNamed(name)
	}
	var who []string
	for t, on := range p.pending {
		if on {
			who = append(who, name(t))
		}
	}
	if len(who) > 0 {
		s += "; cancel pending: " + strings.Join(who, " ")
	}
	return s
}

// Invoke: a call made with a done context, or while a cancel is pending,
// leaves the cancel pending if it completes at once and consumes it
// otherwise.
func (p *pendingCancels) Invoke(t int, op Op) []Outcome {
	eff := op
	if p.isPending(t) {
		eff.CtxDone = true
	}
	outs := p.m.Invoke(t, eff)
	for i, o := range outs {
		pend := eff.CtxDone && o.Done && o.Result.Err != Cancelled
		outs[i].Next = p.with(o.Next, t, pend)
	}
	return outs
}

func (p *pendingCancels) Cancel(t int) []Outcome { return p.wrap(p.m.Cancel(t)) }
func (p *pendingCancels) Resume(t int) []Outcome { return p.wrap(p.m.Resume(t)) }

// wrap carries the pending cancels over to outs' models.
func (p *pendingCancels) wrap(outs []Outcome) []Outcome {
	for i, o := range outs {
		outs[i].Next = &pendingCancels{m: o.Next, pending: p.pending}
	}
	return outs
}

// with is next with task t's cancel pending or not (the others' as in p).
func (p *pendingCancels) with(next Model, t int, pend bool) Model {
	if p.isPending(t) == pend {
		return &pendingCancels{m: next, pending: p.pending}
	}
	pending := slices.Clone(p.pending)
	for len(pending) <= t {
		pending = append(pending, false)
	}
	pending[t] = pend
	return &pendingCancels{m: next, pending: pending}
}
