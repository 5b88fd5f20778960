package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Queue, LifoQueue and PriorityQueue are asyncio's queues of integers
// (parameter "maxsize": the most items queued, 0 for unbounded). They share
// one model; only the order in which items come out differs.
const (
	Queue         Primitive = "queue"
	LifoQueue     Primitive = "lifoqueue"
	PriorityQueue Primitive = "priorityqueue"
)

// The queues' operations.
const (
	Put         Kind = "put"         // put(ctx, Arg): blocks while the queue is full
	Get         Kind = "get"         // get(ctx): blocks while it is empty; answers the item
	PutNowait   Kind = "putnowait"   // put_nowait(Arg): queue-full instead of blocking
	GetNowait   Kind = "getnowait"   // get_nowait(): queue-empty instead of blocking
	TaskDone    Kind = "taskdone"    // task_done(): one item put is finished
	Join        Kind = "join"        // join(ctx): blocks until every item put is finished
	Shutdown    Kind = "shutdown"    // shutdown(): later puts fail, gets drain then fail
	ShutdownNow Kind = "shutdownnow" // shutdown(immediate=True): also drops the queued items
	Qsize       Kind = "qsize"       // the number of items queued
	Empty       Kind = "empty"       // whether no item is queued
	Full        Kind = "full"        // whether maxsize items are queued
)

// The queues' errors.
const (
	QueueFull        Err = "queue-full"          // put_nowait on a full queue (impl.ErrQueueFull)
	QueueEmpty       Err = "queue-empty"         // get_nowait on an empty queue (impl.ErrQueueEmpty)
	QueueShutDown    Err = "queue-shut-down"     // after shutdown (impl.ErrQueueShutDown; asyncio 3.13)
	TaskDoneTooOften Err = "task-done-too-often" // task_done with nothing unfinished (impl.ErrTaskDoneTooOften; asyncio: ValueError)
)

// maxQueueSize bounds a queue's maxsize parameter.
const maxQueueSize = 1_000_000

var queueDescriptor = queueDesc(Queue)
var lifoQueueDescriptor = queueDesc(LifoQueue)
var priorityQueueDescriptor = queueDesc(PriorityQueue)

func queueDesc(p Primitive) Descriptor {
	shut := []Err{QueueShutDown}
	since313 := []Dialect{Go, Asyncio313}
	return Descriptor{
		Primitive: p,
		Ops: []OpSpec{
			{Kind: Put, Blocking: true, Arg: "an item: put N", Errs: shut},
			{Kind: Get, Blocking: true, Int: true, Errs: shut},
			{Kind: PutNowait, Arg: "an item: putnowait N", Errs: []Err{QueueFull, QueueShutDown}},
			{Kind: GetNowait, Int: true, Errs: []Err{QueueEmpty, QueueShutDown}},
			{Kind: TaskDone, Errs: []Err{TaskDoneTooOften}},
			{Kind: Join, Blocking: true},
			{Kind: Shutdown, Dialects: since313},
			{Kind: ShutdownNow, Dialects: since313},
			{Kind: Qsize, Int: true},
			{Kind: Empty, Bool: true},
			{Kind: Full, Bool: true},
		},
		Params: []Param{{Key: "maxsize", Default: 0, Min: 0, Max: maxQueueSize}},
		New:    func(d Dialect, ps Params) Model { return &queueModel{d: d, p: p, maxsize: ps["maxsize"]} },
	}
}

// qslot is a blocked put's or get's slot: a slot, the put's item or (go)
// the item handed to the get, and (go) whether a shutdown woke it.
type qslot struct {
	slot
	item int
	shut bool
}

// qfifo is a copy-on-write FIFO of qslots, as fifo is of slots.
type qfifo []qslot

func (q qfifo) find(t int) int {
	return slices.IndexFunc(q, func(s qslot) bool { return s.task == t })
}

func (q qfifo) push(s qslot) qfifo { return append(slices.Clip(q), s) }

func (q qfifo) without(i int) qfifo { return slices.Delete(slices.Clone(q), i, i+1) }

