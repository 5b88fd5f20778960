package model

import (
	"fmt"
	"strings"
)

// Event is asyncio.Event: a flag that tasks wait to be set.
const Event Primitive = "event"

// The operations of an Event (Wait also of a Condition).
const (
	Wait  Kind = "wait"  // wait(ctx): blocks until set (Condition: until notified)
	Set   Kind = "set"   // set the flag, waking every waiter
	Clear Kind = "clear" // clear the flag
	IsSet Kind = "isset" // the flag: true or false
)

var eventDescriptor = Descriptor{
	Primitive: Event,
	Ops: []OpSpec{
		{Kind: Wait, Blocking: true},
		{Kind: Set},
		{Kind: Clear},
		{Kind: IsSet, Bool: true},
	},
	New: func(d Dialect, _ Params) Model { return newEvent(d) },
}

// eventModel is an Event (specs/asyncio.md §3; G5).
type eventModel struct {
	d    Dialect
	flag bool
	q    fifo
}

func newEvent(d Dialect) Model { return &eventModel{d: d} }

func (m *eventModel) Primitive() Primitive { return Event }
func (m *eventModel) Dialect() Dialect     { return m.d }

func (m *eventModel) Key() string {
	var b strings.Builder
	b.WriteString("event/")
	b.WriteString(string(m.d))
	if m.flag {
		b.WriteString("|S")
	} else {
		b.WriteString("|C")
	}
	m.q.key(&b)
	return b.String()
}

func (m *eventModel) String() string { return m.StringNamed(defaultName) }

func (m *eventModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "set=%t; queue: ", m.flag)
	m.q.describe(&b, name)
	return b.String()
}

func (m *eventModel) Status(t int) Status {
	checkTask(t)
	if i := m.q.find(t); i >= 0 {
		return m.q[i].status()
	}
	return Idle
}

func (m *eventModel) with(flag bool, q fifo) *eventModel {
	return &eventModel{d: m.d, flag: flag, q: q}
}

func (m *eventModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	switch op.Kind {
	case IsSet:
		return []Outcome{returned(m, boolResult(m.flag))} // §3 is_set()
	case Set:
		if m.flag {
			// §3 set(): already set, nothing happens.
			return []Outcome{returned(m, errResult(OK))}
		}
		// §3 set() / G5: flag = True and every WAITING slot is granted, in
		// FIFO order. (Go: a cancelled record still queued is a current
		// waiter and is granted too, G3.)
		q, _ := m.q.grant(len(m.q))
		return []Outcome{returned(m.with(true, q), errResult(OK))}
	case Clear:
		// §3 clear(): flag = False; grants already made are not revoked
		// (probe E1, G5).
		return []Outcome{returned(m.with(false, m.q), errResult(OK))}
	case Wait:
		if m.flag {
			// §3 wait() on a set event returns at once; §1.5 / G2: a fast
			// path, so it succeeds even with a done ctx (probe E2).
			return []Outcome{returned(m, errResult(OK))}
		}
		if op.CtxDone {
			if m.d == Go {
				// G2: would block with a done ctx: ctx.Err() at once, no
				// side effect.
				return []Outcome{returned(m, errResult(Cancelled))}
			}
			// §1.4: the cancel lands at the first suspension: the slot is
			// abandoned at once and the cleanup (remove it, raise) runs;
			// collapsed into this step.
			return m.resume(m.q.push(slot{task: t, state: abandoned}), len(m.q))
		}
		// §3 wait(): append a slot and suspend.
		return []Outcome{parked(m.with(m.flag, m.q.push(slot{task: t})))}
	}
	unsupported(Event, op)
	return nil
}

func (m *eventModel) Cancel(t int) []Outcome {
	checkTask(t)
	i := m.q.find(t)
	if i < 0 {
		return []Outcome{parked(m)} // G1: no call in flight
	}
	s, changed := m.q[i].cancelled(m.d)
	if !changed {
		return []Outcome{parked(m)}
	}
	return []Outcome{parked(m.with(m.flag, m.q.with(i, s)))}
}

func (m *eventModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	return m.resume(m.q, m.q.find(t))
}

func (m *eventModel) resume(q fifo, i int) []Outcome {
	s := q[i]
	next := m.with(m.flag, q.without(i)) // §3: on resume it removes its slot
	switch {
	case s.state == granted && !s.cancel:
		// §3 wait(): returns True even if the flag was cleared meanwhile
		// (pulse, probe E1; G5).
		return []Outcome{returned(next, errResult(OK))}
	case m.d == Go && s.state == granted:
		// G5: granted then cancelled: nil or ctx.Err(); set() is a
		// broadcast, so nothing needs forwarding.
		return []Outcome{returned(next, errResult(OK)), returned(next, errResult(Cancelled))}
	}
	// §3 Cancellation: WAITING (abandoned, or Go's cancelled record) and
	// granted-then-cancelled in asyncio: the slot is removed and
	// CancelledError raised; no forwarding (probe E1: W2 cancelled).
	return []Outcome{returned(next, errResult(Cancelled))}
}

func (m *eventModel) Check() error {
	if err := checkSlots(m.d, map[string]fifo{"queue": m.q}, ""); err != nil {
		return err
	}
	if m.flag && m.q.any(slot.isWaiting) {
		// §3 set() grants every WAITING slot and wait() on a set event does
		// not queue: nobody waits on a set event.
		return fmt.Errorf("event set with a waiting slot (lost wakeup)")
	}
	return nil
}
