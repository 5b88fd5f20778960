package model

// The shared machinery of every model: waiter slots, the copy-on-write FIFO
// that holds them, how a cancel lands on a slot, and what a slot says about
// its owner's status. Every primitive is some state plus one or more of these
// queues (specs/asyncio.md §1.2, §11).

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// slotState is a waiter slot's state (specs/asyncio.md §1.2).
type slotState uint8

const (
	// waiting: not resolved (WAITING).
	waiting slotState = iota
	// granted: the primitive resolved it; the owner has not resumed (GRANTED).
	granted
	// abandoned: cancelled while WAITING; the owner is scheduled to run its
	// cleanup (ABANDONED; asyncio dialects only, §1.4).
	abandoned
)

// slot is one blocked call's one-shot slot. The owning task removes it when
// it next runs (§1.2: Lock, Event, Condition, Semaphore).
type slot struct {
	task  int
	state slotState
	// cancel: a cancel is pending on this slot and fires when the owner runs.
	// asyncio: only on a GRANTED slot (§1.4: a granted slot cannot be
	// cancelled, the task is flagged and CancelledError is raised at the
	// await anyway: cancel wins). Go: on any cancellable slot (G3: the
	// record stays queued, and can still be granted, until its goroutine
	// runs).
	cancel bool
	// committed (Go Lock queue only): the slot was granted the lock and the
	// lock has since been released by someone else (no ownership, G6/§1.6),
	// so the grant was consumed: the owner's Acquire returns OK whatever
	// cancel arrives. See lockCore.release.
	committed bool
}

func (s slot) live() bool { return s.state != abandoned }

func (s slot) isWaiting() bool { return s.state == waiting }

func (s slot) isGranted() bool { return s.state == granted }

// status is what the slot says about its owner: runnable once granted or
// abandoned (§1.2, §1.4), or when a cancel is pending (Go, G3); otherwise
// parked with nothing to let it run.
func (s slot) status() Status {
	if s.state != waiting || s.cancel {
		return Runnable
	}
	return Waiting
}

// cancelled returns s after task.cancel() / ctx cancellation reached it, and
// whether anything changed.
func (s slot) cancelled(d Dialect) (slot, bool) {
	if !d.asyncio() {
		// G3 (and x/sync): the record stays queued and grantable; the goroutine decides
		// when it runs. A committed grant cannot be undone (lockCore.release).
		if s.cancel || s.committed {
			return s, false
		}
		s.cancel = true
		return s, true
	}
	switch {
	case s.state == waiting:
		// §1.4: a WAITING slot becomes ABANDONED immediately; the owner is
		// scheduled and runs its cleanup when it resumes.
		s.state = abandoned
		return s, true
	case s.state == granted && !s.cancel:
		// §1.4: a GRANTED slot cannot be cancelled; the task is flagged and
		// the cancel wins when it runs.
		s.cancel = true
		return s, true
	}
	// Already abandoned or flagged: a second cancel before the task runs
	// raises one CancelledError, not two (Task.cancel sets _must_cancel,
	// which is consumed by the same step).
	return s, false
}

// key encodes the slot for Model.Key.
func (s slot) key(b *strings.Builder) {
	b.WriteString(strconv.Itoa(s.task))
	b.WriteByte("wga"[s.state])
	if s.cancel {
		b.WriteByte('c')
	}
	if s.committed {
		b.WriteByte('k')
	}
}

// describe writes the slot for people: T3(granted, cancel pending).
func (s slot) describe(b *strings.Builder, name func(int) string) {
	b.WriteString(name(s.task))
	b.WriteByte('(')
	b.WriteString([...]string{"waiting", "granted", "abandoned"}[s.state])
	if s.cancel {
		b.WriteString(", cancel pending")
	}
	if s.committed {
		b.WriteString(", released since")
	}
	b.WriteByte(')')
}

// fifo is a FIFO of slots. It is copy-on-write: every method that changes
// the queue returns a fresh slice and never writes to the receiver's array,
// so models that share a fifo stay independent (Model immutability).
type fifo []slot

// find returns the index of task t's slot, or -1.
func (q fifo) find(t int) int {
	for i, s := range q {
		if s.task == t {
			return i
		}
	}
	return -1
}

// push returns q with s appended at the tail.
func (q fifo) push(s slot) fifo {
	r := make(fifo, len(q)+1)
	copy(r, q)
	r[len(q)] = s
	return r
}

// without returns q without its i-th slot.
func (q fifo) without(i int) fifo {
	r := make(fifo, 0, len(q)-1)
	r = append(r, q[:i]...)
	return append(r, q[i+1:]...)
}

// with returns q with its i-th slot replaced by s.
func (q fifo) with(i int, s slot) fifo {
	r := make(fifo, len(q))
	copy(r, q)
	r[i] = s
	return r
}