func (q qfifo) with(i int, s qslot) qfifo {
	r := slices.Clone(q)
	r[i] = s
	return r
}

// firstWaiting is the index of the first WAITING slot, -1 if none.
func (q qfifo) firstWaiting() int {
	return slices.IndexFunc(q, func(s qslot) bool { return s.state == waiting })
}

func (q qfifo) count(p func(slot) bool) int {
	n := 0
	for _, s := range q {
		if p(s.slot) {
			n++
		}
	}
	return n
}

func (q qfifo) slots() fifo {
	r := make(fifo, len(q))
	for i, s := range q {
		r[i] = s.slot
	}
	return r
}

// queueModel is a Queue, LifoQueue or PriorityQueue (specs/asyncio.md §6;
// G14-G16). The go dialect serves waiters by hand-off: a put that finds a
// getter waiting gives it the item, a get that frees a place admits the
// first waiting putter's item, and a served call keeps what it was given
// whatever cancel arrives. The asyncio dialects wake a waiter that then
// competes again (a newcomer may barge), and a cancel wins over a wake-up
// that has not run yet, with the cleanup passing the wake-up on.
type queueModel struct {
	d       Dialect
	p       Primitive
	maxsize int
	// items: a Queue's and LifoQueue's in the order they were added, a
	// PriorityQueue's sorted (the least comes out first).
	items      []int
	unfinished int
	shut       bool
	getters    qfifo
	putters    qfifo // each with its item
	joiners    fifo
}

func (m *queueModel) Primitive() Primitive { return m.p }
func (m *queueModel) Dialect() Dialect     { return m.d }

func (m *queueModel) clone() *queueModel { c := *m; return &c }

func (m *queueModel) full() bool { return m.maxsize > 0 && len(m.items) >= m.maxsize }

// add queues x.
func (m *queueModel) add(x int) {
	items := slices.Clone(m.items)
	if m.p == PriorityQueue {
		i, _ := slices.BinarySearch(items, x)
		m.items = slices.Insert(items, i, x)
		return
	}
	m.items = append(items, x)
}

// take removes the next item by the queue's discipline.
func (m *queueModel) take() int {
	if m.p == LifoQueue {
		x := m.items[len(m.items)-1]
		m.items = slices.Clone(m.items[:len(m.items)-1])
		return x
	}
	x := m.items[0]
	m.items = slices.Clone(m.items[1:])
	return x
}

// wakeOne grants the first WAITING slot of q (asyncio's _wakeup_next: the
// abandoned ones are skipped).
func wakeOne(q qfifo) qfifo {
	i := q.firstWaiting()
	if i < 0 {
		return q
	}
	s := q[i]
	s.state = granted
	return q.with(i, s)
}

// putNow is a put that finds room (or, go, a getter): x is handed to the
// first waiting getter (go) or queued, counted unfinished, and (asyncio)
// one getter woken.
func (m *queueModel) putNow(x int) {
	m.unfinished++
	if m.d == Go {
		if i := m.getters.firstWaiting(); i >= 0 {
			// G14: hand-off; a waiting getter means the queue is empty.
			s := m.getters[i]
			s.state, s.item = granted, x
			m.getters = m.getters.with(i, s)
			return
		}
		m.add(x)
		return
	}
	m.add(x)
	m.getters = wakeOne(m.getters)
}

// canPut: a put completes now (go: a getter waits, or there is room and
// no putter waits before it; asyncio: there is room).
func (m *queueModel) canPut() bool {
	if m.d == Go {
		return m.getters.firstWaiting() >= 0 || (!m.full() && m.putters.firstWaiting() < 0)
	}
	return !m.full()
}

// getNow takes the next item; the place it frees goes to the first
// waiting putter (go: its item is admitted at once; asyncio: it is woken).
func (m *queueModel) getNow() int {
	x := m.take()
	if m.d == Go {
		if i := m.putters.firstWaiting(); i >= 0 {
			s := m.putters[i]
			s.state = granted
			m.putters = m.putters.with(i, s)
			m.add(s.item)
			m.unfinished++
		}
		return x
	}
	m.putters = wakeOne(m.putters)
	return x
}

