package scheduler

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/impl/sched"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// program is a small test program: a scheduler with its tasks spawned, and
// what the tasks observed.
type program struct {
	s       *Scheduler
	ev      *event
	ctr     *counter
	results []error // per waiter
	cancels []context.CancelFunc
}

// wakeProgram: waiters W0..W(n-1) wait on one event (each with its own
// context), S sets it, C cancels W0's context, and I increments a counter.
// Every ordering of these is a legal run; with the buggy event some lose
// the wakeup.
func wakeProgram(n int, buggy, withCancel bool) *program {
	s := New()
	p := &program{s: s, ev: newEvent(s, buggy), ctr: newCounter(s), results: make([]error, n)}
	for i := range n {
		ctx, cancel := context.WithCancel(context.Background())
		p.cancels = append(p.cancels, cancel)
		s.Spawn(fmt.Sprintf("W%d", i), func() { p.results[i] = p.ev.Wait(ctx) })
	}
	s.Spawn("S", p.ev.Set)
	if withCancel {
		s.Spawn("C", p.cancels[0])
	}
	s.Spawn("I", p.ctr.Inc)
	return p
}

func (p *program) close() {
	p.s.Close()
	for _, c := range p.cancels {
		c()
	}
}

func TestDeterminism(t *testing.T) {
	defer goleak.VerifyNone(t)
	strategies := map[string]func(seed uint64) Strategy{
		"random": func(seed uint64) Strategy { return Uniform(NewPCG(seed)) },
		"pct":    func(seed uint64) Strategy { return Uniform(NewPCG(seed)) },
	}
	for _, name := range []string{"random", "pct"} {
		mk := strategies[name]
		t.Run(name, func(t *testing.T) {
			distinct := map[string]bool{}
			for seed := range uint64(5) {
				var first []Event
				var firstOut Outcome
				for rep := range 100 {
					p := wakeProgram(3, false, true)
					out := p.s.Run(mk(seed), 1000)
					tr := p.s.Trace()
					p.close()
					if rep == 0 {
						first, firstOut = tr, out
						distinct[fmt.Sprint(tr)] = true
						continue
					}
					if !slices.Equal(tr, first) {
						t.Fatalf("seed %d, repetition %d: trace differs:\n%v\nvs\n%v", seed, rep, tr, first)
					}
					if out.String() != firstOut.String() {
						t.Fatalf("seed %d, repetition %d: outcome %v, first %v", seed, rep, out, firstOut)
					}
				}
			}
			if len(distinct) < 2 {
				t.Errorf("5 seeds gave %d distinct traces: the seed does not steer the run", len(distinct))
			}
		})
	}
}

