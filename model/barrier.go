package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Barrier is asyncio.Barrier (Python 3.11+; parameter "parties").
const Barrier Primitive = "barrier"

// The operations of a Barrier besides Wait (wait(ctx): this party's index
// in its cycle, an integer).
const (
	Reset    Kind = "reset"   // release the waiting parties broken, refill
	Abort    Kind = "abort"   // break the barrier
	Broken   Kind = "broken"  // whether it is broken: true or false
	NWaiting Kind = "waiting" // the parties waiting in the cycle (asyncio's n_waiting)
)

// BrokenBarrier: the barrier is broken, or was reset or aborted while the
// call waited (impl.ErrBrokenBarrier; asyncio: BrokenBarrierError).
const BrokenBarrier Err = "broken-barrier"

// maxParties bounds a barrier's parties.
const maxParties = 1_000_000

var barrierDescriptor = Descriptor{
	Primitive: Barrier,
	Ops: []OpSpec{
		{Kind: Wait, Blocking: true, Int: true, Errs: []Err{BrokenBarrier}},
		{Kind: Reset},
		{Kind: Abort},
		{Kind: Broken, Bool: true},
		{Kind: NWaiting, Int: true},
	},
	Params: []Param{{Key: "parties", Default: 2, Min: 1, Max: maxParties}},
	New:    func(d Dialect, p Params) Model { return &barrierModel{d: d, parties: p["parties"]} },
}

// bphase is a barrier's phase (specs/asyncio.md §7). The go dialect uses
// filling and broken only (G17: no draining, no resetting).
type bphase uint8

const (
	bFilling bphase = iota
	bDraining
	bResetting
	bBroken
)

func (p bphase) String() string {
	return [...]string{"filling", "draining", "resetting", "broken"}[p]
}

// barrierModel is a Barrier: specs/asyncio.md §7 for the asyncio dialects
// (3.11 and 3.13 alike), G17-G19 for go.
//
// q holds the slot of every parked Wait, in the order they parked. In the
// asyncio dialects it is the queue of the barrier's internal Condition C:
// its lock never contends (every holder releases it before suspending), so
// each step of a call is one atomic transition, notify_all grants every
// WAITING slot, and a granted waiter re-checks its wait_for predicate when
// it resumes. In go it is the current cycle (WAITING slots, in arrival
// order) and the released or broken parties that have not run (GRANTED).
type barrierModel struct {
	d       Dialect
	parties int
	ph      bphase
	// count (asyncio): the parties inside wait() past the entry gate that
	// have not left (§7 State), including a cancelled one that has not run
	// its cleanup yet.
	count int
	q     fifo
	// calls describes each parked Wait, by task (sorted).
	calls []bcall
}

// bcall is what a barrier model knows about one parked Wait.
type bcall struct {
	task int
	// gate (asyncio): parked at the entry gate (§7 step 1), not counted;
	// otherwise it passed the gate and waits in its cycle (step 3).
	gate bool
	// idx: asyncio, count at entry (step 2); go, the index assigned at the
	// trip (G18).
	idx int
	// broke (go): granted by Reset or Abort, so it returns BrokenBarrier.
	broke bool
}

func (m *barrierModel) Primitive() Primitive { return Barrier }
func (m *barrierModel) Dialect() Dialect     { return m.d }

func (m *barrierModel) Key() string {
	var b strings.Builder
	b.WriteString("barrier/")
	b.WriteString(string(m.d))
	b.WriteString("|p")
	b.WriteString(strconv.Itoa(m.parties))
	b.WriteByte('|')
	b.WriteString(m.ph.String())
	b.WriteString("|c")
	b.WriteString(strconv.Itoa(m.count))
	m.q.key(&b)
	for _, c := range m.calls {
		fmt.Fprintf(&b, "|%d:%t:%d:%t", c.task, c.gate, c.idx, c.broke)
	}
	return b.String()
}

func (m *barrierModel) String() string { return m.StringNamed(defaultName) }

