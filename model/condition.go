package model

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Condition is asyncio.Condition: Conditions sharing one Lock (parameter
// "conditions": how many).
const Condition Primitive = "condition"

// The operations of a Condition besides its Lock's and Wait.
const (
	WaitFor   Kind = "waitfor"   // wait_for(ctx, shared counter >= Arg)
	Notify    Kind = "notify"    // notify(Arg)
	NotifyAll Kind = "notifyall" // notify_all()
	Add       Kind = "add"       // shared counter += Arg; no synchronization of its own
)

var conditionDescriptor = Descriptor{
	Primitive: Condition,
	Ops: []OpSpec{
		{Kind: Acquire, Blocking: true},
		{Kind: TryAcquire, Bool: true},
		{Kind: Release, Errs: []Err{NotLocked}},
		{Kind: Locked, Bool: true},
		{Kind: Wait, Blocking: true, Scoped: true, Errs: []Err{NotLocked}},
		{Kind: WaitFor, Blocking: true, Scoped: true, Arg: "a threshold: waitfor K", Errs: []Err{NotLocked}},
		{Kind: Notify, Scoped: true, Arg: "a count: notify N", Errs: []Err{NotLocked}},
		{Kind: NotifyAll, Scoped: true, Errs: []Err{NotLocked}},
		{Kind: Add, Arg: "a delta: add N"},
	},
	Params: []Param{{Key: "conditions", Default: 1, Min: 1, Max: maxConditions}},
	Scopes: "conditions",
	New:    func(d Dialect, p Params) Model { return newCondition(d, p["conditions"]) },
}

// maxConditions bounds the Conditions sharing one Lock.
const maxConditions = 100

// condModel is one Lock shared by N Conditions (specs/asyncio.md §4,
// "Several Conditions sharing one Lock"; G6-G10), plus the shared counter
// that WaitFor's predicate reads and Add changes.
type condModel struct {
	d Dialect
	l lockCore // the shared Lock L: acquire/tryacquire/release/locked are L's (§4)
	// conds[c] is Condition c's own FIFO of notification slots (§4 State).
	conds   []fifo
	counter int
	// calls are the calls in flight, sorted by task: a task with a call in
	// flight has exactly one slot, in the queue its phase names.
	calls []cvCall
}

// phase says where a call in flight is parked.
type phase uint8

const (
	// phAcquire: a plain acquire() of L, slot in L's queue.
	phAcquire phase = iota + 1
	// phWait: a wait() (or one wait of a wait_for) waiting to be notified,
	// slot in its Condition's queue (§4 wait() step 3).
	phWait
	// phReacq: a wait() re-acquiring L after its wake, slot in L's queue
	// (§4 wait() step 5; G9).
	phReacq
	// phHold (Go only): a WaitFor between two turns of its loop: it has
	// re-acquired L and found the predicate false, and its next Wait(ctx)
	// has not released L yet. The task runs (Runnable), holding L: others
	// can see L locked meanwhile (G10). asyncio has no such window: wait()
	// releases L before its first suspension.
	phHold
	// phRelock (Go only): a wait() that returns ctx.Err() and has forwarded
	// its notification, and has not queued on L yet (G8: the forward may
	// take effect before the re-acquire begins, e.g. in a critical section
	// of its own). No slot; the task runs (Runnable); its next step is the
	// re-acquire (G9).
	phRelock
	// phForward (Go only): a wait() that returns ctx.Err() and has
	// re-acquired L, its notification not forwarded yet (G8: the forward
	// may take effect once L is held again, CPython 3.13's order). No slot;
	// the task runs (Runnable); its next step forwards and returns.
	phForward
)

type cvCall struct {
	task int
	op   Op // Kind Acquire, Wait or WaitFor (Cond, Arg); CtxDone cleared
	ph   phase
	// cancelled: the current wait() will end with Cancelled. Go: decided at
	// the first wake (G9: the call returns what its first wake decided).
	// asyncio: a CancelledError propagates from step 3-4 or was caught in
	// step 5 (§4 wait() steps 5-6, matrix).
	cancelled bool
	// ctxDone (Go WaitFor only): the call's ctx is done although the
	// current wait will return OK (a cancel that arrived during the
	// re-acquire, or a granted waiter that kept its grant): the loop's next
	// Wait(ctx) returns ctx.Err() at once (G10 with G7).
	ctxDone bool
	// fwd (Go only, phReacq): the wait will return ctx.Err() and forwards
	// its notification once it holds L again (phForward; G8).
	fwd bool
}

func newCondition(d Dialect, n int) Model {
	return &condModel{d: d, conds: make([]fifo, n)}
}

func (m *condModel) Primitive() Primitive { return Condition }
func (m *condModel) Dialect() Dialect     { return m.d }

func (m *condModel) clone() *condModel {
	c := *m
	c.conds = append([]fifo(nil), m.conds...) // the fifos themselves are copy-on-write
	c.calls = append([]cvCall(nil), m.calls...)
	return &c
}

func (m *condModel) callIndex(t int) int {
	i := sort.Search(len(m.calls), func(i int) bool { return m.calls[i].task >= t })
	if i < len(m.calls) && m.calls[i].task == t {
		return i
	}
	return -1
}

// setCall stores c (m must be a fresh copy).
func (m *condModel) setCall(c cvCall) {
	i := sort.Search(len(m.calls), func(i int) bool { return m.calls[i].task >= c.task })
	if i < len(m.calls) && m.calls[i].task == c.task {
		m.calls[i] = c
		return
	}
	m.calls = append(m.calls, cvCall{})
	copy(m.calls[i+1:], m.calls[i:])
	m.calls[i] = c
}

// dropCall forgets t's call (m must be a fresh copy).
func (m *condModel) dropCall(t int) {
	if i := m.callIndex(t); i >= 0 {
		m.calls = append(m.calls[:i:i], m.calls[i+1:]...)
	}
}

// queueOf returns the queue a call's slot is in.
func (m *condModel) queueOf(c cvCall) fifo {
	switch c.ph {
	case phWait:
		return m.conds[c.op.Cond]
	case phHold, phRelock, phForward:
		return nil
	}
	return m.l.q
}

func (m *condModel) Key() string {
	var b strings.Builder
	b.WriteString("condition/")
	b.WriteString(string(m.d))
	b.WriteByte('|')
	m.l.key(&b)
	b.WriteString("|n")
	b.WriteString(strconv.Itoa(m.counter))
	for _, q := range m.conds {
		b.WriteByte('|')
		q.key(&b)
	}
	b.WriteByte('|')
	for _, c := range m.calls {
		b.WriteString(string(c.op.Kind))
		b.WriteByte('.')
		for _, n := range [...]int{c.task, c.op.Cond, c.op.Arg, int(c.ph)} {
			b.WriteString(strconv.Itoa(n))
			b.WriteByte('.')
		}
		if c.cancelled {
			b.WriteByte('x')
		}
		if c.ctxDone {
			b.WriteByte('d')
		}
		if c.fwd {
			b.WriteByte('f')
		}
		b.WriteByte(';')
	}
	return b.String()
}

func (m *condModel) String() string { return m.StringNamed(defaultName) }

func (m *condModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "locked=%t; counter=%d; lock queue: ", m.l.locked, m.counter)
	m.l.q.describe(&b, name)
	for i, q := range m.conds {
		fmt.Fprintf(&b, "; c%d queue: ", i+1)
		q.describe(&b, name)
	}
	for _, c := range m.calls {
		if c.ph == phAcquire {
			continue // the lock queue says it all
		}
		fmt.Fprintf(&b, "; %s in c%d.%v", name(c.task), c.op.Cond+1, c.op.Kind)
		if c.op.Kind == WaitFor {
			fmt.Fprintf(&b, " %d", c.op.Arg)
		}
		switch c.ph {
		case phReacq:
			b.WriteString(" re-acquiring the lock")
		case phHold:
			b.WriteString(" holding the lock between waits")
		case phRelock:
			b.WriteString(" notification forwarded, about to re-acquire the lock")
		case phForward:
			b.WriteString(" lock re-acquired, about to forward its notification")
		}
		if c.cancelled {
			b.WriteString(", will return cancelled")
		}
		if c.ctxDone {
			b.WriteString(", ctx done")
		}
		if c.fwd {
			b.WriteString(", will forward its notification")
		}
	}
	return b.String()
}