func TestQuiescenceWithParkedTasks(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	ev := newEvent(s, false)
	ctr := newCounter(s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got [2]error
	w0 := s.Spawn("W0", func() { got[0] = ev.Wait(ctx) })
	w1 := s.Spawn("W1", func() { got[1] = ev.Wait(context.Background()) })
	s.Spawn("I", ctr.Inc)

	out := s.Run(Uniform(NewPCG(1)), 100)
	if out.Ending != Quiescent || !slices.Equal(out.Parked, []TaskID{w0, w1}) || len(out.Blocked) != 0 {
		t.Fatalf("outcome %v, want quiescent with W0 and W1 parked", out)
	}
	if !s.Quiescent() || len(s.Enabled()) != 0 {
		t.Fatalf("Quiescent %v, Enabled %v", s.Quiescent(), s.Enabled())
	}
	for _, id := range []TaskID{w0, w1} {
		if ti := s.Task(id); ti.State != Parked || ti.Kind != AtPark || ti.Woken || ti.Cancelled {
			t.Fatalf("task %d: %+v", id, ti)
		}
	}
	if ti := s.Task(2); ti.State != Done {
		t.Fatalf("I: %+v", ti)
	}
	if ctr.Value() != 1 { // the driver reads through the mutex
		t.Fatalf("counter %d", ctr.Value())
	}

	// Exactness: a cancel enables W0 (cancel only), nothing else.
	cancel()
	if en := s.Enabled(); !slices.Equal(en, []Choice{{Task: w0, SeeCancel: true}}) {
		t.Fatalf("after cancel: enabled %v", en)
	}
	if s.Quiescent() {
		t.Fatal("quiescent with W0 cancelled")
	}
	ev1, _, _ := s.RunUntil(Choice{Task: w0, SeeCancel: true}, nil, 10)
	if ev1.State != Done || !errors.Is(got[0], context.Canceled) {
		t.Fatalf("W0: %v, returned %v", ev1, got[0])
	}
	// The driver sets the event (the mutex passes straight through): W1 is
	// enabled, to see the grant only.
	ev.Set()
	if en := s.Enabled(); !slices.Equal(en, []Choice{{Task: w1}}) {
		t.Fatalf("after Set: enabled %v", en)
	}
	out = s.Run(Uniform(NewPCG(1)), 100)
	if out.Ending != AllDone || got[1] != nil {
		t.Fatalf("outcome %v, W1 returned %v", out, got[1])
	}
}

func TestDeadlockOnMutex(t *testing.T) {
	defer goleak.VerifyNone(t)
	t.Run("abba", func(t *testing.T) {
		s := New()
		defer s.Close()
		var a, b sched.Mutex
		a.SetRuntime(s)
		b.SetRuntime(s)
		t0 := s.Spawn("AB", func() { a.Lock(); b.Lock(); b.Unlock(); a.Unlock() })
		t1 := s.Spawn("BA", func() { b.Lock(); a.Lock(); a.Unlock(); b.Unlock() })
		// AB takes a, BA takes b, each then blocks on the other.
		for _, c := range []Choice{{Task: t0}, {Task: t0}, {Task: t1}, {Task: t1}} {
			s.Step(c)
		}
		out := s.Run(Uniform(NewPCG(0)), 100)
		want := []BlockedTask{{Task: t0, Name: "AB", Holder: t1, HolderName: "BA"}, {Task: t1, Name: "BA", Holder: t0, HolderName: "AB"}}
		if out.Ending != Deadlock || !slices.Equal(out.Blocked, want) || out.OK() {
			t.Fatalf("outcome %v", out)
		}
		if ti := s.Task(t0); ti.State != Blocked || ti.HolderName != "BA" {
			t.Fatalf("AB: %+v", ti)
		}
	})
	t.Run("self", func(t *testing.T) {
		s := New()
		defer s.Close()
		var m sched.Mutex
		m.SetRuntime(s)
		s.Spawn("twice", func() { m.Lock(); defer m.Unlock(); m.Lock() })
		out := s.Run(Uniform(NewPCG(0)), 100)
		if out.Ending != Deadlock || len(out.Blocked) != 1 || out.Blocked[0].Holder != 0 {
			t.Fatalf("outcome %v", out)
		}
	})
	t.Run("returned holding it", func(t *testing.T) {
		s := New()
		defer s.Close()
		var m sched.Mutex
		m.SetRuntime(s)
		s.Spawn("leaker", func() { m.Lock() })
		s.Spawn("victim", func() { m.Lock(); m.Unlock() })
		out := s.Run(Script([]Choice{{Task: 0}, {Task: 0}, {Task: 1}}), 100)
		if out.Ending != Deadlock || len(out.Blocked) != 1 || out.Blocked[0].HolderName != "leaker" {
			t.Fatalf("outcome %v", out)
		}
	})
	t.Run("held by the driver", func(t *testing.T) {
		s := New()
		defer s.Close()
		c := newCounter(s)
		c.mu.Lock() // the driver, between steps
		s.Spawn("I", c.Inc)
		out := s.Run(Uniform(NewPCG(0)), 100)
		if out.Ending != Deadlock || len(out.Blocked) != 1 || out.Blocked[0].Holder != -1 {
			t.Fatalf("outcome %v", out)
		}
		c.mu.Unlock()
		if out := s.Run(Uniform(NewPCG(0)), 100); out.Ending != AllDone || c.Value() != 1 {
			t.Fatalf("outcome %v, counter %d", out, c.Value())
		}
	})
}

// TestWakeWindow holds a woken waiter back while another task runs and its
// context is cancelled; then both observations are choices.
func TestWakeWindow(t *testing.T) {
	defer goleak.VerifyNone(t)
	for _, seeCancel := range []bool{false, true} {
		t.Run(fmt.Sprintf("seeCancel=%v", seeCancel), func(t *testing.T) {
			p := wakeProgram(1, false, false) // W0, S, I
			defer p.close()
			s := p.s
			w, set, inc := TaskID(0), TaskID(1), TaskID(2)
			if ev, _, _ := s.RunUntil(Choice{Task: w}, nil, 100); ev.Kind != AtPark || ev.State != Parked {
				t.Fatalf("W0 did not park: %v", ev)
			}
			if ev, _, _ := s.RunUntil(Choice{Task: set}, nil, 100); ev.State != Done {
				t.Fatalf("S: %v", ev)
			}
			// W0 is granted but has not resumed: the wake window.
			if ti := s.Task(w); ti.State != Ready || !ti.Woken || ti.Cancelled {
				t.Fatalf("W0 after Set: %+v", ti)
			}
			// Another task runs meanwhile.
			if ev, _, _ := s.RunUntil(Choice{Task: inc}, nil, 100); ev.State != Done {
				t.Fatalf("I: %v", ev)
			}
			p.cancels[0]()
			want := []Choice{{Task: w}, {Task: w, SeeCancel: true}}
			if en := s.Enabled(); !slices.Equal(en, want) {
				t.Fatalf("enabled %v, want %v", en, want)
			}
			ev := s.Step(Choice{Task: w, SeeCancel: seeCancel})
			if !ev.Window || (ev.Seen == SeenCancel) != seeCancel {
				t.Fatalf("step: %v", ev)
			}
			if ev.State != Done {
				ev, _, _ = s.RunUntil(Choice{Task: w}, nil, 10)
			}
			if ev.State != Done {
				t.Fatalf("W0 did not return: %v", ev)
			}
			if seeCancel != errors.Is(p.results[0], context.Canceled) || (!seeCancel && p.results[0] != nil) {
				t.Fatalf("W0 returned %v", p.results[0])
			}
		})
	}

	// The strategies reach both sides of the window on their own: the
	// cancel is a task (C), so when it lands is a scheduling decision.
	for name, mk := range map[string]func(uint64) Strategy{
		"random": func(seed uint64) Strategy { return Uniform(NewPCG(seed)) },
		"pct":    func(seed uint64) Strategy { return Uniform(NewPCG(seed)) },
	} {
		seen := map[Seen]uint64{}
		for seed := range uint64(500) {
			p := wakeProgram(1, false, true) // W0, S, C, I
			out := p.s.Run(mk(seed), 1000)
			if out.Ending != AllDone {
				t.Fatalf("%s seed %d: %v", name, seed, out)
			}
			for _, e := range p.s.Trace() {
				if e.Window {
					if _, ok := seen[e.Seen]; !ok {
						seen[e.Seen] = seed
					}
				}
			}
			p.close()
			if len(seen) == 2 {
				break
			}
		}
		if len(seen) != 2 {
			t.Errorf("%s: 500 seeds reached the window with %v only", name, seen)
		}
		t.Logf("%s: first seed that sees the grant in the window: %d, the cancel: %d", name, seen[SeenGrant], seen[SeenCancel])
	}
}

// lostWakeup runs the 3-waiter program and reports whether the run ended
// with a waiter parked although the event is set.
func lostWakeup(t *testing.T, st Strategy, buggy bool) bool {
	p := wakeProgram(3, buggy, false)
	defer p.close()
	out := p.s.Run(st, 1000)
	switch out.Ending {
	case AllDone:
		return false
	case Quiescent:
		if !p.ev.IsSet() {
			t.Fatalf("quiescent with the event not set: %v", out)
		}
		return true
	}
	t.Fatalf("unexpected outcome %v", out)
	return false
}

func TestStrategiesFindLostWakeup(t *testing.T) {
	defer goleak.VerifyNone(t)
	const seeds = 100
	for _, tc := range []struct {
		name string
		mk   func(seed uint64) Strategy
	}{
		{"random", func(seed uint64) Strategy { return Uniform(NewPCG(seed)) }},
		// Depth 2: one preemption, between W's check and its registration.
		{"pct", func(seed uint64) Strategy { return Uniform(NewPCG(seed)) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found := -1
			for seed := range uint64(seeds) {
				if lostWakeup(t, tc.mk(seed), true) {
					found = int(seed)
					break
				}
			}
			if found < 0 {
				t.Fatalf("no lost wakeup in %d seeds", seeds)
			}
			t.Logf("lost wakeup found at seed %d", found)
			for seed := range uint64(300) {
				if lostWakeup(t, tc.mk(seed), false) {
					t.Fatalf("seed %d: lost wakeup reported on the correct event", seed)
				}
			}
		})
	}
}

func TestLivelockAtStepBound(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	var m sched.Mutex
	m.SetRuntime(s)
	flag := false
	s.Spawn("spinner", func() {
		for {
			m.Lock()
			f := flag
			m.Unlock()
			if f {
				return
			}
			m.Yield("spin")
		}
	})
	out := s.Run(Uniform(NewPCG(7)), 50)
	if out.Ending != StepBound || out.Steps != 50 || len(out.Last) != LastSteps || out.OK() {
		t.Fatalf("outcome %v", out)
	}
	spins := 0
	for _, e := range out.Last {
		if e.Point == "spin" {
			spins++
		}
	}
	if spins == 0 || !strings.Contains(out.String(), "spin") {
		t.Fatalf("last steps do not show the spin: %v", out)
	}
}

func panickingBody() { panic(fmt.Sprintf("boom %d", 42)) }

func TestPanicReported(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	ev := newEvent(s, false)
	s.Spawn("W", func() { _ = ev.Wait(context.Background()) })
	c := newCounter(s)
	s.Spawn("P", func() {
		c.Inc()
		panickingBody()
	})
	s.Spawn("never", func() { t.Error("never-started task ran") })
	// W parks; P runs to its panic.
	s.RunUntil(Choice{Task: 0}, nil, 10)
	out := s.Run(Script([]Choice{{Task: 1}, {Task: 1}, {Task: 1}, {Task: 1}}), 100)
	if out.Ending != TaskPanicked || out.Panic == nil || out.Panic.Name != "P" || out.Panic.Value != "boom 42" {
		t.Fatalf("outcome %v", out)
	}
	if !strings.Contains(string(out.Panic.Stack), "panickingBody") {
		t.Fatalf("stack does not show the panic site:\n%s", out.Panic.Stack)
	}
	if ti := s.Task(1); ti.State != Panicked || ti.Panic != out.Panic {
		t.Fatalf("P: %+v", ti)
	}
	if r := s.Report(); r.Ending != TaskPanicked {
		t.Fatalf("report %v", r)
	}
	s.Close()
	if s.Task(0).State != Aborted || s.Task(2).State != Aborted {
		t.Fatalf("after Close: %+v %+v", s.Task(0), s.Task(2))
	}
}

func TestGoexitInTaskReported(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	s.Spawn("G", func() { runtimeGoexit() })
	out := s.Run(Uniform(NewPCG(0)), 10)
	if out.Ending != TaskPanicked || !errors.As(asError(out.Panic.Value), new(GoexitError)) {
		t.Fatalf("outcome %v", out)
	}
}

func asError(v any) error {
	err, _ := v.(error)
	return err
}

// TestMutexBlocking: a task preempted inside its critical section keeps the
// others out.
func TestMutexBlocking(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	c := newCounter(s)
	a := s.Spawn("A", c.Inc)
	b := s.Spawn("B", c.Inc)
	s.Step(Choice{Task: a}) // start -> lock
	if ev := s.Step(Choice{Task: a}); ev.Point != "inc:inside" || ev.From != "lock" {
		t.Fatalf("A: %v", ev)
	}
	if ev := s.Step(Choice{Task: b}); ev.Kind != AtLock || ev.State != Blocked {
		t.Fatalf("B: %v", ev)
	}
	if ti := s.Task(b); ti.State != Blocked || ti.Holder != a || ti.HolderName != "A" {
		t.Fatalf("B: %+v", ti)
	}
	if en := s.Enabled(); !slices.Equal(en, []Choice{{Task: a}}) {
		t.Fatalf("enabled %v", en)
	}
	if s.IsEnabled(Choice{Task: b}) {
		t.Fatal("B enabled")
	}
	// A leaves its critical section: B may lock.
	if ev := s.Step(Choice{Task: a}); ev.State != Done {
		t.Fatalf("A: %v", ev)
	}
	if ti := s.Task(b); ti.State != Ready {
		t.Fatalf("B: %+v", ti)
	}
	if out := s.Run(Uniform(NewPCG(0)), 100); out.Ending != AllDone || c.Value() != 2 {
		t.Fatalf("outcome %v, counter %d", out, c.Value())
	}
	// The counter is right under every schedule.
	for seed := range uint64(200) {
		s := New()
		c := newCounter(s)
		for i := range 3 {
			s.Spawn(fmt.Sprint("I", i), c.Inc)
		}
		out := s.Run(Uniform(NewPCG(seed)), 100)
		s.Close()
		if out.Ending != AllDone || c.Value() != 3 {
			t.Fatalf("seed %d: outcome %v, counter %d", seed, out, c.Value())
		}
	}
}

func TestStepRejectsDisabledChoice(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	ev := newEvent(s, false)
	s.Spawn("W", func() { _ = ev.Wait(context.Background()) })
	s.RunUntil(Choice{Task: 0}, nil, 10)
	if _, ok := s.ChoiceFor(0, true); ok {
		t.Fatal("parked task has a choice")
	}
	msg := panicMessage(func() { s.Step(Choice{Task: 0}) })
	if !strings.Contains(msg, "not enabled") {
		t.Fatalf("panic %q", msg)
	}
	ev.Set()
	if c, ok := s.ChoiceFor(0, true); !ok || c.SeeCancel {
		t.Fatalf("ChoiceFor: %+v %v", c, ok)
	}
}

func panicMessage(f func()) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	f()
	return ""
}