func (m *queueModel) Invoke(t int, op Op) []Outcome {
	if m.Status(t) != Idle {
		return nil
	}
	n := m.clone()
	switch op.Kind {
	case Put, PutNowait:
		if m.shut {
			// G16; §6 3.13: every put fails once shut down, room or not.
			return []Outcome{returned(m, errResult(QueueShutDown))}
		}
		if m.canPut() {
			n.putNow(op.Arg)
			return []Outcome{returned(n, errResult(OK))}
		}
		if op.Kind == PutNowait {
			return []Outcome{returned(m, errResult(QueueFull))}
		}
		if op.CtxDone {
			// G2: would block with a done ctx: ctx.Err(), no trace. §1.4:
			// asyncio appends the slot and abandons it at once; the cleanup
			// passes nothing on (the slot was cancelled).
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		n.putters = n.putters.push(qslot{slot: slot{task: t}, item: op.Arg})
		return []Outcome{parked(n)}
	case Get, GetNowait:
		if len(m.items) > 0 {
			x := n.getNow()
			return []Outcome{returned(n, Result{Int: x})}
		}
		switch {
		case m.shut:
			return []Outcome{returned(m, errResult(QueueShutDown))}
		case op.Kind == GetNowait:
			return []Outcome{returned(m, errResult(QueueEmpty))}
		case op.CtxDone:
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		n.getters = n.getters.push(qslot{slot: slot{task: t}})
		return []Outcome{parked(n)}
	case TaskDone:
		if m.unfinished == 0 {
			return []Outcome{returned(m, errResult(TaskDoneTooOften))}
		}
		n.unfinished--
		n.releaseJoiners()
		return []Outcome{returned(n, errResult(OK))}
	case Join:
		switch {
		case m.unfinished == 0:
			return []Outcome{returned(m, errResult(OK))}
		case op.CtxDone:
			return []Outcome{returned(m, errResult(Cancelled))}
		}
		n.joiners = n.joiners.push(slot{task: t})
		return []Outcome{parked(n)}
	case Shutdown, ShutdownNow:
		if m.d == Asyncio311 {
			unsupported(m.p, op)
		}
		n.shutdown(op.Kind == ShutdownNow)
		return []Outcome{returned(n, errResult(OK))}
	case Qsize:
		return []Outcome{returned(m, Result{Int: len(m.items)})}
	case Empty:
		return []Outcome{returned(m, boolResult(len(m.items) == 0))}
	case Full:
		return []Outcome{returned(m, boolResult(m.full()))}
	}
	unsupported(m.p, op)
	return nil
}

// releaseJoiners grants every waiting join once nothing is unfinished
// (asyncio: finished.set()).
func (m *queueModel) releaseJoiners() {
	if m.unfinished == 0 {
		m.joiners, _ = m.joiners.grant(len(m.joiners))
	}
}

// shutdown is §6's shutdown(immediate) and G16.
func (m *queueModel) shutdown(immediate bool) {
	m.shut = true
	if immediate {
		m.unfinished = max(m.unfinished-len(m.items), 0)
		m.items = nil
		m.releaseJoiners()
	}
	// Every waiting getter and putter is woken: in go it returns
	// QueueShutDown whatever cancel is pending; in asyncio it re-checks
	// and raises (a cancel that arrives first still wins).
	for _, q := range []*qfifo{&m.getters, &m.putters} {
		r := slices.Clone(*q)
		for i := range r {
			if r[i].state == waiting {
				r[i].state = granted
				r[i].shut = m.d == Go
			}
		}
		*q = r
	}
}

func (m *queueModel) Cancel(t int) []Outcome {
	checkTask(t)
	if i := m.getters.find(t); i >= 0 {
		if s, ok := m.getters[i].cancelled(m.d); ok {
			n := m.clone()
			n.getters = n.getters.with(i, qslot{slot: s, item: m.getters[i].item, shut: m.getters[i].shut})
			return []Outcome{parked(n)}
		}
	}
	if i := m.putters.find(t); i >= 0 {
		if s, ok := m.putters[i].cancelled(m.d); ok {
			n := m.clone()
			n.putters = n.putters.with(i, qslot{slot: s, item: m.putters[i].item, shut: m.putters[i].shut})
			return []Outcome{parked(n)}
		}
	}
	if i := m.joiners.find(t); i >= 0 {
		if s, ok := m.joiners[i].cancelled(m.d); ok {
			n := m.clone()
			n.joiners = n.joiners.with(i, s)
			return []Outcome{parked(n)}
		}
	}
	return []Outcome{parked(m)}
}

func (m *queueModel) Resume(t int) []Outcome {
	if m.Status(t) != Runnable {
		return nil
	}
	n := m.clone()
	if i := m.getters.find(t); i >= 0 {
		return n.resumeGet(t, i)
	}
	if i := m.putters.find(t); i >= 0 {
		return n.resumePut(t, i)
	}
	i := m.joiners.find(t)
	s := m.joiners[i]
	n.joiners = n.joiners.without(i)
	if s.state == granted && (m.d == Go || !s.cancel) {
		// G15-like: a join released in go returns nil whatever ctx says;
		// asyncio (Event rules): a cancel before it runs wins.
		return []Outcome{returned(n, errResult(OK))}
	}
	return []Outcome{returned(n, errResult(Cancelled))}
}

// resumeGet runs the owner of the i-th getter slot; m is a fresh copy.
func (m *queueModel) resumeGet(t, i int) []Outcome {
	s := m.getters[i]
	m.getters = m.getters.without(i)
	if m.d == Go {
		switch {
		case s.state == waiting: // cancelled before it was served (G15)
			return []Outcome{returned(m, errResult(Cancelled))}
		case s.shut:
			return []Outcome{returned(m, errResult(QueueShutDown))}
		}
		// G15: handed an item: it is the get's, whatever cancel arrived.
		return []Outcome{returned(m, Result{Int: s.item})}
	}
	switch {
	case s.state == abandoned:
		// §6: cancelled while WAITING: removed, nothing else.
		return []Outcome{returned(m, errResult(Cancelled))}
	case s.cancel:
		// §6: granted, cancelled before resuming: the wake-up is passed
		// on if an item is left (bpo-23812).
		if len(m.items) > 0 {
			m.getters = wakeOne(m.getters)
		}
		return []Outcome{returned(m, errResult(Cancelled))}
	case len(m.items) == 0:
		if m.shut {
			return []Outcome{returned(m, errResult(QueueShutDown))}
		}
		// §6: barged: it waits again, at the tail.
		m.getters = m.getters.push(qslot{slot: slot{task: t}})
		return []Outcome{parked(m)}
	}
	x := m.getNow()
	return []Outcome{returned(m, Result{Int: x})}
}

// resumePut runs the owner of the i-th putter slot; m is a fresh copy.
func (m *queueModel) resumePut(t, i int) []Outcome {
	s := m.putters[i]
	m.putters = m.putters.without(i)
	if m.d == Go {
		switch {
		case s.state == waiting: // cancelled before it was admitted (G15)
			return []Outcome{returned(m, errResult(Cancelled))}
		case s.shut:
			return []Outcome{returned(m, errResult(QueueShutDown))}
		}
		// G15: its item was admitted: a put never fails after that.
		return []Outcome{returned(m, errResult(OK))}
	}
	switch {
	case s.state == abandoned:
		return []Outcome{returned(m, errResult(Cancelled))}
	case s.cancel:
		// §6: granted, cancelled before resuming: a free place is passed on.
		if !m.full() {
			m.putters = wakeOne(m.putters)
		}
		return []Outcome{returned(m, errResult(Cancelled))}
	case m.shut:
		// 3.13: full or not, the loop or put_nowait raises.
		return []Outcome{returned(m, errResult(QueueShutDown))}
	case m.full():
		// §6: barged: it waits again, at the tail.
		m.putters = m.putters.push(qslot{slot: slot{task: t}, item: s.item})
		return []Outcome{parked(m)}
	}
	m.putNow(s.item)
	return []Outcome{returned(m, errResult(OK))}
}

func (m *queueModel) Status(t int) Status {
	checkTask(t)
	if i := m.getters.find(t); i >= 0 {
		return m.getters[i].status()
	}
	if i := m.putters.find(t); i >= 0 {
		return m.putters[i].status()
	}
	if i := m.joiners.find(t); i >= 0 {
		return m.joiners[i].status()
	}
	return Idle
}

func (m *queueModel) Check() error {
	if err := checkSlots(m.d, map[string]fifo{"getters": m.getters.slots(), "putters": m.putters.slots(), "joiners": m.joiners}, ""); err != nil {
		return err
	}
	switch {
	case m.unfinished < 0:
		return fmt.Errorf("negative unfinished count %d", m.unfinished)
	case m.maxsize > 0 && len(m.items) > m.maxsize:
		return fmt.Errorf("%d items queued, more than maxsize %d", len(m.items), m.maxsize)
	case m.unfinished == 0 && m.joiners.any(slot.isWaiting):
		return fmt.Errorf("nothing unfinished but a join still waits")
	case m.shut && (m.getters.firstWaiting() >= 0 || m.putters.firstWaiting() >= 0):
		return fmt.Errorf("shut down with a get or put still waiting")
	}
	if m.d == Go {
		// G14 hand-off: nobody waits for what is there.
		if m.getters.firstWaiting() >= 0 && len(m.items) > 0 {
			return fmt.Errorf("a get waits while %d items are queued (stranded getter)", len(m.items))
		}
		if m.putters.firstWaiting() >= 0 && !m.full() {
			return fmt.Errorf("a put waits while the queue has room (stranded putter)")
		}
		return nil
	}
	// asyncio: a waiter may coexist with what it waits for only while a
	// woken one has yet to run (it will take it, or pass the wake-up on).
	if m.getters.firstWaiting() >= 0 && len(m.items) > 0 && m.getters.count(slot.isGranted) == 0 {
		return fmt.Errorf("a get waits while %d items are queued and no woken get is left to run (stranded getter)", len(m.items))
	}
	if m.putters.firstWaiting() >= 0 && !m.full() && m.putters.count(slot.isGranted) == 0 {
		return fmt.Errorf("a put waits while the queue has room and no woken put is left to run (stranded putter)")
	}
	return nil
}

func (m *queueModel) Key() string {
	var b strings.Builder
	b.WriteString(string(m.p))
	b.WriteByte('/')
	b.WriteString(string(m.d))
	fmt.Fprintf(&b, "|m%d u%d s%t i%v", m.maxsize, m.unfinished, m.shut, m.items)
	for _, q := range []qfifo{m.getters, m.putters} {
		b.WriteByte('[')
		for _, s := range q {
			s.key(&b)
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(s.item))
			if s.shut {
				b.WriteByte('s')
			}
			b.WriteByte(',')
		}
		b.WriteByte(']')
	}
	m.joiners.key(&b)
	return b.String()
}

func (m *queueModel) String() string { return m.StringNamed(defaultName) }

// StringNamed describes the state with tasks named by name.
func (m *queueModel) StringNamed(name func(int) string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "items=%v unfinished=%d", m.items, m.unfinished)
	if m.maxsize > 0 {
		fmt.Fprintf(&b, " (maxsize %d)", m.maxsize)
	}
	if m.shut {
		b.WriteString(" shut down")
	}
	for _, w := range []struct {
		what string
		q    qfifo
	}{{"getters", m.getters}, {"putters", m.putters}} {
		b.WriteString("; " + w.what + ": ")
		if len(w.q) == 0 {
			b.WriteString("none")
		}
		for i, s := range w.q {
			if i > 0 {
				b.WriteByte(' ')
			}
			s.describe(&b, name)
			switch {
			case s.shut:
				b.WriteString("[shut down]")
			case w.what == "putters" || s.state == granted && m.d == Go:
				fmt.Fprintf(&b, "[%d]", s.item)
			}
		}
	}
	b.WriteString("; joiners: ")
	m.joiners.describe(&b, name)
	return b.String()
}
