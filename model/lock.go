package model

import (
	"fmt"
	"strconv"
	"strings"
)

// lockCore is a Lock's state (specs/asyncio.md §2): the flag, the FIFO of
// slots, and held, the number of holders as the model counts them
// (successful acquisitions minus releases), kept only to state invariants in
// Check. A Lock model is one lockCore; a Condition program is one lockCore
// shared by its Conditions (§4).
type lockCore struct {
	locked bool
	q      fifo
	held   int
}

// fast reports whether acquire() completes at once, without suspending.
func (l lockCore) fast(d Dialect) bool {
	if d == Go {
		// G4: not locked and nobody queued. A granted waiter owns the lock
		// (hand-off), so the flag alone tells; the queue test is the
		// fast-path rule of specs/asyncio.md (§2, §11 TryLock).
		return !l.locked && !l.q.any(slot.isWaiting)
	}
	// §2 fast path: not locked and every slot in Q abandoned (or Q empty);
	// abandoned slots are skipped over (probe L4).
	return !l.locked && !l.q.any(slot.live)
}

// take is a successful fast-path acquisition.
func (l lockCore) take() lockCore {
	l.locked = true // §2 acquire() fast path: locked = True
	l.held++
	return l
}

// handOff is Go's "give the lock to the next waiter, or back": the first
// WAITING slot is granted and the lock stays locked (G4 hand-off), else it is
// unlocked. Release uses it, and so does a granted waiter that returns
// ctx.Err() and passes the grant on (G3).
func (l lockCore) handOff() lockCore {
	q, n := l.q.grant(1)
	l.q = q
	if n == 0 {
		l.locked = false
	}
	return l
}

// wakeUpFirst is asyncio's Lock._wake_up_first: grant the head slot if it is
// WAITING; an ABANDONED or GRANTED head gets nothing (§2 release, latency
// quirk, probe L3).
func (l lockCore) wakeUpFirst() lockCore {
	if len(l.q) > 0 && l.q[0].state == waiting {
		l.q = l.q.with(0, slot{task: l.q[0].task, state: granted})
	}
	return l
}

// release is release(): NotLocked with no state change when unlocked (§2
// release() when not locked: RuntimeError; G13), else the lock is released.
// Ownership is not checked (§1.6, G6).
func (l lockCore) release(d Dialect) (lockCore, Err) {
	if !l.locked {
		return l, NotLocked
	}
	if d == Go {
		// G4: while a grant is in flight the granted waiter holds the lock.
		// A release now (by anyone: no ownership, G6) releases that
		// waiter's hold: its acquisition has happened and cannot be undone
		// by a later cancel, so its grant is committed (its call will
		// return OK, G3's "keep the grant" branch being the only one still
		// linearizable), and the lock goes to the next waiter or back.
		if i := l.q.index(func(s slot) bool { return s.state == granted && !s.committed }); i >= 0 {
			l.q = l.q.with(i, slot{task: l.q[i].task, state: granted, committed: true})
			l.held++
		}
		l.held--
		return l.handOff(), OK // G4: hand-off to the first waiter, else unlock
	}
	// §2 release(): locked = False; the head is granted if it is WAITING; an
	// ABANDONED or GRANTED head: nothing else (probe L3).
	l.locked = false
	l.held--
	return l.wakeUpFirst(), OK
}

// lockResume is one way a parked acquire() can end: the lock after it, and
// the result.
type lockResume struct {
	l   lockCore
	err Err
}

