package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Weighted is a weighted semaphore (golang.org/x/sync/semaphore.Weighted;
// parameter "size": the total weight). Its dialects are go (G20) and x/sync
// (x/sync v0.24.0 as its source behaves); the asyncio ones have none.
const Weighted Primitive = "weighted"

// The Weighted semaphore's operations. They are not acquire, tryacquire
// and release because those are a Lock's and a Semaphore's, written
// without an argument, and the scenario language writes a kind the same
// way in every primitive; the w names x/sync's methods one for one.
const (
	WAcquire    Kind = "wacquire"    // Acquire(ctx, N): blocks until N tokens fit (FIFO)
	WTryAcquire Kind = "wtryacquire" // TryAcquire(N): true if N tokens fit and nobody waits
	WRelease    Kind = "wrelease"    // Release(N): gives N tokens back
)

// maxWeight bounds a Weighted semaphore's size.
const maxWeight = 1_000_000_000

var weightedDescriptor = Descriptor{
	Primitive: Weighted,
	Ops: []OpSpec{
		{Kind: WAcquire, Blocking: true, Arg: "a weight: wacquire N"},
		{Kind: WTryAcquire, Bool: true, Arg: "a weight: wtryacquire N"},
		{Kind: WRelease, Arg: "a weight: wrelease N", Errs: []Err{ReleasedTooOften}},
	},
	Params:   []Param{{Key: "size", Default: 2, Min: 0, Max: maxWeight}},
	Dialects: []Dialect{Go, XSync},
	New: func(d Dialect, p Params) Model {
		return &weightedModel{d: d, size: p["size"]}
	},
}

// wslot is a blocked wacquire's slot with its weight.
type wslot struct {
	slot
	n int
}

// weightedModel is a Weighted semaphore (G20). Both dialects queue waiters
// FIFO without overtaking (a waiter that does not fit blocks everyone
// behind it), grant by moving tokens to the waiter (cur counts them), keep
// a cancelled record queued and grantable until its goroutine runs (G3),
// and park an acquire of more than size apart, unqueued, until it is
// cancelled. They differ where x/sync's source decides otherwise:
//
//   - a done ctx: go (G2) succeeds when the tokens fit and nobody waits,
//     and returns cancelled at once otherwise; x/sync always fails first
//     ("We prefer to fail even if we could acquire").
//   - granted, then cancelled before it runs: go returns ok (keeping the
//     tokens) or cancelled (giving them back, the queue re-examined);
//     x/sync always gives them back and returns cancelled.
//   - a cancelled waiter that leaves: go re-examines the queue (the
//     golang/go#37852 fix); x/sync only when it was the front one and
//     size > cur, so a zero-weight waiter behind it stays blocked until
//     the next release.
//
// A release of more than the releasing task holds (its acquisitions that
// returned, less its releases; tokens granted to a waiter that has not
// resumed are not held yet, as G12 counts a BoundedSemaphore's promised
// permits) is refused with released-too-often and changes nothing, in
// both dialects: x/sync panics on a release of more than is taken, which
// is outside its contract, so a target refuses the call on the
// implementation's behalf and releases only what the task itself
// acquired (see check.Weighted).
type weightedModel struct {
	d    Dialect
	size int
	// cur: tokens taken, those held plus those granted to queued waiters
	// that have not resumed (x/sync's cur).
	cur int
	// held, per task: the weight of its acquisitions that returned ok,
	// less its releases (copy-on-write).
	held []int
	q    []wslot // queued waiters, FIFO: WAITING or GRANTED
	// apart: acquires of more than size, parked until cancelled, never
	// queued ("Don't make other Acquire calls block on one that's doomed
	// to fail").
	apart []wslot
}

func (m *weightedModel) Primitive() Primitive { return Weighted }
func (m *weightedModel) Dialect() Dialect     { return m.d }

func (m *weightedModel) clone() *weightedModel {
	c := *m
	c.q = slices.Clone(m.q)
	c.apart = slices.Clone(m.apart)
	c.held = slices.Clone(m.held)
	return &c
}

func (m *weightedModel) Key() string {
	var b strings.Builder
	b.WriteString("weighted/")
	b.WriteString(string(m.d))
	fmt.Fprintf(&b, "|s%dc%dh%v[", m.size, m.cur, m.heldKey())
	for i, s := range m.q {
		if i > 0 {
			b.WriteByte(',')
		}
		s.key(&b)
		b.WriteString(":" + strconv.Itoa(s.n))
	}
	b.WriteString("][")
	for i, s := range m.apart {
		if i > 0 {
			b.WriteByte(',')
		}
		s.key(&b)
		b.WriteString(":" + strconv.Itoa(s.n))
	}
	b.WriteByte(']')
	return b.String()
}

func (m *weightedModel) String() string { return m.StringNamed(defaultName) }

// StringNamed: "free 1 of 2 (held 1); queue: T1(waiting) wants 2".
func (m *weightedModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "free %d of %d (held %d", m.size-m.cur, m.size, m.heldAll())
	for t, h := range m.held {
		if h != 0 {
			fmt.Fprintf(&b, ", %s %d", name(t), h)
		}
	}
	b.WriteString("); queue: ")
	describe := func(ws []wslot) {
		if len(ws) == 0 {
			b.WriteString("empty")
		}
		for i, s := range ws {
			if i > 0 {
				b.WriteByte(' ')
			}
			s.describe(&b, name)
			fmt.Fprintf(&b, " wants %d", s.n)
		}
	}
	describe(m.q)
	if len(m.apart) > 0 {
		b.WriteString("; more than size: ")
		describe(m.apart)
	}
	return b.String()
}

