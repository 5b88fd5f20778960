package judge

import (
	"fmt"
	"strings"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

// The invariant judge reads the history directly, without the model's
// search, so it is cheap and its messages are exact. Every check is a
// bound that holds in EVERY linearization: an acquisition counts from its
// return (it certainly happened by then), a release from its call (it may
// have happened as early as that). A count past the bound therefore breaks
// the invariant whatever the linearization, and no correct execution can
// trip it, hand-offs and committed grants (G4) included: a release by
// another task only lowers the count early.
//
//   - Lock, and the Lock of a Condition: at most one holder. Acquisitions:
//     acquire -> ok, tryacquire -> true, wait/waitfor -> ok|cancelled (G7:
//     they return with the lock held). Releases: release -> ok (or in
//     flight), the release inside wait/waitfor (from the call; not for a
//     wait -> not-locked, which released nothing).
//   - Semaphore, BoundedSemaphore: at most value holders.
//   - BoundedSemaphore (go dialect, G12): successful releases never
//     outnumber the acquisitions that may have happened (value <= bound).
//   - Condition: waits that returned ok never outnumber the waiters the
//     notifications sent so far could wake (notify n: n; notifyall: the
//     waits in flight during it; asyncio-3.13 also forwards one per wait
//     that did not return ok).

type holder struct {
	task, at int
	op       model.Op
}

// holders is the bounded count of holders: the acquisitions not matched by
// a release yet, and the releases not matched by an acquisition (debt).
type holders struct {
	list []holder
	debt int
}

func (h *holders) acquire(x holder) {
	if h.debt > 0 {
		h.debt--
		return
	}
	h.list = append(h.list, x)
}

// release drops the releasing task's own hold if it has one, else the
// oldest (locks and semaphores have no owner, specs/asyncio.md §1.6).
func (h *holders) release(task int) {
	if len(h.list) == 0 {
		h.debt++
		return
	}
	i := 0
	for j, x := range h.list {
		if x.task == task {
			i = j
			break
		}
	}
	h.list = append(h.list[:i], h.list[i+1:]...)
}

func (p *prepared) invariants() Verdict {
	v := Verdict{Property: Invariant, At: -1}
	s := p.newInvState()
	for i, e := range p.in.History {
		k := p.evCall[i]
		if k < 0 || e.Kind == history.Cancel {
			continue
		}
		c := &p.calls[k]
		switch e.Kind {
		case history.Call:
			s.called(c)
		case history.Return:
			if f, failed := s.returned(v, i, c); failed {
				return f
			}
		}
	}
	if check := p.in.Invariants.Check; check != nil {
		if at, msg := check(p.in.History, p.in.Params, p.in.Dialect, p.name); at >= 0 {
			v.Status, v.At, v.Message = Fail, at, msg
			return v
		}
	}
	v.Status = Pass
	return v
}

// invState is what the invariants count along the history.
type invState struct {
	p                   *prepared
	held, bounded, cond bool
	limit               int // held: the most holders at once
	h                   holders
	relOK               int // bounded: successful releases returned
	acqLive             int // bounded: acquisitions called, in flight or successful
	okWaits, wakes      []int
}

func (p *prepared) newInvState() *invState {
	in := p.in
	s := &invState{
		p:       p,
		held:    in.Invariants.Holders != nil,
		bounded: in.Invariants.BoundedReleases && in.Dialect == model.Go,
		cond:    in.Invariants.Condition,
		okWaits: make([]int, p.conds),
		wakes:   make([]int, p.conds),
	}
	if s.held {
		s.limit = in.Invariants.Holders(in.Params)
	}
	return s
}

// called counts call c at its start: a release may have happened from
// then on (so may a wait's release of the lock), a notification may have
// been sent, an acquisition may happen.
func (s *invState) called(c *call) {
	op := c.op
	success := !c.open() && c.res.Err == model.OK
	switch op.Kind {
	case model.Release:
		if s.held && (c.open() || c.res.Err == model.OK) {
			s.h.release(c.task)
		}
	case model.Wait, model.WaitFor:
		if s.cond && (c.open() || c.res.Err != model.NotLocked || op.Kind == model.WaitFor) {
			s.h.release(c.task)
		}
		if s.cond && s.p.in.Dialect == model.Asyncio313 && !success {
			s.wakes[op.Cond]++ // 3.13 forwards notify(1) on any exception
		}
	case model.Notify:
		if c.open() || c.res.Err == model.OK {
			s.wakes[op.Cond] += max(op.Arg, 0)
		}
	case model.NotifyAll:
		if c.open() || c.res.Err == model.OK {
			s.wakes[op.Cond] += s.p.waitsDuring(c)
		}
	case model.Acquire, model.TryAcquire:
		s.acqLive++
	}
}

// returned counts call c's return at event i: an acquisition certainly
// happened by then. It returns the verdict v failed, and true, when a bound
// is broken.
func (s *invState) returned(v Verdict, i int, c *call) (Verdict, bool) {
	p, op := s.p, c.op
	success := !c.open() && c.res.Err == model.OK
	acquired := false
	switch op.Kind {
	case model.Acquire:
		acquired = success
	case model.TryAcquire:
		acquired = success && c.res.Bool
	case model.Wait, model.WaitFor:
		acquired = s.cond && (c.res.Err == model.OK || c.res.Err == model.Cancelled)
	}
	if (op.Kind == model.Acquire || op.Kind == model.TryAcquire) && !acquired {
		s.acqLive--
	}
	if acquired && s.held {
		s.h.acquire(holder{task: c.task, at: i, op: op})
		if len(s.h.list) > s.limit {
			return p.tooManyHolders(v, s.h.list, s.limit, i), true
		}
	}
	if s.bounded && op.Kind == model.Release && success {
		s.relOK++
	}
	if s.bounded && s.relOK > s.acqLive {
		v.Status, v.At = Fail, i
		v.Message = fmt.Sprintf("%s's release returned ok at %s, the %s successful release, but at most %d acquisitions could have happened by then: the value exceeds its bound %d (a permit was created)",
			p.name(c.task), step(i), ordinal(s.relOK), s.acqLive, s.limit)
		if op.Kind != model.Release {
			v.Message = fmt.Sprintf("%s's %s returned %s at %s, which leaves %d successful releases against at most %d acquisitions: the value exceeds its bound %d (a permit was created)",
				p.name(c.task), p.opName(op), p.resultName(op, c.res), step(i), s.relOK, s.acqLive, s.limit)
		}
		v.Expected = "released-too-often"
		return v, true
	}
	if s.cond && op.Kind == model.Wait && success {
		s.okWaits[op.Cond]++
		if s.okWaits[op.Cond] > s.wakes[op.Cond] {
			v.Status, v.At = Fail, i
			cname := ""
			if p.conds > 1 {
				cname = fmt.Sprintf(" on c%d", op.Cond+1)
			}
			v.Message = fmt.Sprintf("%s's %s returned ok at %s, the %s wait%s to return ok, but the notifications sent so far can wake at most %d: a notification was consumed twice, or a waiter woke without one",
				p.name(c.task), p.opName(op), step(i), ordinal(s.okWaits[op.Cond]), cname, s.wakes[op.Cond])
			v.Expected = p.name(c.task) + " stays parked until it is notified"
			return v, true
		}
	}
	return v, false
}

// waitsDuring counts the waits on c's Condition in flight at some point of
// c's interval: at most that many can be granted by a notifyall.
func (p *prepared) waitsDuring(c *call) int {
	n := 0
	for k := range p.calls {
		w := &p.calls[k]
		if (w.op.Kind != model.Wait && w.op.Kind != model.WaitFor) || w.op.Cond != c.op.Cond || w.task == c.task {
			continue
		}
		if (c.open() || w.callAt < c.retAt) && (w.open() || w.retAt > c.callAt) {
			n++
		}
	}
	return n
}

func (p *prepared) tooManyHolders(v Verdict, list []holder, limit, i int) Verdict {
	last := list[len(list)-1]
	prev := list[:len(list)-1]
	v.Status, v.At = Fail, i
	var who []string
	for _, x := range prev {
		xc := &p.calls[p.evCall[x.at]]
		who = append(who, fmt.Sprintf("%s (%s -> %s at %s)", p.name(x.task), p.opName(x.op), p.resultName(xc.op, xc.res), step(x.at)))
	}
	lc := &p.calls[p.evCall[i]]
	got := p.resultName(lc.op, lc.res)
	if p.in.Invariants.Permits {
		v.Message = fmt.Sprintf("%d holders of a semaphore of value %d: %s's %s returned %s at %s while %s still held the permits, with no release called since",
			len(list), limit, p.name(last.task), p.opName(last.op), got, step(i), strings.Join(who, ", "))
		v.Expected = p.name(last.task) + "'s " + p.opName(last.op) + " blocks until a permit is released"
		if last.op.Kind == model.TryAcquire {
			v.Expected = p.name(last.task) + "'s tryacquire returns false"
		}
		return v
	}
	v.Message = fmt.Sprintf("two holders of the lock: %s's %s returned %s at %s while %s still held it, with no release called since",
		p.name(last.task), p.opName(last.op), got, step(i), strings.Join(who, ", "))
	switch last.op.Kind {
	case model.TryAcquire:
		v.Expected = p.name(last.task) + "'s tryacquire returns false"
	default:
		v.Expected = p.name(last.task) + "'s " + p.opName(last.op) + " blocks until the lock is released"
	}
	return v
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprint(n) + suffix
}
