package scheduler

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/impl/sched"
)

// TestAtomicPoints: every operation of a sched.Uint64 bound to a mutex under
// the scheduler is a scheduling point named after it, at which the task is
// Ready; a task preempted between a Load and its CompareAndSwap loses the
// CAS to another task; the driver's operations are not points; Close
// unwinds a task stopped at an atomic point, with and without the mutex.
func TestAtomicPoints(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	var m sched.Mutex
	m.SetRuntime(s)
	var x sched.Uint64
	x.Init(&m)
	x.Store(1) // the driver: no point, no step
	if s.Steps() != 0 {
		t.Fatalf("a driver's Store took %d steps", s.Steps())
	}
	var lost bool
	var ops []uint64
	inc := func() {
		for {
			v := x.Load()
			if x.CompareAndSwap(v, v+1) {
				return
			}
			lost = true
		}
	}
	a := s.Spawn("A", inc)
	b := s.Spawn("B", func() {
		inc()
		x.Store(12)
		ops = append(ops, x.And(^uint64(1)))
	})
	want := []struct {
		task  TaskID
		point string
	}{
		{a, "load"}, // A stops before its Load
		{a, "cas"},  // A loaded 1
		{b, "load"},
		{b, "cas"},
		{b, "store"}, // B's CAS 1 -> 2 won
		{b, "and"},
		{b, "done"},
		{a, "load"}, // A's CAS 1 -> 2 lost: retry
		{a, "cas"},
		{a, "done"},
	}
	for i, w := range want {
		ev := s.Step(Choice{Task: w.task})
		if ev.Point != w.point || (w.point != "done" && ev.State != Ready) {
			t.Fatalf("step %d: %s, want T%d at %q, ready", i, ev, w.task, w.point)
		}
	}
	if got := x.Load(); !lost || got != 13 || ops[0] != 12 {
		t.Fatalf("value %d, lost %v, And returned %v; want 13, true, [12]", got, lost, ops)
	}
	s.Close()

	// Aborted at an atomic point, outside and inside a critical section.
	s = New()
	var m2 sched.Mutex
	m2.SetRuntime(s)
	var y sched.Uint64
	y.Init(&m2)
	after := 0
	s.Spawn("out", func() {
		y.Load()
		after++
	})
	s.Spawn("in", func() {
		m2.Lock()
		defer m2.Unlock()
		y.CompareAndSwap(0, 1)
		after++
	})
	s.Step(Choice{Task: 0})
	s.Step(Choice{Task: 1})
	s.Step(Choice{Task: 1})
	if ti := s.Task(1); ti.Point != "cas" {
		t.Fatalf("in: at %q, want cas", ti.Point)
	}
	s.Close()
	for id := range TaskID(2) {
		if st := s.Task(id).State; st != Aborted {
			t.Errorf("T%d: %s after Close, want aborted", id, st)
		}
	}
	if after != 0 || y.Load() != 0 {
		t.Errorf("an aborted task went on past its atomic point")
	}
	m2.Lock() // released by the unwind: the driver can take it
	m2.Unlock()
}
