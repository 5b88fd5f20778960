package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Semaphore and BoundedSemaphore are asyncio's (parameter "value": the
// initial value, and a BoundedSemaphore's bound).
const (
	Semaphore        Primitive = "semaphore"
	BoundedSemaphore Primitive = "boundedsemaphore"
)

// Value is the semaphores' value: an integer.
const Value Kind = "value"

// ReleasedTooOften: a BoundedSemaphore released above its bound
// (impl.ErrReleasedTooOften; asyncio: ValueError).
const ReleasedTooOften Err = "released-too-often"

var semaphoreDescriptor = Descriptor{
	Primitive: Semaphore,
	Ops:       semOps(nil),
	Params:    []Param{{Key: "value", Default: 1, Min: 0, Max: maxValue}},
	New:       func(d Dialect, p Params) Model { return newSemaphore(d, p["value"], false) },
}

var boundedSemaphoreDescriptor = Descriptor{
	Primitive: BoundedSemaphore,
	Ops:       semOps([]Err{ReleasedTooOften}),
	Params:    []Param{{Key: "value", Default: 1, Min: 0, Max: maxValue}},
	New:       func(d Dialect, p Params) Model { return newSemaphore(d, p["value"], true) },
}

func semOps(releaseErrs []Err) []OpSpec {
	return []OpSpec{
		{Kind: Acquire, Blocking: true},
		{Kind: TryAcquire, Bool: true},
		{Kind: Release, Errs: releaseErrs},
		{Kind: Locked, Bool: true},
		{Kind: Value, Int: true},
	}
}

// maxValue bounds a semaphore's initial value.
const maxValue = 1_000_000_000

// semModel is a Semaphore or BoundedSemaphore (specs/asyncio.md §5; G11,
// G12). Dialect asyncio-3.11 is the 3.10.8-3.12 hand-off algorithm with chain
// wake; asyncio-3.13 the same with batch wake and its cancel path; go is G11.
type semModel struct {
	d       Dialect
	bounded bool
	bound   int // the initial value (and, for BoundedSemaphore, the bound)
	// value: free permits not yet promised to anyone (§5 State). A GRANTED
	// slot carries a permit already subtracted from value.
	value int
	// held: successful acquisitions minus successful releases, as the model
	// sees them (§5 Conservation: value + #GRANTED + held == initial). It
	// can go negative for a plain Semaphore released more than acquired.
	held int
	q    fifo
}

func newSemaphore(d Dialect, v int, bounded bool) Model {
	return &semModel{d: d, bounded: bounded, bound: v, value: v}
}

func (m *semModel) Primitive() Primitive {
	if m.bounded {
		return BoundedSemaphore
	}
	return Semaphore
}

func (m *semModel) Dialect() Dialect { return m.d }

func (m *semModel) Key() string {
	var b strings.Builder
	b.WriteString(string(m.Primitive()))
	b.WriteByte('/')
	b.WriteString(string(m.d))
	b.WriteString("|b")
	b.WriteString(strconv.Itoa(m.bound))
	b.WriteString("v")
	b.WriteString(strconv.Itoa(m.value))
	b.WriteString("h")
	b.WriteString(strconv.Itoa(m.held))
	m.q.key(&b)
	return b.String()
}

func (m *semModel) String() string { return m.StringNamed(defaultName) }

func (m *semModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "value=%d", m.value)
	if m.bounded {
		fmt.Fprintf(&b, " (bound %d)", m.bound)
	}
	b.WriteString("; queue: ")
	m.q.describe(&b, name)
	return b.String()
}

func (m *semModel) Status(t int) Status {
	checkTask(t)
	if i := m.q.find(t); i >= 0 {
		return m.q[i].status()
	}
	return Idle
}

func (m *semModel) clone() *semModel { c := *m; return &c }