// index returns the index of the first slot satisfying p, or -1.
func (q fifo) index(p func(slot) bool) int {
	for i, s := range q {
		if p(s) {
			return i
		}
	}
	return -1
}

func (q fifo) any(p func(slot) bool) bool { return q.index(p) >= 0 }

func (q fifo) count(p func(slot) bool) int {
	n := 0
	for _, s := range q {
		if p(s) {
			n++
		}
	}
	return n
}

// grant grants the first n WAITING slots, walking from the head and skipping
// granted and abandoned ones without counting them; n <= 0 grants nobody
// (§4 notify(n), probe C6; §3 set with n = len(q); §2/§5 wake one with
// n = 1). It returns the new queue and how many it granted.
func (q fifo) grant(n int) (fifo, int) {
	var r fifo
	k := 0
	for i, s := range q {
		if k >= n {
			break
		}
		if s.state != waiting {
			continue
		}
		if r == nil {
			r = make(fifo, len(q))
			copy(r, q)
		}
		r[i].state = granted
		k++
	}
	if r == nil {
		return q, 0
	}
	return r, k
}

func (q fifo) key(b *strings.Builder) {
	b.WriteByte('[')
	for i, s := range q {
		if i > 0 {
			b.WriteByte(',')
		}
		s.key(b)
	}
	b.WriteByte(']')
}

func (q fifo) describe(b *strings.Builder, name func(int) string) {
	if len(q) == 0 {
		b.WriteString("empty")
		return
	}
	for i, s := range q {
		if i > 0 {
			b.WriteByte(' ')
		}
		s.describe(b, name)
	}
}

// checkSlots reports a broken structural invariant of the queues of one
// model: a task with two slots, ABANDONED or committed slots where the
// dialect has none, a cancel flag where the dialect puts none.
func checkSlots(d Dialect, qs map[string]fifo, committedOK string) error {
	seen := map[int]string{}
	names := make([]string, 0, len(qs))
	for n := range qs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, s := range qs[n] {
			if s.task < 0 {
				return fmt.Errorf("%s: slot of negative task %d", n, s.task)
			}
			if where, ok := seen[s.task]; ok {
				return fmt.Errorf("task T%d has two slots (%s and %s)", s.task, where, n)
			}
			seen[s.task] = n
			if s.committed && (n != committedOK || d != Go || s.state != granted || s.cancel) {
				return fmt.Errorf("%s: T%d has a committed grant where none can be", n, s.task)
			}
			if !d.asyncio() && s.state == abandoned {
				// G3: in Go a cancelled record stays queued; nothing abandons it.
				return fmt.Errorf("%s: T%d abandoned in the go dialect", n, s.task)
			}
			if d.asyncio() && s.cancel && s.state != granted {
				// §1.4: only a GRANTED slot carries a pending cancel.
				return fmt.Errorf("%s: T%d has a pending cancel on a %v slot", n, s.task, s.state)
			}
		}
	}
	return nil
}

func (s slotState) String() string { return [...]string{"waiting", "granted", "abandoned"}[s] }

// defaultName names tasks in String: T0, T1, ...
func defaultName(t int) string { return "T" + strconv.Itoa(t) }

// checkTask panics on a negative task: tasks are ints >= 0.
func checkTask(t int) {
	if t < 0 {
		panic(fmt.Sprintf("model: negative task %d", t))
	}
}

// outcomes collects a transition's outcomes, dropping duplicates (same
// completion, result and next state), so that a choice that makes no
// observable or state difference is reported once.
func outcomes(os ...Outcome) []Outcome {
	if len(os) < 2 {
		return os
	}
	r := make([]Outcome, 0, len(os))
	seen := make(map[string]bool, len(os))
	for _, o := range os {
		k := fmt.Sprintf("%t|%s|%t|%d|%s", o.Done, string(o.Result.Err), o.Result.Bool, o.Result.Int, o.Next.Key())
		if seen[k] {
			continue
		}
		seen[k] = true
		r = append(r, o)
	}
	return r
}

func parked(m Model) Outcome { return Outcome{Next: m} }

func returned(m Model, r Result) Outcome { return Outcome{Next: m, Done: true, Result: r} }

func errResult(e Err) Result { return Result{Err: e} }

func boolResult(b bool) Result { return Result{Bool: b} }

// unsupported panics: the op is not part of the primitive's API (Ops lists
// what each primitive supports). A caller that sends it has a bug.
func unsupported(p Primitive, op Op) {
	panic(fmt.Sprintf("model: %s has no op %v", p, op.Kind))
}

// asyncio reports whether d is one of CPython's dialects (slots can be
// abandoned, cancels stay pending); go and x/sync are not.
func (d Dialect) asyncio() bool { return d == Asyncio311 || d == Asyncio313 }