// TestRunUntil drives the way the scenario runner does: one task at a time,
// each call bracketed by a Yield the stop predicate recognises.
func TestRunUntil(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	ev := newEvent(s, false)
	c := newCounter(s)
	var m sched.Mutex
	m.SetRuntime(s)
	call := func(f func()) {
		f()
		m.Yield("return")
	}
	w := s.Spawn("W", func() {
		call(c.Inc)
		call(func() { _ = ev.Wait(context.Background()) })
		call(c.Inc)
	})
	set := s.Spawn("S", func() { call(ev.Set) })
	atReturn := func(e Event) bool { return e.Point == "return" }

	// W's first call runs through the counter's inner Yield to "return".
	e, n, ok := s.RunUntil(Choice{Task: w}, atReturn, 100)
	if !ok || e.Point != "return" || n != 3 {
		t.Fatalf("W inc: %v after %d steps", e, n)
	}
	// Its Wait parks.
	if e, _, _ = s.RunUntil(Choice{Task: w}, atReturn, 100); e.Kind != AtPark || e.State != Parked {
		t.Fatalf("W wait: %v", e)
	}
	if e, _, _ = s.RunUntil(Choice{Task: set}, atReturn, 100); e.Point != "return" {
		t.Fatalf("S set: %v", e)
	}
	// W resumes (grant) and its Wait returns.
	if e, _, _ = s.RunUntil(Choice{Task: w}, atReturn, 100); e.Point != "return" {
		t.Fatalf("W wait resumed: %v", e)
	}
	// maxSteps bounds a call that does not reach the predicate.
	if e, n, ok = s.RunUntil(Choice{Task: w}, func(Event) bool { return false }, 2); ok || n != 2 {
		t.Fatalf("bounded: %v %d %v", e, n, ok)
	}
	// Never another task: S is still at "return".
	if s.Task(set).Point != "return" {
		t.Fatalf("S moved: %+v", s.Task(set))
	}
}