// heldAll is the weight held, over all tasks.
func (m *weightedModel) heldAll() int {
	n := 0
	for _, h := range m.held {
		n += h
	}
	return n
}

// heldKey is held without its trailing zeros (one state, one key).
func (m *weightedModel) heldKey() []int {
	h := m.held
	for len(h) > 0 && h[len(h)-1] == 0 {
		h = h[:len(h)-1]
	}
	return h
}

// heldBy is the weight task t holds.
func (m *weightedModel) heldBy(t int) int {
	if t < len(m.held) {
		return m.held[t]
	}
	return 0
}

// hold adds n to what task t holds (m is a fresh copy).
func (m *weightedModel) hold(t, n int) {
	for len(m.held) <= t {
		m.held = append(m.held, 0)
	}
	m.held[t] += n
}

func (m *weightedModel) find(t int) (ws []wslot, i int) {
	if i := slices.IndexFunc(m.q, func(s wslot) bool { return s.task == t }); i >= 0 {
		return m.q, i
	}
	if i := slices.IndexFunc(m.apart, func(s wslot) bool { return s.task == t }); i >= 0 {
		return m.apart, i
	}
	return nil, -1
}

func (m *weightedModel) Status(t int) Status {
	checkTask(t)
	if ws, i := m.find(t); i >= 0 {
		return ws[i].status()
	}
	return Idle
}

// front is the index of the first WAITING slot (x/sync's waiters.Front():
// a granted waiter has left its list), -1 if none.
func (m *weightedModel) front() int {
	return slices.IndexFunc(m.q, func(s wslot) bool { return s.state == waiting })
}

// fits reports whether n tokens can be taken at once: they are free and
// nobody waits (x/sync's fast path and TryAcquire).
func (m *weightedModel) fits(n int) bool { return m.size-m.cur >= n && m.front() < 0 }

// notify is x/sync's notifyWaiters: grant waiting slots from the front
// while the front one fits; stop at the first that does not (no
// overtaking: a big waiter is not starved by small ones behind it).
func (m *weightedModel) notify() {
	for i := range m.q {
		s := &m.q[i]
		if s.state != waiting {
			continue
		}
		if m.size-m.cur < s.n {
			return
		}
		m.cur += s.n
		s.state = granted
	}
}

