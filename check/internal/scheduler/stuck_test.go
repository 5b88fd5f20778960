package scheduler

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/syncheck/syncheck/impl/sched"
)

// TestStuckTaskReported: a task that blocks outside the hooks (here on a
// sync.Mutex held elsewhere, then on a channel) does not hang its Step: the
// watchdog poisons the scheduler after the step timeout, the Step returns a
// misuse event, the Misuse names the task and the point it was resumed
// from and carries its goroutine's stack, and Close returns. Releasing the
// block afterwards lets the goroutine end at its next hook.
func TestStuckTaskReported(t *testing.T) {
	for _, tc := range []struct {
		name  string
		block func(release <-chan struct{}, mu *sync.Mutex)
		frame string
	}{
		{"sync.Mutex", func(release <-chan struct{}, mu *sync.Mutex) { mu.Lock(); mu.Unlock() }, "sync.(*Mutex).Lock"},
		{"channel", func(release <-chan struct{}, _ *sync.Mutex) { <-release }, "stuck_test.go"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			s.SetStepTimeout(100 * time.Millisecond)
			var m sched.Mutex
			m.SetRuntime(s)
			var mu sync.Mutex
			mu.Lock() // held by the test: the task blocks on it
			release := make(chan struct{})
			ended := make(chan struct{})
			id := s.Spawn("T1", func() {
				defer close(ended)
				m.Yield("before")
				tc.block(release, &mu)
				m.Yield("after") // ends the goroutine: the scheduler is poisoned
			})
			if ev := s.Step(Choice{Task: id}); ev.Point != "before" {
				t.Fatalf("first step: %v", ev)
			}
			start := time.Now()
			ev := s.Step(Choice{Task: id})
			took := time.Since(start)
			if ev.Point != "misuse" || ev.State != Panicked {
				t.Fatalf("stuck step returned %v", ev)
			}
			m2 := s.Misuse()
			if m2 == nil || m2.Stuck == nil {
				t.Fatalf("no stuck misuse: %v", m2)
			}
			st := m2.Stuck
			if st.Task != id || st.Name != "T1" || st.From != "before" || !strings.Contains(m2.Msg, "blocked outside impl/sched") {
				t.Errorf("stuck: %+v, %q", st, m2.Msg)
			}
			if !strings.Contains(st.Stack, tc.frame) {
				t.Errorf("the stack does not show %s:\n%s", tc.frame, st.Stack)
			}
			if took < 75*time.Millisecond {
				t.Errorf("reported after %v, before the step timeout", took)
			}
			s.Close()
			mu.Unlock()
			close(release)
			<-ended // the goroutine ended at its next hook
		})
	}
}

// TestNoWatchdog: with the step timeout off a Step runs as long as its task
// does (the watchdog never starts).
func TestNoWatchdog(t *testing.T) {
	s := New()
	s.SetStepTimeout(0)
	var m sched.Mutex
	m.SetRuntime(s)
	id := s.Spawn("T1", func() { m.Yield("p") })
	s.Step(Choice{Task: id})
	if s.watchdog.Load() != nil {
		t.Error("a watchdog with the step timeout off")
	}
	s.Close()
}

// TestDriverGoroutineKnown: after the first Step the scheduler knows the
// driver's goroutine (read by the first task goroutine from its own
// stack), which the stuck report and the misuse checks rely on, and in
// strict mode every task knows its own.
func TestDriverGoroutineKnown(t *testing.T) {
	for _, strict := range []bool{false, true} {
		s := New()
		s.SetStrict(strict)
		var m sched.Mutex
		m.SetRuntime(s)
		var inside int64
		a := s.Spawn("A", func() { inside = goid(); m.Yield("p") })
		b := s.Spawn("B", func() { m.Yield("p") })
		s.Step(Choice{Task: a})
		s.Step(Choice{Task: b})
		if got, want := s.driverG.Load(), goid(); got != want || got <= 0 {
			t.Errorf("strict %v: driver goroutine %d, want %d", strict, got, want)
		}
		if g := s.tasks[a].goid.Load(); strict && g != inside {
			t.Errorf("strict: task A's goroutine %d, want %d", g, inside)
		}
		if g := s.tasks[b].goid.Load(); strict && (g <= 0 || g == inside) {
			t.Errorf("strict: task B's goroutine %d", g)
		}
		s.Close()
	}
}