func (m *barrierModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	if m.d == Go {
		fmt.Fprintf(&b, "parties=%d broken=%t waiting=%d; parked:", m.parties, m.ph == bBroken, m.waitingGo())
	} else {
		fmt.Fprintf(&b, "parties=%d phase=%s count=%d; parked:", m.parties, m.ph, m.count)
	}
	if len(m.q) == 0 {
		b.WriteString(" none")
	}
	for _, s := range m.q {
		b.WriteByte(' ')
		s.describe(&b, name)
		c := m.call(s.task)
		switch {
		case c.gate:
			b.WriteString("@gate")
		case c.broke:
			b.WriteString("->broken")
		case m.d == Go && s.isWaiting():
			b.WriteString("@cycle")
		default:
			fmt.Fprintf(&b, "#%d", c.idx)
		}
	}
	return b.String()
}

func (m *barrierModel) Status(t int) Status {
	checkTask(t)
	if i := m.q.find(t); i >= 0 {
		return m.q[i].status()
	}
	return Idle
}

func (m *barrierModel) clone() *barrierModel {
	c := *m
	return &c
}

// call returns task t's parked Wait (the zero bcall if none).
func (m *barrierModel) call(t int) bcall {
	if i := slices.IndexFunc(m.calls, func(c bcall) bool { return c.task == t }); i >= 0 {
		return m.calls[i]
	}
	return bcall{task: t}
}

// setCall records c, replacing the task's record if any (copy-on-write).
func (m *barrierModel) setCall(c bcall) {
	calls := slices.Clone(m.calls)
	if i := slices.IndexFunc(calls, func(x bcall) bool { return x.task == c.task }); i >= 0 {
		calls[i] = c
	} else {
		calls = append(calls, c)
		slices.SortFunc(calls, func(a, b bcall) int { return a.task - b.task })
	}
	m.calls = calls
}

// park appends a WAITING slot for c's task and records c.
func (m *barrierModel) park(c bcall) {
	m.q = m.q.push(slot{task: c.task})
	m.setCall(c)
}

// leave removes task t's slot and record (the owner removes its own slot
// when it runs, §1.2).
func (m *barrierModel) leave(t int) {
	m.q = m.q.without(m.q.find(t))
	m.calls = slices.DeleteFunc(slices.Clone(m.calls), func(c bcall) bool { return c.task == t })
}

// notifyAll is C.notify_all(): every WAITING slot is granted.
func (m *barrierModel) notifyAll() { m.q, _ = m.q.grant(len(m.q)) }

// waitingGo is the go dialect's Waiting(): the parties waiting in the
// current cycle, a cancelled one counted until it runs (G3, G18).
func (m *barrierModel) waitingGo() int { return m.q.count(slot.isWaiting) }

func intResult(n int) Result { return Result{Int: n} }

func (m *barrierModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	switch op.Kind {
	case Wait:
		if m.d == Go {
			return m.waitGo(t, op)
		}
		return m.waitAsyncio(t, op)
	case Reset:
		n := m.clone()
		if m.d == Go {
			// G19: the waiting parties leave broken; filling, not broken.
			n.breakCycle()
			n.ph = bFilling
			return []Outcome{returned(n, errResult(OK))}
		}
		// §7 reset(): resetting while anyone is counted, else filling
		// (which repairs a broken barrier); notify_all.
		if n.count > 0 {
			n.ph = bResetting
		} else {
			n.ph = bFilling
		}
		n.notifyAll()
		return []Outcome{returned(n, errResult(OK))}
	case Abort:
		n := m.clone()
		if m.d == Go {
			// G19: broken; the waiting parties leave broken.
			n.breakCycle()
		} else {
			n.notifyAll() // §7 abort()
		}
		n.ph = bBroken
		return []Outcome{returned(n, errResult(OK))}
	case Broken:
		return []Outcome{returned(m, boolResult(m.ph == bBroken))}
	case NWaiting:
		if m.d == Go {
			return []Outcome{returned(m, intResult(m.waitingGo()))}
		}
		// §7 n_waiting: count while filling, otherwise 0.
		if m.ph != bFilling {
			return []Outcome{returned(m, intResult(0))}
		}
		return []Outcome{returned(m, intResult(m.count))}
	}
	unsupported(Barrier, op)
	return nil
}