// resumeAcquire runs the owner of the i-th slot, a parked acquire(), until
// the call returns. Go may allow two endings (G3).
func (l lockCore) resumeAcquire(d Dialect, i int) []lockResume {
	s := l.q[i]
	rest := l
	rest.q = l.q.without(i) // the owner removes its own slot (§1.2)
	if d == Go {
		switch {
		case s.state == waiting:
			// G3: cancelled and not granted: it removes itself and returns
			// ctx.Err(); nothing else happens.
			return []lockResume{{rest, Cancelled}}
		case s.committed:
			// The grant was consumed by a release meanwhile (release): OK,
			// its acquisition was counted then.
			return []lockResume{{rest, OK}}
		case !s.cancel:
			// G4: the lock was handed over; it stays locked, now held.
			rest.held++
			return []lockResume{{rest, OK}}
		}
		// G3: granted and cancelled: keep the grant and return nil, or
		// return ctx.Err() and pass the lock to the next waiter or back.
		keep := rest
		keep.held++
		return []lockResume{{keep, OK}, {rest.handOff(), Cancelled}}
	}
	if s.state == granted && !s.cancel {
		// §2 slow path: when granted and resumed it removes the slot and
		// sets locked = True. (No hand-off: the grant never set it, L1.)
		rest.locked = true
		rest.held++
		return []lockResume{{rest, OK}}
	}
	// §2 cancellation matrix, WAITING (abandoned) and GRANTED-before-resuming
	// rows: CancelledError, the slot is removed, and if the lock is unlocked
	// the head WAITING slot is granted (repairs a release that found an
	// abandoned head, L3; passes a grant on, L2).
	if !rest.locked {
		rest = rest.wakeUpFirst()
	}
	return []lockResume{{rest, Cancelled}}
}

// check states the Lock invariants (§2 Invariants; G4).
func (l lockCore) check(d Dialect) error {
	if l.held < 0 || l.held > 1 {
		return fmt.Errorf("%d holders of the lock", l.held)
	}
	grantedN := l.q.count(func(s slot) bool { return s.state == granted && !s.committed })
	if grantedN > 1 {
		return fmt.Errorf("%d granted lock slots", grantedN)
	}
	if d == Go {
		// G4: a granted waiter holds the lock, so locked iff exactly one of
		// a holder or a granted waiter.
		if l.held+grantedN > 1 {
			return fmt.Errorf("lock both held and granted (a second holder)")
		}
		if l.locked != (l.held+grantedN == 1) {
			return fmt.Errorf("locked=%t with %d holders and %d granted waiters", l.locked, l.held, grantedN)
		}
		// G4: a release with waiters hands the lock over, so nobody waits
		// on an unlocked lock.
		if !l.locked && l.q.any(slot.isWaiting) {
			return fmt.Errorf("unlocked lock with a waiting slot (lost hand-off)")
		}
		return nil
	}
	if l.locked != (l.held == 1) {
		return fmt.Errorf("locked=%t with %d holders", l.locked, l.held)
	}
	if grantedN == 1 {
		// §2: if a slot is GRANTED it is the head of Q and locked == False.
		if l.q[0].state != granted {
			return fmt.Errorf("granted lock slot is not the head")
		}
		if l.locked {
			return fmt.Errorf("granted lock slot while locked (a second holder)")
		}
	}
	// §2 progress: unlocked with a WAITING slot, then the head is GRANTED or
	// the owner of an ABANDONED slot will grant it in its cleanup.
	if !l.locked && l.q.any(slot.isWaiting) && grantedN == 0 && !l.q.any(func(s slot) bool { return s.state == abandoned }) {
		return fmt.Errorf("unlocked lock with waiters and nobody to wake them (lost wakeup)")
	}
	return nil
}

func (l lockCore) key(b *strings.Builder) {
	if l.locked {
		b.WriteString("L")
	} else {
		b.WriteString("U")
	}
	b.WriteString(strconv.Itoa(l.held))
	l.q.key(b)
}

// Lock is asyncio.Lock: a mutual-exclusion lock without an owner.
const Lock Primitive = "lock"

// The operations of a Lock (and of the Lock shared by Conditions, and,
// but Locked's meaning, of the semaphores).
const (
	Acquire    Kind = "acquire"    // acquire(ctx): blocks until the lock is granted
	TryAcquire Kind = "tryacquire" // take the lock if it is free and nobody queues: true or false
	Release    Kind = "release"    // release it (any task may)
	Locked     Kind = "locked"     // whether Acquire would block: true or false
)

// NotLocked: release, wait or notify without the lock held
// (impl.ErrNotLocked; asyncio: RuntimeError).
const NotLocked Err = "not-locked"