// locked is locked(): true iff acquire() would suspend.
func (m *semModel) locked() bool {
	if m.d == Go {
		// G11: value == 0 || anyone queued, where "queued" is a record not
		// yet granted (a granted waiter already has its permit, so a free
		// permit is not its: taking it is not barging). This keeps Locked
		// truthful (as G4 for Lock) and needs no chain wake: value > 0
		// never coexists with a waiting record in Go (see Check).
		return m.value == 0 || m.q.any(slot.isWaiting)
	}
	// §5 locked(): value == 0 or any slot that is not abandoned, WAITING or
	// GRANTED (probe S1: (1, True)).
	return m.value == 0 || m.q.any(slot.live)
}

// wakeUpNext is _wake_up_next: grant the first WAITING slot, which takes a
// permit from value (§5 release(); G11 hand-off: the permit goes directly to
// the waiter). It reports whether it granted anyone.
func (m *semModel) wakeUpNext() bool {
	q, n := m.q.grant(1)
	if n == 0 {
		return false
	}
	m.q = q
	m.value--
	return true
}

// batchWake is 3.13's finally clause: grant while value > 0 and a WAITING
// slot exists (§5 acquire() slow path, 3.13 batch wake).
func (m *semModel) batchWake() {
	for m.value > 0 && m.wakeUpNext() {
	}
}

func (m *semModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	switch op.Kind {
	case Acquire:
		if !m.locked() {
			// §5 acquire() fast path: only if not locked(); decrements
			// value. G11: value > 0 and nobody queued. §1.5 / G2: not a
			// cancellation point (probe E2).
			n := m.clone()
			n.value--
			n.held++
			return []Outcome{returned(n, errResult(OK))}
		}
		if op.CtxDone {
			if m.d == Go {
				// G2: would block with a done ctx: ctx.Err() at once, no
				// queueing, no side effect.
				return []Outcome{returned(m, errResult(Cancelled))}
			}
			// §1.4: the cancel is delivered at the first suspension: the
			// slot is appended and abandoned at once, and the cleanup runs
			// (collapsed into this step; in 3.13 it includes the batch wake).
			n := m.clone()
			n.q = n.q.push(slot{task: t, state: abandoned})
			return n.resumeAt(len(n.q) - 1)
		}
		// §5 acquire() slow path: append a WAITING slot and suspend.
		n := m.clone()
		n.q = n.q.push(slot{task: t})
		return []Outcome{parked(n)}
	case TryAcquire:
		// §11: Go's TryAcquire uses the fast-path predicate !locked().
		if m.locked() {
			return []Outcome{returned(m, boolResult(false))}
		}
		n := m.clone()
		n.value--
		n.held++
		return []Outcome{returned(n, boolResult(true))}
	case Release:
		if m.bounded {
			promised := m.q.count(slot.isGranted)
			if m.d == Go && m.value+promised >= m.bound {
				// G12: detected immediately: value + permits promised to
				// granted waiters already equals the bound; state unchanged.
				return []Outcome{returned(m, errResult(ReleasedTooOften))}
			}
			if m.d.asyncio() && m.value >= m.bound {
				// §5 BoundedSemaphore: ValueError iff value >= bound, no
				// state change. Promised permits do not count, so an extra
				// release during a grant window is accepted and a later
				// legitimate one fails (probe S6, deferred detection).
				return []Outcome{returned(m, errResult(ReleasedTooOften))}
			}
		}
		// §5 release(): value += 1, then the first WAITING slot is granted
		// (taking the permit back). G11: the same thing said as a hand-off.
		n := m.clone()
		n.held--
		n.value++
		n.wakeUpNext()
		return []Outcome{returned(n, errResult(OK))}
	case Locked:
		return []Outcome{returned(m, boolResult(m.locked()))}
	case Value:
		return []Outcome{returned(m, Result{Int: m.value})}
	}
	unsupported(m.Primitive(), op)
	return nil
}

func (m *semModel) Cancel(t int) []Outcome {
	checkTask(t)
	i := m.q.find(t)
	if i < 0 {
		return []Outcome{parked(m)} // G1: no call in flight
	}
	s, changed := m.q[i].cancelled(m.d)
	if !changed {
		return []Outcome{parked(m)}
	}
	n := m.clone()
	n.q = n.q.with(i, s)
	return []Outcome{parked(n)}
}

func (m *semModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	return m.clone().resumeAt(m.q.find(t))
}