// waitGo is Wait in the go dialect (G17, G18).
func (m *barrierModel) waitGo(t int, op Op) []Outcome {
	if m.ph == bBroken {
		return []Outcome{returned(m, errResult(BrokenBarrier))}
	}
	if m.waitingGo()+1 == m.parties {
		// G17/G18: this Wait trips the barrier, even with a done ctx (G2):
		// the waiting parties are released with indices in arrival order,
		// and it gets parties-1.
		n := m.clone()
		k := 0
		for i, s := range n.q {
			if s.isWaiting() {
				c := n.call(s.task)
				c.idx = k
				n.setCall(c)
				n.q = n.q.with(i, slot{task: s.task, state: granted, cancel: s.cancel})
				k++
			}
		}
		return []Outcome{returned(n, intResult(m.parties-1))}
	}
	if op.CtxDone {
		// G2: would block with a done ctx: ctx.Err() at once, no trace.
		return []Outcome{returned(m, errResult(Cancelled))}
	}
	n := m.clone()
	n.park(bcall{task: t})
	return []Outcome{parked(n)}
}

// breakCycle (go) grants every waiting party with BrokenBarrier (G19).
func (m *barrierModel) breakCycle() {
	for i, s := range m.q {
		if s.isWaiting() {
			c := m.call(s.task)
			c.broke = true
			m.setCall(c)
			m.q = m.q.with(i, slot{task: s.task, state: granted, cancel: s.cancel})
		}
	}
}

