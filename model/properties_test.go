package model

import (
	"fmt"
	"strings"
	"testing"
)

// op parses one op the way scripts write it, for building programs.
func op(t testing.TB, s string) Op {
	t.Helper()
	sc := &script{t: t.(*testing.T)}
	return sc.parseOp(strings.Fields(s))
}

func prog(t testing.TB, tasks ...string) [][]Op {
	var p [][]Op
	for _, task := range tasks {
		var ops []Op
		for _, s := range strings.Split(task, ",") {
			ops = append(ops, op(t, strings.TrimSpace(s)))
		}
		p = append(p, ops)
	}
	return p
}

// explore runs every interleaving of program p (each task's ops in order;
// any runnable task may resume, any idle one invoke its next op, at most
// cancels cancels delivered to calls in flight) from m, checking every
// transition with assertTransition, and that Key and String determine each
// other (Key is canonical: two states that print the same have the same key
// and vice versa). It returns how many states it saw; every state's String
// must contain each of mustSee in at least one state (coverage).
func explore(t *testing.T, m Model, p [][]Op, cancels int, mustSee ...string) int {
	t.Helper()
	type node struct {
		m       Model
		pc      []int
		cancels int
	}
	if raceEnabled && cancels > 1 {
		cancels = 1
	}
	seen := map[string]bool{}
	keyOf := map[string]string{} // String -> Key
	strOf := map[string]string{} // Key -> String
	var stack []node
	push := func(n node) {
		k := fmt.Sprint(n.m.Key(), n.pc, n.cancels)
		if seen[k] {
			return
		}
		seen[k] = true
		key, str := n.m.Key(), n.m.String()
		if old, ok := keyOf[str]; ok && old != key {
			t.Fatalf("one state, two keys:\n%s\n%s\n%s", str, old, key)
		}
		if old, ok := strOf[key]; ok && old != str {
			t.Fatalf("one key, two states:\n%s\n%s\n%s", key, old, str)
		}
		keyOf[str], strOf[key] = key, str
		stack = append(stack, n)
	}
	push(node{m, make([]int, len(p)), cancels})
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for task := range p {
			st := n.m.Status(task)
			if st != Runnable && n.m.Resume(task) != nil {
				t.Fatalf("Resume of a %v task gave outcomes in %s", st, n.m)
			}
			if st != Idle && n.pc[task] < len(p[task]) && n.m.Invoke(task, p[task][n.pc[task]]) != nil {
				t.Fatalf("Invoke of a %v task gave outcomes in %s", st, n.m)
			}
			var os []Outcome
			switch {
			case st == Idle && n.pc[task] < len(p[task]):
				o := p[task][n.pc[task]]
				f := func() []Outcome { return n.m.Invoke(task, o) }
				if err := assertTransition(n.m, task, f, true); err != nil {
					t.Fatalf("T%d %v in %s: %v", task, o.Kind, n.m, err)
				}
				os = f()
			case st == Runnable:
				f := func() []Outcome { return n.m.Resume(task) }
				if err := assertTransition(n.m, task, f, true); err != nil {
					t.Fatalf("resume T%d in %s: %v", task, n.m, err)
				}
				os = f()
			}
			if st != Idle && len(os) == 0 && st == Runnable {
				t.Fatalf("runnable T%d has no outcome in %s", task, n.m)
			}
			for _, o := range os {
				pc := append([]int(nil), n.pc...)
				if o.Done {
					pc[task]++
				}
				push(node{o.Next, pc, n.cancels})
			}
			// Cancels: to a call in flight (bounded), and to an idle task
			// (G1: a no-op with one outcome and the same state).
			f := func() []Outcome { return n.m.Cancel(task) }
			if err := assertTransition(n.m, task, f, false); err != nil {
				t.Fatalf("cancel T%d in %s: %v", task, n.m, err)
			}
			cs := f()
			if len(cs) != 1 || cs[0].Done {
				t.Fatalf("cancel T%d gave %d outcomes in %s", task, len(cs), n.m)
			}
			if st == Idle && cs[0].Next.Key() != n.m.Key() {
				t.Fatalf("cancel of idle T%d changed %s into %s", task, n.m, cs[0].Next)
			}
			if st != Idle && n.cancels > 0 {
				push(node{cs[0].Next, n.pc, n.cancels - 1})
			}
		}
	}
	for _, w := range mustSee {
		found := false
		for str := range keyOf {
			if strings.Contains(str, w) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s/%s: no state contains %q", m.Primitive(), m.Dialect(), w)
		}
	}
	return len(seen)
}

// reach lists the state fragments an exploration must reach, per dialect.
func reach(d Dialect, goSee, asyncioSee []string) []string {
	if d == Go {
		return goSee
	}
	return asyncioSee
}

func TestExploreLock(t *testing.T) {
	p := prog(t,
		"acquire, release",
		"acquire, release",
		"tryacquire, release, acquire!, locked",
		"release, acquire",
	)
	for _, d := range Dialects {
		m, _ := New(Lock, d, Params{})
		see := reach(d, []string{"released since", "granted, cancel pending", "waiting, cancel pending"},
			[]string{"abandoned", "granted, cancel pending", "locked=false; lock queue: T1(granted)"})
		t.Logf("%s: %d states", d, explore(t, m, p, 2, see...))
	}
}