func TestDriverMisuse(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	c := newCounter(s)
	slot := new(sched.Slot)
	slot.Init(&c.mu)
	if msg := panicMessage(func() { _ = slot.Wait(context.Background()) }); !strings.Contains(msg, "Park called outside a task") {
		t.Fatalf("Park from the driver: %q", msg)
	}
	c.mu.Yield("nothing") // a no-op from the driver
	a := s.Spawn("A", c.Inc)
	s.Step(Choice{Task: a})
	s.Step(Choice{Task: a}) // A holds the mutex, inside Inc
	if msg := panicMessage(func() { c.mu.Lock() }); !strings.Contains(msg, "block forever") {
		t.Fatalf("driver Lock on a held mutex: %q", msg)
	}
	if out := s.Run(Uniform(NewPCG(0)), 10); out.Ending != AllDone {
		t.Fatalf("outcome %v", out)
	}
}

func TestUnlockByNonOwnerReported(t *testing.T) {
	defer goleak.VerifyNone(t)
	s := New()
	defer s.Close()
	var m sched.Mutex
	m.SetRuntime(s)
	s.Spawn("holder", func() { m.Lock(); m.Yield("held"); m.Unlock() })
	s.Spawn("thief", func() { m.Unlock() })
	out := s.Run(Script([]Choice{{Task: 0}, {Task: 0}, {Task: 1}}), 10)
	if out.Ending != TaskPanicked || out.Panic.Name != "thief" || !strings.Contains(fmt.Sprint(out.Panic.Value), "which holder holds") {
		t.Fatalf("outcome %v", out)
	}
	// The holder's own Unlock still works (the mutex was locked again for
	// it), during the run and during Close's unwind alike.
	if ev := s.Step(Choice{Task: 0}); ev.State != Done {
		t.Fatalf("holder: %v", ev)
	}
}