// resumeAt runs the owner of the i-th slot until acquire() returns. m is a
// fresh copy that resumeAt may modify.
func (m *semModel) resumeAt(i int) []Outcome {
	s := m.q[i]
	m.q = m.q.without(i) // the owner removes its own slot (§1.2)
	if m.d == Go {
		switch {
		case s.state == waiting:
			// G3: cancelled, not granted: it removes itself, ctx.Err().
			return []Outcome{returned(m, errResult(Cancelled))}
		case !s.cancel:
			// G11: the permit was handed over; nothing to chain (value > 0
			// never coexists with a waiting record in Go).
			m.held++
			return []Outcome{returned(m, errResult(OK))}
		}
		// G3 / G11: granted then cancelled: keep the permit (nil), or return
		// ctx.Err() and pass it to the next waiter or back to value.
		keep := m.clone()
		keep.held++
		m.value++
		m.wakeUpNext()
		return outcomes(returned(keep, errResult(OK)), returned(m, errResult(Cancelled)))
	}
	cancelled := s.state == abandoned || s.cancel
	if s.state == granted && s.cancel {
		// §5 matrix, GRANTED before resuming: the permit is returned
		// (value += 1) (probe S3; test_acquire_no_hang) ...
		m.value++
		if m.d == Asyncio311 {
			// ... and 3.10.8-3.12 grant the first WAITING slot.
			m.wakeUpNext()
		}
	}
	if !cancelled {
		m.held++ // §5 slow path: a normal resume holds the permit
		if m.d == Asyncio311 && m.value > 0 {
			// §5, 3.10.8-3.12: if value > 0, grant one more WAITING slot
			// (chain wake; probe S5 [1,2,4,3]).
			m.wakeUpNext()
		}
	}
	if m.d == Asyncio313 {
		// §5, 3.13: the finally clause grants while value > 0, on every exit
		// (normal resume, WAITING-cancelled, GRANTED-cancelled; probe S5
		// [1,2,3,4]).
		m.batchWake()
	}
	// §5 matrix, WAITING (abandoned) in 3.11: the slot is removed and
	// CancelledError raised, nothing else.
	if cancelled {
		return []Outcome{returned(m, errResult(Cancelled))}
	}
	return []Outcome{returned(m, errResult(OK))}
}

func (m *semModel) Check() error {
	if err := checkSlots(m.d, map[string]fifo{"queue": m.q}, ""); err != nil {
		return err
	}
	if m.value < 0 {
		return fmt.Errorf("negative value %d", m.value)
	}
	grantedN := m.q.count(slot.isGranted)
	// §5 Conservation: value + #GRANTED + #holders == initial + net releases.
	if m.value+grantedN+m.held != m.bound {
		return fmt.Errorf("permits not conserved: value %d + granted %d + held %d != initial %d",
			m.value, grantedN, m.held, m.bound)
	}
	if m.d == Go {
		// G11 hand-off: a release grants a waiting record directly, so a
		// free permit never coexists with a waiting record (else a waiter
		// would be stranded, gh-90155).
		if m.value > 0 && m.q.any(slot.isWaiting) {
			return fmt.Errorf("value %d with a waiting slot (stranded waiter)", m.value)
		}
		if m.bounded && m.held < 0 {
			// G12: over-release is refused, so never more releases than
			// acquisitions.
			return fmt.Errorf("bounded semaphore released %d more times than acquired", -m.held)
		}
		return nil
	}
	// No "value <= bound" for asyncio's BoundedSemaphore: after an extra
	// release accepted during a grant window (deferred detection, probe S6),
	// cancelling the granted waiter returns its permit with value += 1 and no
	// bound check, so value can exceed the bound (3.11 and 3.13 alike).
	// §5 Invariant: a WAITING slot coexists with value > 0 only while the
	// owner of some GRANTED slot is scheduled (it will chain-grant).
	if m.value > 0 && m.q.any(slot.isWaiting) && grantedN == 0 {
		return fmt.Errorf("value %d with a waiting slot and no granted one (stranded waiter)", m.value)
	}
	return nil
}