// waitAsyncio is wait() in the asyncio dialects, from its entry gate (§7
// steps 0-1: C's lock is free, so taking it does not suspend).
func (m *barrierModel) waitAsyncio(t int, op Op) []Outcome {
	n := m.clone()
	if n.ph == bDraining || n.ph == bResetting {
		// Step 1: C.wait_for(phase not in {draining, resetting}) suspends.
		if op.CtxDone {
			// §1.4: the pending cancel lands at this first suspension: the
			// slot is abandoned at once and the cleanup (remove it, raise)
			// runs, collapsed into this step; the barrier is untouched.
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		n.park(bcall{task: t, gate: true})
		return []Outcome{parked(n)}
	}
	return n.enter(t, op.CtxDone)
}

// enter is wait() past the gate's predicate (§7 step 1's broken check,
// then steps 2-5), for task t; n is a fresh copy it may modify. ctxDone:
// a cancel is pending and fires at the first suspension.
func (n *barrierModel) enter(t int, ctxDone bool) []Outcome {
	if n.ph == bBroken {
		// Step 1: BrokenBarrierError, count untouched.
		return []Outcome{returned(n, errResult(BrokenBarrier))}
	}
	// Step 2: idx = count; count += 1.
	idx := n.count
	n.count++
	if n.count == n.parties {
		// Step 3: this task trips the barrier without suspending: draining,
		// notify_all; then step 4 for itself.
		n.ph = bDraining
		n.notifyAll()
		n.exit()
		return []Outcome{returned(n, intResult(idx))}
	}
	if ctxDone {
		// Step 3 suspends in C.wait_for(phase != filling): the pending
		// cancel lands there (§1.4; collapsed as at the gate), and step 4
		// runs: count -= 1.
		n.exit()
		return []Outcome{returned(n, errResult(Cancelled))}
	}
	n.park(bcall{task: t, idx: idx})
	return []Outcome{parked(n)}
}

// exit is §7 step 4 (asyncio): count -= 1; at 0, draining or resetting
// becomes filling, and notify_all.
func (n *barrierModel) exit() {
	n.count--
	if n.count == 0 {
		if n.ph == bDraining || n.ph == bResetting {
			n.ph = bFilling
		}
		n.notifyAll()
	}
}

func (m *barrierModel) Cancel(t int) []Outcome {
	checkTask(t)
	i := m.q.find(t)
	if i < 0 {
		return []Outcome{parked(m)} // G1: no call in flight
	}
	if m.d == Go && m.q[i].isGranted() {
		// G18/G19: released (or sent away broken) already: the outcome is
		// decided, the cancel changes nothing.
		return []Outcome{parked(m)}
	}
	s, changed := m.q[i].cancelled(m.d)
	if !changed {
		return []Outcome{parked(m)}
	}
	n := m.clone()
	n.q = n.q.with(i, s)
	return []Outcome{parked(n)}
}

func (m *barrierModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	s := m.q[m.q.find(t)]
	c := m.call(t)
	n := m.clone()
	n.leave(t)
	if m.d == Go {
		switch {
		case s.isWaiting():
			// G18 / G3: cancelled while filling: it leaves the cycle.
			return []Outcome{returned(n, errResult(Cancelled))}
		case c.broke:
			return []Outcome{returned(n, errResult(BrokenBarrier))} // G19
		}
		// G18: released: its index, whatever ctx says.
		return []Outcome{returned(n, intResult(c.idx))}
	}
	if s.state == abandoned || s.cancel {
		// §1.4: CancelledError at `await fut` (abandoned while WAITING, or
		// granted and then cancelled: the cancel wins, probe B7); C.wait
		// removes the slot, takes the lock back and raises. A party past
		// the gate runs step 4 (probe B3); one at the gate leaves the
		// barrier untouched.
		if !c.gate {
			n.exit()
		}
		return []Outcome{returned(n, errResult(Cancelled))}
	}
	// Granted: C.wait returns; wait_for re-checks its predicate.
	if c.gate {
		if n.ph == bDraining || n.ph == bResetting {
			// Still closed: wait again, a fresh slot at the tail.
			n.park(c)
			return []Outcome{parked(n)}
		}
		return n.enter(t, false)
	}
	switch n.ph {
	case bFilling:
		n.park(c) // not tripped yet: wait again, at the tail
		return []Outcome{parked(n)}
	case bBroken, bResetting:
		// Step 3: BrokenBarrierError (probes B4, B5, B6), then step 4.
		n.exit()
		return []Outcome{returned(n, errResult(BrokenBarrier))}
	}
	// Draining: its index (count at entry), then step 4.
	n.exit()
	return []Outcome{returned(n, intResult(c.idx))}
}

func (m *barrierModel) Check() error {
	if err := checkSlots(m.d, map[string]fifo{"queue": m.q}, ""); err != nil {
		return err
	}
	if len(m.calls) != len(m.q) {
		return fmt.Errorf("%d parked slots but %d calls recorded", len(m.q), len(m.calls))
	}
	for _, s := range m.q {
		if !slices.ContainsFunc(m.calls, func(c bcall) bool { return c.task == s.task }) {
			return fmt.Errorf("T%d parked with no call recorded", s.task)
		}
	}
	if m.d == Go {
		if m.ph != bFilling && m.ph != bBroken {
			return fmt.Errorf("phase %s in the go dialect", m.ph)
		}
		if w := m.waitingGo(); w >= m.parties {
			return fmt.Errorf("%d parties waiting in a barrier of %d (it should have tripped)", w, m.parties)
		}
		if m.ph == bBroken && m.waitingGo() > 0 {
			return fmt.Errorf("a party waiting on a broken barrier")
		}
		for _, s := range m.q {
			c := m.call(s.task)
			if c.gate || m.count != 0 {
				return fmt.Errorf("asyncio state (gate, count) in the go dialect")
			}
			if s.isGranted() && !c.broke {
				if c.idx < 0 || c.idx >= m.parties-1 {
					return fmt.Errorf("T%d released with index %d in a barrier of %d", s.task, c.idx, m.parties)
				}
			}
		}
		return nil
	}
	counted := 0
	for _, c := range m.calls {
		if !c.gate {
			counted++
		}
	}
	if counted != m.count {
		return fmt.Errorf("count %d, but %d parked parties past the gate", m.count, counted)
	}
	if m.count >= m.parties {
		return fmt.Errorf("count %d in a barrier of %d", m.count, m.parties)
	}
	if m.count == 0 && (m.ph == bDraining || m.ph == bResetting) {
		return fmt.Errorf("phase %s with count 0 (step 4 should have refilled it)", m.ph)
	}
	for _, s := range m.q {
		if !s.isWaiting() {
			continue
		}
		c := m.call(s.task)
		if c.gate && m.ph != bDraining && m.ph != bResetting {
			// Every change that opens the gate notifies all.
			return fmt.Errorf("T%d waiting at an open gate (phase %s): lost wakeup", s.task, m.ph)
		}
		if !c.gate && m.ph != bFilling {
			return fmt.Errorf("T%d waiting in a cycle that is %s: lost wakeup", s.task, m.ph)
		}
	}
	return nil
}