func (m *weightedModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	n := op.Arg
	if n < 0 {
		// x/sync panics ("semaphore: n < 0"); the scenario language and
		// the generator only write weights >= 0.
		panic(fmt.Sprintf("model: weighted %s of negative weight %d", op.Kind, n))
	}
	switch op.Kind {
	case WAcquire:
		if op.CtxDone && m.d == XSync {
			// x/sync: a done ctx fails first, even if it could acquire.
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		if m.fits(n) {
			// G2: an acquire that does not block is not a cancellation
			// point.
			c := m.clone()
			c.cur += n
			c.hold(t, n)
			return []Outcome{returned(c, errResult(OK))}
		}
		if op.CtxDone {
			// G2: it would block with a done ctx: ctx.Err() at once.
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		c := m.clone()
		if n > m.size {
			c.apart = append(c.apart, wslot{slot: slot{task: t}, n: n})
		} else {
			c.q = append(c.q, wslot{slot: slot{task: t}, n: n})
		}
		return []Outcome{parked(c)}
	case WTryAcquire:
		if !m.fits(n) {
			return []Outcome{returned(m, boolResult(false))}
		}
		c := m.clone()
		c.cur += n
		c.hold(t, n)
		return []Outcome{returned(c, boolResult(true))}
	case WRelease:
		if n > m.heldBy(t) {
			return []Outcome{returned(m, errResult(ReleasedTooOften))}
		}
		c := m.clone()
		c.hold(t, -n)
		c.cur -= n
		c.notify()
		return []Outcome{returned(c, errResult(OK))}
	}
	unsupported(Weighted, op)
	return nil
}

func (m *weightedModel) Cancel(t int) []Outcome {
	checkTask(t)
	ws, i := m.find(t)
	if i < 0 {
		return []Outcome{parked(m)} // G1: no call in flight
	}
	s, changed := ws[i].cancelled(m.d)
	if !changed {
		return []Outcome{parked(m)}
	}
	c := m.clone()
	if ws, i := c.find(t); i >= 0 {
		ws[i].slot = s
	}
	return []Outcome{parked(c)}
}

func (m *weightedModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	c := m.clone()
	if i := slices.IndexFunc(c.apart, func(s wslot) bool { return s.task == t }); i >= 0 {
		// More than size: only a cancel lets it run.
		c.apart = slices.Delete(c.apart, i, i+1)
		return []Outcome{returned(c, errResult(Cancelled))}
	}
	i := slices.IndexFunc(c.q, func(s wslot) bool { return s.task == t })
	s := c.q[i]
	wasFront := c.front() == i
	c.q = slices.Delete(c.q, i, i+1)
	switch {
	case s.state == waiting:
		// G3: cancelled, not granted: it leaves the queue. The waiters
		// behind it are re-examined (golang/go#37852); x/sync does so only
		// when it was the front one and tokens are free.
		if m.d == Go || wasFront && c.size > c.cur {
			c.notify()
		}
		return []Outcome{returned(c, errResult(Cancelled))}
	case !s.cancel:
		c.hold(t, s.n)
		return []Outcome{returned(c, errResult(OK))}
	}
	// Granted, then cancelled before it ran: the tokens go back and the
	// queue is re-examined, ctx.Err(); go may keep them instead (G3).
	back := c.clone()
	back.cur -= s.n
	back.notify()
	if m.d == XSync {
		return []Outcome{returned(back, errResult(Cancelled))}
	}
	c.hold(t, s.n)
	return outcomes(returned(c, errResult(OK)), returned(back, errResult(Cancelled)))
}

func (m *weightedModel) Check() error {
	q := make(fifo, 0, len(m.q))
	grantedN := 0
	for _, s := range m.q {
		q = append(q, s.slot)
		if s.state == granted {
			grantedN += s.n
		}
		if s.n < 0 || s.n > m.size {
			return fmt.Errorf("T%d queued for %d tokens of %d", s.task, s.n, m.size)
		}
	}
	apart := make(fifo, 0, len(m.apart))
	for _, s := range m.apart {
		apart = append(apart, s.slot)
		if s.state != waiting || s.n <= m.size {
			return fmt.Errorf("T%d parked apart for %d tokens of %d (%v)", s.task, s.n, m.size, s.state)
		}
	}
	if err := checkSlots(m.d, map[string]fifo{"queue": q, "apart": apart}, ""); err != nil {
		return err
	}
	switch {
	case m.cur < 0 || m.cur > m.size:
		return fmt.Errorf("%d tokens taken of %d", m.cur, m.size)
	case slices.ContainsFunc(m.held, func(h int) bool { return h < 0 }):
		return fmt.Errorf("held %v: a task released more than it acquired", m.held)
	case m.cur != m.heldAll()+grantedN:
		return fmt.Errorf("tokens not conserved: taken %d != held %d + granted %d", m.cur, m.heldAll(), grantedN)
	}
	if f := m.front(); f >= 0 && m.size-m.cur >= m.q[f].n && (m.d == Go || m.q[f].n > 0) {
		// No stranded waiter: the front one does not fit, else it would
		// have been granted. (x/sync leaves a zero-weight waiter behind a
		// cancelled front one when no token is free.)
		return fmt.Errorf("T%d waits for %d tokens with %d free (stranded waiter)", m.q[f].task, m.q[f].n, m.size-m.cur)
	}
	return nil
}