func (m *condModel) Status(t int) Status {
	checkTask(t)
	i := m.callIndex(t)
	if i < 0 {
		return Idle
	}
	c := m.calls[i]
	if c.ph == phHold || c.ph == phRelock || c.ph == phForward {
		return Runnable // it is running, not parked
	}
	q := m.queueOf(c)
	return q[q.find(t)].status()
}

func (m *condModel) checkCond(op Op) {
	if op.Cond < 0 || op.Cond >= len(m.conds) {
		panic(fmt.Sprintf("model: condition c%d of %d", op.Cond+1, len(m.conds)))
	}
}

func (m *condModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	switch op.Kind {
	case Acquire:
		return m.acquire(t, op)
	case TryAcquire:
		// G4 / §11: TryAcquire uses L's fast-path rule.
		if m.l.fast(m.d) {
			n := m.clone()
			n.l = n.l.take()
			return []Outcome{returned(n, boolResult(true))}
		}
		return []Outcome{returned(m, boolResult(false))}
	case Release:
		n := m.clone()
		var err Err
		n.l, err = m.l.release(m.d) // §4: cond.release() is L.release() (§2, G4)
		return []Outcome{returned(n, errResult(err))}
	case Locked:
		// §4: locked() of every Condition is L's flag (probe C4).
		return []Outcome{returned(m, boolResult(m.l.locked))}
	case Add:
		// The shared counter wait_for's predicate reads; no synchronization
		// of its own (model.Add).
		n := m.clone()
		n.counter += op.Arg
		return []Outcome{returned(n, errResult(OK))}
	case Notify, NotifyAll:
		m.checkCond(op)
		if !m.l.locked {
			// §4 notify(): RuntimeError unless L.locked() (ownership not
			// checked, probe C5); G6: ErrNotLocked, no state change.
			return []Outcome{returned(m, errResult(NotLocked))}
		}
		n := m.clone()
		k := op.Arg
		if op.Kind == NotifyAll {
			k = len(m.conds[op.Cond]) // §4 notify_all() is notify(len(Q))
		}
		// §4 notify(n) / G8: grant the first n WAITING slots, skipping (and
		// not counting) granted and abandoned ones; n <= 0 nobody (C6).
		// Only this Condition's queue (C4). L is not touched.
		n.conds[op.Cond], _ = m.conds[op.Cond].grant(k)
		return []Outcome{returned(n, errResult(OK))}
	case Wait:
		m.checkCond(op)
		if !m.l.locked {
			// §4 wait() precondition: L.locked(), else RuntimeError with no
			// state change and no suspension; G6.
			return []Outcome{returned(m, errResult(NotLocked))}
		}
		if m.d == Go && op.CtxDone {
			// G7: with a done ctx at the call, ctx.Err() at once, lock still
			// held, no release (G2).
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		return m.clone().beginWait(cvCall{task: t, op: Op{Kind: Wait, Cond: op.Cond}}, op.CtxDone)
	case WaitFor:
		m.checkCond(op)
		c := cvCall{task: t, op: Op{Kind: WaitFor, Cond: op.Cond, Arg: op.Arg}}
		if m.d == Go {
			if !m.l.locked {
				// G6: WaitFor checks the lock before evaluating the
				// predicate.
				return []Outcome{returned(m, errResult(NotLocked))}
			}
			if m.counter >= op.Arg {
				// G10: pred() true: return at once (G2: a fast path).
				return []Outcome{returned(m, errResult(OK))}
			}
			if op.CtxDone {
				// G10 + G7: the first Wait(ctx) with a done ctx returns
				// ctx.Err() at once, lock held.
				return []Outcome{returned(m, errResult(Cancelled))}
			}
			return m.clone().beginWait(c, false)
		}
		if m.counter >= op.Arg {
			// §4 wait_for(): the first evaluation happens before any lock
			// check (test_wait_for_unacquired, probe C5); §1.5: a true
			// predicate is a fast path, not a cancellation point (E2).
			return []Outcome{returned(m, errResult(OK))}
		}
		if !m.l.locked {
			// §4 wait_for(): a falsy predicate without the lock makes the
			// following wait() raise RuntimeError (probe C5).
			return []Outcome{returned(m, errResult(NotLocked))}
		}
		return m.clone().beginWait(c, op.CtxDone)
	}
	unsupported(Condition, op)
	return nil
}

func (m *condModel) acquire(t int, op Op) []Outcome {
	if m.l.fast(m.d) {
		// §2 fast path (G4); §1.5 / G2: succeeds even with a done ctx (E2).
		n := m.clone()
		n.l = n.l.take()
		return []Outcome{returned(n, errResult(OK))}
	}
	c := cvCall{task: t, op: Op{Kind: Acquire}, ph: phAcquire}
	if op.CtxDone {
		if m.d == Go {
			// G2: would block with a done ctx: ctx.Err() at once, no
			// queueing, no side effect.
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		// §1.4: delivered at the first suspension: slot appended and
		// abandoned at once, cleanup collapsed into this step (§2 matrix).
		n := m.clone()
		n.l.q = n.l.q.push(slot{task: t, state: abandoned})
		n.setCall(c)
		return n.resumeAcquire(c)
	}
	// §2 slow path: append a WAITING slot to L's queue and suspend.
	n := m.clone()
	n.l.q = n.l.q.push(slot{task: t})
	n.setCall(c)
	return []Outcome{parked(n)}
}

// beginWait is wait() from its lock check on (the lock is locked): release L
// and wait on the Condition. cancelNow: asyncio, a cancel was requested
// before the call and lands at this first suspension. m is a fresh copy.
func (m *condModel) beginWait(c cvCall, cancelNow bool) []Outcome {
	// §4 wait() step 2: L.release(), which may grant L's head waiter
	// (specs/asyncio.md §2; Go G7: handing the lock to the lock's first waiter, G4).
	m.l, _ = m.l.release(m.d)
	c.ph = phWait
	c.cancelled = false
	m.setCall(c)
	if cancelNow {
		// §1.4: the pending cancel abandons the slot as the task suspends on
		// it; the owner runs at once (collapsed): §4 matrix row "while
		// waiting, not notified": remove the slot, re-acquire L, raise
		// (3.13: plus notify(1)).
		m.conds[c.op.Cond] = m.conds[c.op.Cond].push(slot{task: c.task, state: abandoned})
		return m.resumeWait(c)
	}
	// §4 wait() step 3 / G7: append a WAITING slot and suspend, atomically
	// with the release.
	m.conds[c.op.Cond] = m.conds[c.op.Cond].push(slot{task: c.task})
	return []Outcome{parked(m)}
}

func (m *condModel) Cancel(t int) []Outcome {
	checkTask(t)
	i := m.callIndex(t)
	if i < 0 {
		return []Outcome{parked(m)} // G1: no call in flight
	}
	c := m.calls[i]
	if c.ph == phRelock || c.ph == phForward {
		// Already on its way to return ctx.Err(): nothing changes.
		return []Outcome{parked(m)}
	}
	if c.ph == phHold {
		// G10 + G7: the cancel lands before the next Wait(ctx), which
		// then returns ctx.Err() at once.
		if c.ctxDone {
			return []Outcome{parked(m)}
		}
		n := m.clone()
		c.ctxDone = true
		n.setCall(c)
		return []Outcome{parked(n)}
	}
	if c.ph == phReacq && m.d == Go {
		// G9: the re-acquire is not cancellable: the waiter keeps its place
		// and the call returns what its first wake decided. The ctx is
		// done all the same, which a WaitFor's next loop turn sees (G10).
		if c.op.Kind != WaitFor || c.ctxDone || c.cancelled {
			return []Outcome{parked(m)}
		}
		n := m.clone()
		c.ctxDone = true
		n.setCall(c)
		return []Outcome{parked(n)}
	}
	// §1.4 / G3 on the call's slot: phAcquire (§2 matrix), phWait (§4 matrix
	// rows 1-2), asyncio phReacq (§4 matrix row 3: the cancel reaches the
	// inner L.acquire()).
	q := m.queueOf(c)
	j := q.find(t)
	s, changed := q[j].cancelled(m.d)
	if !changed {
		return []Outcome{parked(m)}
	}
	n := m.clone()
	if c.ph == phWait {
		n.conds[c.op.Cond] = q.with(j, s)
	} else {
		n.l.q = q.with(j, s)
	}
	return []Outcome{parked(n)}
}

func (m *condModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	c := m.calls[m.callIndex(t)]
	n := m.clone()
	switch c.ph {
	case phAcquire:
		return n.resumeAcquire(c)
	case phWait:
		return n.resumeWait(c)
	case phHold:
		return n.resumeHold(c)
	case phRelock:
		return n.reacquire(c)
	case phForward:
		// G8: the forward takes effect now, with L held again (or released
		// by someone else meanwhile), and the call returns ctx.Err() (G7).
		n.conds[c.op.Cond], _ = n.conds[c.op.Cond].grant(1)
		n.dropCall(c.task)
		return []Outcome{returned(n, errResult(Cancelled))}
	}
	return n.resumeReacq(c)
}

// resumeHold is the next Wait(ctx) of a Go WaitFor loop (G10), from its lock
// check on: NotLocked if someone released L meanwhile (G6), ctx.Err() at
// once with a done ctx (G7), otherwise release L and wait. m is a fresh copy.
func (m *condModel) resumeHold(c cvCall) []Outcome {
	switch {
	case !m.l.locked:
		m.dropCall(c.task)
		return []Outcome{returned(m, errResult(NotLocked))}
	case c.ctxDone:
		m.dropCall(c.task)
		return []Outcome{returned(m, errResult(Cancelled))}
	}
	c.ctxDone = false
	return m.beginWait(c, false)
}

// resumeAcquire ends a plain acquire() of L (§2; G3, G4). m is a fresh copy.
func (m *condModel) resumeAcquire(c cvCall) []Outcome {
	var os []Outcome
	for _, r := range m.l.resumeAcquire(m.d, m.l.q.find(c.task)) {
		n := m.clone()
		n.l = r.l
		n.dropCall(c.task)
		os = append(os, returned(n, errResult(r.err)))
	}
	return outcomes(os...)
}

// resumeWait runs a task parked in the wait phase (notified, cancelled or
// both). m is a fresh copy.
func (m *condModel) resumeWait(c cvCall) []Outcome {
	q := m.conds[c.op.Cond]
	i := q.find(c.task)
	s := q[i]
	m.conds[c.op.Cond] = q.without(i) // §4 wait() step 4: remove the slot
	if m.d == Go {
		switch {
		case s.state == waiting:
			// G3: cancelled, never notified: it removes itself; the call
			// returns ctx.Err() after re-acquiring (G7), and nothing is
			// forwarded: no spurious wakeup (G8, probe C3).
			c.cancelled = true
			return m.reacquire(c)
		case !s.cancel:
			// Notified (G8): re-acquire, then return nil (G9).
			return m.reacquire(c)
		}
		// G3: notified and cancelled: keep the notification and return nil
		// (after re-acquiring), or return ctx.Err() and forward the
		// notification to the next waiting waiter so none is lost (G8,
		// probe C1 / test_cancelled_wakeup).
		keep := m.clone()
		if c.op.Kind == WaitFor {
			c.ctxDone = true // G10: the next turn's Wait(ctx) sees the done ctx
		}
		os := keep.reacquire(c)
		c.ctxDone = false
		c.cancelled = true
		// G8 leaves open when the forward takes effect: now, before the
		// re-acquire (phRelock: the re-acquire is the task's next step, so
		// a forward and re-acquire in one step is this followed at once by
		// that step), or once L is held again (fwd, then phForward;
		// CPython 3.13's order).
		later := m.clone()
		fc := c
		fc.fwd = true
		os = append(os, later.reacquire(fc)...)
		m.conds[c.op.Cond], _ = m.conds[c.op.Cond].grant(1)
		c.ph = phRelock
		m.setCall(c)
		return outcomes(append(os, parked(m))...)
	}
	if s.state == abandoned || s.cancel {
		// §4 matrix rows 1-2: CancelledError propagates from the await,
		// after L is re-acquired. A notification this slot had consumed is
		// lost in 3.11 (gh-112202, probe C1) and forwarded by 3.13's
		// exception-time notify(1) once the lock is held (finish).
		c.cancelled = true
	}
	return m.reacquire(c)
}

// reacquire is §4 wait() step 5 (G9): L.acquire() through L's FIFO. m is a
// fresh copy.
func (m *condModel) reacquire(c cvCall) []Outcome {
	if m.l.fast(m.d) {
		// §2 fast path (G9: fast if unlocked and nobody queued). Barging by
		// a newcomer before this point is allowed (probe C7, G9).
		m.l = m.l.take()
		return m.finish(c)
	}
	// §4 step 5 / G9: queue behind whoever already waits on L (probe C2b
	// without cancel: ['W1','L']), as a WAITING slot at the tail. In Go it
	// is not cancellable (Cancel leaves it alone).
	c.ph = phReacq
	m.l.q = m.l.q.push(slot{task: c.task})
	m.setCall(c)
	return []Outcome{parked(m)}
}

// resumeReacq runs a task parked in the re-acquire phase. m is a fresh copy.
func (m *condModel) resumeReacq(c cvCall) []Outcome {
	i := m.l.q.find(c.task)
	s := m.l.q[i]
	m.l.q = m.l.q.without(i)
	if m.d == Go {
		// G9 / G4: the lock was handed over (locked stayed true); a
		// committed grant was counted when it was released meanwhile.
		if !s.committed {
			m.l.held++
		}
		return m.finish(c)
	}
	if s.state == granted && !s.cancel {
		// §2 slow path: granted and resumed: locked = True.
		m.l.locked = true
		m.l.held++
		return m.finish(c)
	}
	// §4 matrix row 3 (probes C2, C2b): L.acquire() raises CancelledError
	// after its own cleanup (§2 matrix: if L is unlocked, grant the head
	// WAITING slot); wait() catches it, remembers it, and calls acquire()
	// again, which appends a fresh slot at the TAIL (the task loses its
	// place) unless the fast path applies. Several cancels: all swallowed,
	// one CancelledError in the end.
	if !m.l.locked {
		m.l = m.l.wakeUpFirst()
	}
	c.cancelled = true
	return m.reacquire(c)
}

// finish is the end of one wait(), with L held again (§4 postcondition; G7),
// and the rest of a wait_for loop. m is a fresh copy.
func (m *condModel) finish(c cvCall) []Outcome {
	if c.fwd {
		// G8: the notification is forwarded now that L is held again, or
		// later, before the call returns: the task's next step.
		c.fwd = false
		c.ph = phForward
		m.setCall(c)
		return []Outcome{parked(m)}
	}
	if c.cancelled {
		if m.d == Asyncio313 {
			// §4, 3.13: wait() exiting with any exception performs
			// notify(1) on this Condition: the first WAITING slot is
			// granted whether or not this task was notified (forwarding,
			// probes C1/C2; spurious wakeup, probe C3).
			m.conds[c.op.Cond], _ = m.conds[c.op.Cond].grant(1)
		}
		// §4 matrix / G7, G9, G10: CancelledError (ctx.Err()) with L held;
		// wait_for propagates it.
		m.dropCall(c.task)
		return []Outcome{returned(m, errResult(Cancelled))}
	}
	if c.op.Kind == Wait || m.counter >= c.op.Arg {
		// §4 wait() step 7: return True; wait_for: pred() is now true (G10).
		m.dropCall(c.task)
		return []Outcome{returned(m, errResult(OK))}
	}
	// §4 wait_for / G10: pred() still false: wait() again.
	if m.d == Go {
		// G10: the loop evaluates pred() and calls Wait(ctx), whose lock
		// check, ctx check and release come after a scheduling point:
		// hold L until the task runs again (resumeHold).
		c.ph = phHold
		c.cancelled = false
		m.setCall(c)
		return []Outcome{parked(m)}
	}
	if c.ctxDone {
		// G10 + G7: Wait(ctx) with a done ctx returns ctx.Err() at once,
		// lock held, no release.
		m.dropCall(c.task)
		return []Outcome{returned(m, errResult(Cancelled))}
	}
	if !m.l.locked {
		// §4 wait() precondition / G6, G10 ("an error from Wait is
		// returned"). Reachable only in Go, after someone else released
		// the lock this task was handed before it resumed.
		m.dropCall(c.task)
		return []Outcome{returned(m, errResult(NotLocked))}
	}
	return m.beginWait(c, false)
}

func (m *condModel) Check() error {
	qs := map[string]fifo{"lock queue": m.l.q}
	for i, q := range m.conds {
		qs["c"+strconv.Itoa(i+1)+" queue"] = q
	}
	if err := checkSlots(m.d, qs, "lock queue"); err != nil {
		return err
	}
	if err := m.l.check(m.d); err != nil {
		return err
	}
	// Every call in flight has exactly one slot, in the queue its phase
	// names; every slot belongs to a call in flight.
	slots, holding := len(m.l.q), 0
	for _, q := range m.conds {
		slots += len(q)
	}
	for _, c := range m.calls {
		if c.ph == phHold || c.ph == phRelock || c.ph == phForward {
			holding++
		}
	}
	if slots != len(m.calls)-holding {
		return fmt.Errorf("%d slots for %d parked calls in flight", slots, len(m.calls)-holding)
	}
	for i, c := range m.calls {
		if i > 0 && m.calls[i-1].task >= c.task {
			return fmt.Errorf("calls out of order")
		}
		if c.op.Cond < 0 || c.op.Cond >= len(m.conds) {
			return fmt.Errorf("T%d waits on condition c%d of %d", c.task, c.op.Cond+1, len(m.conds))
		}
		if c.fwd && (m.d != Go || c.ph != phReacq || !c.cancelled) {
			return fmt.Errorf("T%d: a pending forward where it means nothing", c.task)
		}
		if c.ph == phHold {
			if m.d != Go || c.op.Kind != WaitFor || c.cancelled {
				return fmt.Errorf("T%d: holding the lock between waits, but not a go WaitFor", c.task)
			}
			continue
		}
		if c.ph == phRelock || c.ph == phForward {
			if m.d != Go || !c.cancelled || c.ctxDone {
				return fmt.Errorf("T%d: forwarding a notification, but not a cancelled go wait", c.task)
			}
			continue
		}
		q := m.queueOf(c)
		j := q.find(c.task)
		if j < 0 {
			return fmt.Errorf("T%d (%v, phase %d) has no slot where its phase says", c.task, c.op.Kind, c.ph)
		}
		if c.ph == phReacq && m.d == Go && q[j].cancel {
			return fmt.Errorf("T%d: cancel pending on a re-acquire (G9: not cancellable)", c.task)
		}
		if c.ph == phWait && q[j].committed {
			return fmt.Errorf("T%d: committed notification", c.task)
		}
		if c.ctxDone && (m.d != Go || c.op.Kind != WaitFor || c.cancelled) {
			return fmt.Errorf("T%d: ctx-done mark where it means nothing", c.task)
		}
		if c.ph == phAcquire && (c.cancelled || c.op.Kind != Acquire) {
			return fmt.Errorf("T%d: plain acquire with wait state", c.task)
		}
	}
	return nil
}