func TestExploreEvent(t *testing.T) {
	p := prog(t,
		"wait, wait",
		"wait, isset",
		"set, clear, set",
		"wait!, wait",
	)
	for _, d := range Dialects {
		m, _ := New(Event, d, Params{})
		t.Logf("%s: %d states", d, explore(t, m, p, 2))
	}
}

func TestExploreSemaphore(t *testing.T) {
	p := prog(t,
		"acquire, release",
		"acquire, release",
		"release, acquire!, tryacquire",
		"acquire, locked, value",
	)
	for _, prim := range []Primitive{Semaphore, BoundedSemaphore} {
		for _, v := range []int{0, 1, 2} {
			for _, d := range Dialects {
				m, _ := New(prim, d, Params{"value": v})
				t.Logf("%s(%d) %s: %d states", prim, v, d, explore(t, m, p, 2))
			}
		}
	}
}

func TestExploreCondition(t *testing.T) {
	one := prog(t,
		"acquire, wait, release",
		"acquire, waitfor 1, release",
		"acquire, notify 1, add 1, release",
	)
	// Done contexts and misuse: a release by a non-holder (in Go, during a
	// grant window: committed grants), notify_all by a non-holder.
	misuse := prog(t,
		"acquire, wait, release",
		"acquire, wait!, waitfor! 1, release",
		"release, notifyall, acquire, notify 1, release",
	)
	two := prog(t,
		"acquire, c1.wait, release",
		"acquire, c2.waitfor 1, release",
		"acquire, c2.notify 1, add 1, c1.notifyall, c2.notify 1, release",
	)
	for _, d := range Dialects {
		m, _ := New(Condition, d, Params{"conditions": 1})
		see := reach(d, []string{"re-acquiring the lock, will return cancelled", "ctx done", "c1 queue: T0(granted, cancel pending)",
			"notification forwarded, about to re-acquire the lock", "will forward its notification", "lock re-acquired, about to forward its notification"},
			[]string{"re-acquiring the lock, will return cancelled", "lock queue: T0(abandoned)", "c1 queue: T0(granted, cancel pending)"})
		t.Logf("%s, one condition: %d states", d, explore(t, m, one, 2, see...))
		see = reach(d, []string{"released since"}, []string{"lock queue: T1(abandoned)"})
		t.Logf("%s, misuse: %d states", d, explore(t, m, misuse, 2, see...))
		m, _ = New(Condition, d, Params{"conditions": 2})
		t.Logf("%s, two conditions: %d states", d, explore(t, m, two, 2))
	}
}

// Key is canonical: a state reached by different paths has one key, and
// finished calls leave no trace (idle tasks are not part of the state).
func TestKeyCanonical(t *testing.T) {
	for _, d := range Dialects {
		run := func(m Model, steps ...string) Model {
			t.Helper()
			for _, s := range steps {
				f := strings.Fields(s)
				var task int
				fmt.Sscanf(f[0], "T%d", &task)
				var os []Outcome
				switch {
				case f[1] == "cancel":
					os = m.Cancel(task)
				case m.Status(task) == Runnable:
					os = m.Resume(task)
				default:
					os = m.Invoke(task, op(t, strings.Join(f[1:], " ")))
				}
				if len(os) == 0 {
					t.Fatalf("%s: step %q has no outcome in %s", d, s, m)
				}
				m = os[0].Next
			}
			return m
		}
		lock, _ := New(Lock, d, Params{})
		if a, b := run(lock, "T0 acquire", "T0 release"), lock; a.Key() != b.Key() {
			t.Errorf("%s lock: acquire+release %q != initial %q", d, a.Key(), b.Key())
		}
		if a, b := run(lock, "T0 acquire", "T1 acquire", "T0 release", "T1 acquire"), run(lock, "T1 acquire"); a.Key() != b.Key() {
			t.Errorf("%s lock: %q != %q", d, a.Key(), b.Key())
		}
		sem, _ := New(Semaphore, d, Params{"value": 1})
		if a := run(sem, "T7 acquire", "T7 release"); a.Key() != sem.Key() {
			t.Errorf("%s semaphore: %q != %q", d, a.Key(), sem.Key())
		}
		ev, _ := New(Event, d, Params{})
		if a := run(ev, "T3 wait", "T4 set", "T3 wait", "T4 clear"); a.Key() != ev.Key() {
			t.Errorf("%s event: %q != %q", d, a.Key(), ev.Key())
		}
		cond, _ := New(Condition, d, Params{"conditions": 2})
		a := run(cond, "T5 acquire", "T5 c1.wait", "T2 acquire", "T2 c2.wait")
		b := run(cond, "T2 acquire", "T2 c2.wait", "T5 acquire", "T5 c1.wait")
		if a.Key() != b.Key() || a.String() != b.String() {
			t.Errorf("%s condition: %q != %q", d, a.Key(), b.Key())
		}
		if c := run(a, "T9 acquire", "T9 c1.notifyall", "T9 c2.notifyall", "T9 release", "T5 c1.wait", "T5 release", "T2 c2.wait", "T2 release"); c.Key() != cond.Key() {
			t.Errorf("%s condition: all done %q != initial %q", d, c.Key(), cond.Key())
		}
		// Different states, different keys.
		if a, b := run(lock, "T0 acquire", "T1 acquire", "T2 acquire"), run(lock, "T0 acquire", "T2 acquire", "T1 acquire"); a.Key() == b.Key() {
			t.Errorf("%s lock: queue order not in the key", d)
		}
		if a, b := run(lock, "T0 acquire", "T1 acquire"), run(lock, "T0 acquire", "T1 acquire", "T1 cancel"); a.Key() == b.Key() {
			t.Errorf("%s lock: a cancel not in the key", d)
		}
	}
}