var lockDescriptor = Descriptor{
	Primitive: Lock,
	Ops: []OpSpec{
		{Kind: Acquire, Blocking: true},
		{Kind: TryAcquire, Bool: true},
		{Kind: Release, Errs: []Err{NotLocked}},
		{Kind: Locked, Bool: true},
	},
	New: func(d Dialect, _ Params) Model { return newLock(d) },
}

// lockModel is a Lock (§2; G4).
type lockModel struct {
	d Dialect
	l lockCore
}

func newLock(d Dialect) Model { return &lockModel{d: d} }

func (m *lockModel) Primitive() Primitive { return Lock }
func (m *lockModel) Dialect() Dialect     { return m.d }

func (m *lockModel) Key() string {
	var b strings.Builder
	b.WriteString("lock/")
	b.WriteString(string(m.d))
	b.WriteByte('|')
	m.l.key(&b)
	return b.String()
}

func (m *lockModel) String() string { return m.StringNamed(defaultName) }

func (m *lockModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "locked=%t; lock queue: ", m.l.locked)
	m.l.q.describe(&b, name)
	return b.String()
}

func (m *lockModel) Status(t int) Status {
	checkTask(t)
	if i := m.l.q.find(t); i >= 0 {
		return m.l.q[i].status()
	}
	return Idle
}

func (m *lockModel) with(l lockCore) *lockModel { return &lockModel{d: m.d, l: l} }

func (m *lockModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	switch op.Kind {
	case Acquire:
		return m.acquire(t, op)
	case TryAcquire:
		// G4 / §2 recommendation: TryAcquire uses the fast-path rule, not
		// !Locked().
		if m.l.fast(m.d) {
			return []Outcome{returned(m.with(m.l.take()), boolResult(true))}
		}
		return []Outcome{returned(m, boolResult(false))}
	case Release:
		l, err := m.l.release(m.d)
		return []Outcome{returned(m.with(l), errResult(err))}
	case Locked:
		// §2 locked(): the flag (False in a grant window, L1); G4: the flag
		// stays true while a grant is in flight.
		return []Outcome{returned(m, boolResult(m.l.locked))}
	}
	unsupported(Lock, op)
	return nil
}

func (m *lockModel) acquire(t int, op Op) []Outcome {
	if m.l.fast(m.d) {
		// §2 fast path; §1.5 / G2: not a cancellation point, so it succeeds
		// even with a done ctx (probe E2).
		return []Outcome{returned(m.with(m.l.take()), errResult(OK))}
	}
	if op.CtxDone {
		if m.d == Go {
			// G2: a call that would block with a done ctx returns ctx.Err()
			// at once, without queueing and without side effects.
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		// §1.4 with a cancel requested before the call: it is delivered at
		// the first suspension, so the slot is appended and abandoned at
		// once, and the cleanup runs (collapsed into this step).
		l := m.l
		l.q = l.q.push(slot{task: t, state: abandoned})
		return m.resumeAt(l, len(l.q)-1)
	}
	// §2 slow path: append a WAITING slot and suspend.
	l := m.l
	l.q = l.q.push(slot{task: t})
	return []Outcome{parked(m.with(l))}
}

func (m *lockModel) Cancel(t int) []Outcome {
	checkTask(t)
	i := m.l.q.find(t)
	if i < 0 {
		// G1 / Model.Cancel: no call in flight, nothing to cancel.
		return []Outcome{parked(m)}
	}
	s, changed := m.l.q[i].cancelled(m.d)
	if !changed {
		return []Outcome{parked(m)}
	}
	l := m.l
	l.q = l.q.with(i, s)
	return []Outcome{parked(m.with(l))}
}

func (m *lockModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	return m.resumeAt(m.l, m.l.q.find(t))
}

func (m *lockModel) resumeAt(l lockCore, i int) []Outcome {
	var os []Outcome
	for _, r := range l.resumeAcquire(m.d, i) {
		os = append(os, returned(m.with(r.l), errResult(r.err)))
	}
	return outcomes(os...)
}

func (m *lockModel) Check() error {
	if err := checkSlots(m.d, map[string]fifo{"lock queue": m.l.q}, "lock queue"); err != nil {
		return err
	}
	return m.l.check(m.d)
}