// Transitions never modify the receiver, even when the same state is used
// for several successors (slices are not shared for writing).
func TestImmutability(t *testing.T) {
	for _, d := range Dialects {
		m, _ := New(Condition, d, Params{"conditions": 2})
		for _, s := range [][2]any{{0, "acquire"}, {0, "c1.wait"}, {1, "acquire"}, {1, "c1.wait"}, {2, "acquire"}, {3, "acquire"}} {
			m = m.Invoke(s[0].(int), op(t, s[1].(string)))[0].Next
		}
		before := snapshot(m, 6)
		// Branch off the same state many ways, then keep going on each.
		var kids []Model
		for _, o := range m.Invoke(2, op(t, "c1.notify 1")) {
			kids = append(kids, o.Next)
		}
		kids = append(kids, m.Cancel(0)[0].Next, m.Cancel(1)[0].Next, m.Invoke(2, op(t, "release"))[0].Next)
		for _, k := range kids {
			for task := 0; task < 4; task++ {
				if k.Status(task) == Runnable {
					k.Resume(task)
				}
				k.Cancel(task)
			}
		}
		if after := snapshot(m, 6); after != before {
			t.Errorf("%s: state changed:\n%s\n%s", d, before, after)
		}
	}
}

func TestAPIEdges(t *testing.T) {
	if _, err := New(Lock, "asyncio-3.8", Params{}); err == nil {
		t.Error("unknown dialect accepted")
	}
	if _, err := New("nosuch", Go, Params{}); err == nil {
		t.Error("unknown primitive accepted")
	}
	if _, err := New(Lock, Go, Params{"value": 1}); err == nil || !strings.Contains(err.Error(), `no parameter "value"`) {
		t.Errorf("a parameter of another primitive accepted: %v", err)
	}
	if _, err := New(Semaphore, Go, Params{"value": -1}); err == nil || !strings.Contains(err.Error(), "must be in [0,") {
		t.Errorf("a negative semaphore value accepted: %v", err)
	}
	c, err := New(Condition, Go, Params{})
	if err != nil || !strings.Contains(c.String(), "c1 queue") || strings.Contains(c.String(), "c2 queue") {
		t.Errorf("Conditions 0 should mean 1: %v %s", err, c)
	}
	for _, p := range Primitives {
		for _, d := range Describe(p).AllDialects() {
			m, err := New(p, d, nil)
			if err != nil {
				t.Fatal(err)
			}
			if m.Primitive() != p || m.Dialect() != d {
				t.Errorf("%s/%s reports %s/%s", p, d, m.Primitive(), m.Dialect())
			}
			if m.Check() != nil {
				t.Errorf("%s/%s: initial state unsound: %v", p, d, m.Check())
			}
			if m.Status(1000) != Idle || m.Resume(1000) != nil {
				t.Errorf("%s/%s: a task never seen is not idle", p, d)
			}
			if os := m.Cancel(1000); len(os) != 1 || os[0].Next.Key() != m.Key() {
				t.Errorf("%s/%s: cancel of an idle task is not a no-op", p, d)
			}
			for _, k := range kinds(p, d) {
				if os := m.Invoke(1000, Op{Kind: k}); len(os) == 0 {
					t.Errorf("%s/%s: %v gives no outcome", p, d, k)
				}
			}
			mustPanic(t, fmt.Sprintf("%s negative task", p), func() { m.Status(-1) })
			mustPanic(t, fmt.Sprintf("%s unsupported op", p), func() { m.Invoke(0, Op{Kind: "no-such-op"}) })
		}
	}
	cond, _ := New(Condition, Go, Params{"conditions": 2})
	mustPanic(t, "condition out of range", func() { cond.Invoke(0, Op{Kind: Notify, Cond: 2}) })
	if got := named(cond.Invoke(0, Op{Kind: Acquire})[0].Next.Invoke(0, Op{Kind: Wait})[0].Next, func(int) string { return "W" }); !strings.Contains(got, "c1 queue: W(waiting)") {
		t.Errorf("Describe: %s", got)
	}
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}
