package model

// A small driver that runs a model through a script that reads like the
// probes: one step per line, in the spirit of specs/README.md's scenario
// language (but self-contained, so that model's tests depend on nothing else).
//
//	# comment
//	W1 acquire -> ok            W1 calls acquire (or resumes, if parked); the
//	                            results the model allows must be exactly {ok}
//	W1 c2.wait -> blocks        Condition c2; "blocks" = the task parked
//	W1 acquire! -> cancelled    "!" = the call's ctx is already done (CtxDone)
//	W1 wait -> ok|cancelled : cancelled
//	                            two results allowed; follow the cancelled ones
//	W1 wait                     no expectation: follow whatever is allowed
//	step W1 wait -> runs|blocks one transition only, not run until the call
//	                            returns or parks: "runs" = still runnable
//	                            (between two phases of its call)
//	cancel W1                   cancel W1's call in flight
//	status W1=waiting W2=idle   every tracked state agrees
//	state locked=false; lock queue: W(granted)
//	                            every tracked state's Describe contains this
//	branches 2                  how many distinct states are tracked
//	only W1 in c1.wait lock re-acquired
//	                            keep the tracked states whose Describe
//	                            contains this (at least one must)
//	[go] line                   the line applies to dialect go only; also
//	[3.11] [3.13] [asyncio] [x/sync] [go,3.13] ...
//
// Like check's runner, the driver tracks every state consistent with what
// was observed. After every transition it asserts the model's own contract:
// the receiver is unchanged (immutability), a call that did not return left
// its task Waiting, Check() is nil, Cancel has exactly one outcome.

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

type script struct {
	t        *testing.T
	d        Dialect
	names    []string
	ms       []Model
	line     int
	lineText string
}

func (s *script) name(t int) string { return s.names[t] }

func (s *script) task(n string) int {
	if i := slices.Index(s.names, n); i >= 0 {
		return i
	}
	s.names = append(s.names, n)
	return len(s.names) - 1
}

func (s *script) fatalf(format string, args ...any) {
	s.t.Helper()
	var st []string
	for _, m := range s.ms {
		st = append(st, "  "+named(m, s.name))
	}
	s.t.Fatalf("%s line %d %q: %s\nstates:\n%s", s.d, s.line, s.lineText, fmt.Sprintf(format, args...), strings.Join(st, "\n"))
}

// runScript runs src against a fresh model of p for each dialect in ds.
func runScript(t *testing.T, p Primitive, params Params, ds []Dialect, src string) {
	t.Helper()
	for _, d := range ds {
		t.Run(string(d), func(t *testing.T) {
			m, err := New(p, d, params)
			if err != nil {
				t.Fatal(err)
			}
			s := &script{t: t, d: d, ms: []Model{m}}
			for i, raw := range strings.Split(src, "\n") {
				s.line, s.lineText = i+1, strings.TrimSpace(raw)
				s.step(s.lineText)
			}
		})
	}
}

var all = Dialects

var asyncioDialects = []Dialect{Asyncio311, Asyncio313}

func (s *script) applies(tags string) bool {
	for _, tag := range strings.Split(tags, ",") {
		switch strings.TrimSpace(tag) {
		case "go":
			if s.d == Go {
				return true
			}
		case "3.11":
			if s.d == Asyncio311 {
				return true
			}
		case "3.13":
			if s.d == Asyncio313 {
				return true
			}
		case "asyncio":
			if s.d.asyncio() {
				return true
			}
		case "x/sync":
			if s.d == XSync {
				return true
			}
		default:
			s.fatalf("unknown dialect tag %q", tag)
		}
	}
	return false
}

func (s *script) step(line string) {
	s.t.Helper()
	if i := strings.Index(line, "#"); i >= 0 {
		line = strings.TrimSpace(line[:i])
	}
	if line == "" {
		return
	}
	if strings.HasPrefix(line, "[") {
		end := strings.Index(line, "]")
		if !s.applies(line[1:end]) {
			// Still register the task names, so that names map to the same
			// ints in every dialect.
			if f := strings.Fields(line[end+1:]); len(f) > 0 && f[0] != "status" && f[0] != "state" && f[0] != "branches" && f[0] != "only" {
				if f[0] == "step" {
					f = f[1:]
				}
				if f[0] == "cancel" {
					s.task(f[1])
				} else {
					s.task(f[0])
				}
			}
			return
		}
		line = strings.TrimSpace(line[end+1:])
	}
	f := strings.Fields(line)
	switch f[0] {
	case "cancel":
		s.cancel(s.task(f[1]))
	case "status":
		for _, kv := range f[1:] {
			n, want, _ := strings.Cut(kv, "=")
			t := s.task(n)
			for _, m := range s.ms {
				if got := m.Status(t).String(); got != want {
					s.fatalf("status of %s is %s, want %s", n, got, want)
				}
			}
		}
	case "state":
		want := strings.TrimSpace(strings.TrimPrefix(line, "state"))
		for _, m := range s.ms {
			if got := named(m, s.name); !strings.Contains(got, want) {
				s.fatalf("state %q does not contain %q", got, want)
			}
		}
	case "branches":
		n, _ := strconv.Atoi(f[1])
		if len(s.ms) != n {
			s.fatalf("%d states tracked, want %d", len(s.ms), n)
		}
	case "only":
		want := strings.TrimSpace(strings.TrimPrefix(line, "only"))
		var keep []Model
		for _, m := range s.ms {
			if strings.Contains(named(m, s.name), want) {
				keep = append(keep, m)
			}
		}
		if len(keep) == 0 {
			s.fatalf("no tracked state contains %q", want)
		}
		s.ms = keep
	case "step":
		s.run(strings.TrimSpace(strings.TrimPrefix(line, "step")), false)
	default:
		s.run(line, true)
	}
}

// parseOp reads "[cK.]name[!] [arg]".
func (s *script) parseOp(f []string) Op {
	var op Op
	name := f[0]
	if strings.HasPrefix(name, "c") && strings.Contains(name, ".") {
		c, rest, _ := strings.Cut(name, ".")
		k, err := strconv.Atoi(c[1:])
		if err != nil {
			s.fatalf("bad condition prefix %q", c)
		}
		op.Cond, name = k-1, rest
	}
	if strings.HasSuffix(name, "!") {
		op.CtxDone, name = true, strings.TrimSuffix(name, "!")
	}
	op.Kind = Kind(name)
	if !blocking[op.Kind] && !slices.ContainsFunc(registry, func(d *Descriptor) bool { _, ok := d.Op(op.Kind); return ok }) {
		s.fatalf("unknown op %q", name)
	}
	if len(f) > 1 {
		n, err := strconv.Atoi(f[1])
		if err != nil {
			s.fatalf("bad argument %q", f[1])
		}
		op.Arg = n
	}
	return op
}

// token is how a result is written in a script.
func token(p Primitive, op Op, o Outcome) string {
	switch {
	case !o.Done:
		return "blocks"
	case o.Result.Err != OK:
		return o.Result.Err.String()
	}
	switch spec, _ := Describe(p).Op(op.Kind); {
	case spec.Bool:
		return strconv.FormatBool(o.Result.Bool)
	case spec.Int:
		return strconv.Itoa(o.Result.Int)
	}
	return "ok"
}

// run takes one step of a task: it calls its next op or resumes it, then
// (with settle) resumes it until its call returns or it parks.
func (s *script) run(line string, settle bool) {
	s.t.Helper()
	lhs, rhs, hasExp := strings.Cut(line, "->")
	f := strings.Fields(lhs)
	t := s.task(f[0])
	op := s.parseOp(f[1:])
	var wantSet, follow []string
	if hasExp {
		exp, fol, hasFol := strings.Cut(rhs, ":")
		for _, x := range strings.Split(exp, "|") {
			wantSet = append(wantSet, strings.TrimSpace(x))
		}
		follow = wantSet
		if hasFol {
			follow = strings.Fields(strings.ReplaceAll(fol, "|", " "))
		}
	}
	type res struct {
		tok string
		o   Outcome
	}
	var rs []res
	for _, m := range s.ms {
		var os []Outcome
		switch st := m.Status(t); st {
		case Idle:
			os = s.transition(m, t, func() []Outcome { return m.Invoke(t, op) }, true)
		case Runnable:
			os = s.transition(m, t, func() []Outcome { return m.Resume(t) }, true)
		default:
			s.fatalf("%s is %v: it cannot take a step", f[0], st)
		}
		if len(os) == 0 {
			s.fatalf("no outcome")
		}
		if settle {
			os = s.settle(t, os)
		}
		for _, o := range os {
			tok := token(s.ms[0].Primitive(), op, o)
			if !o.Done && o.Next.Status(t) == Runnable {
				tok = "runs"
			}
			rs = append(rs, res{tok, o})
		}
	}
	var got []string
	for _, r := range rs {
		if !slices.Contains(got, r.tok) {
			got = append(got, r.tok)
		}
	}
	if hasExp {
		sort.Strings(got)
		w := slices.Clone(wantSet)
		sort.Strings(w)
		if !slices.Equal(got, w) {
			s.fatalf("allowed results %v, want %v", got, w)
		}
	}
	var next []Model
	seen := map[string]bool{}
	for _, r := range rs {
		if hasExp && !slices.Contains(follow, r.tok) {
			continue
		}
		if k := r.o.Next.Key(); !seen[k] {
			seen[k] = true
			next = append(next, r.o.Next)
		}
	}
	s.ms = next
}

func (s *script) cancel(t int) {
	s.t.Helper()
	var next []Model
	for _, m := range s.ms {
		os := s.transition(m, t, func() []Outcome { return m.Cancel(t) }, false)
		if len(os) != 1 || os[0].Done {
			s.fatalf("Cancel gave %d outcomes (done=%v), want one that completes nothing", len(os), len(os) > 0 && os[0].Done)
		}
		next = append(next, os[0].Next)
	}
	s.ms = next
}

// settle resumes t again in every outcome where its call neither returned
// nor parked (a Go WaitFor holding the lock between two waits): a step runs
// the task until its call returns or it parks.
func (s *script) settle(t int, os []Outcome) []Outcome {
	var out []Outcome
	for _, o := range os {
		if o.Done || o.Next.Status(t) != Runnable {
			out = append(out, o)
			continue
		}
		m := o.Next
		out = append(out, s.settle(t, s.transition(m, t, func() []Outcome { return m.Resume(t) }, true))...)
	}
	return out
}

// transition runs f on m and checks the model contract around it.
func (s *script) transition(m Model, t int, f func() []Outcome, call bool) []Outcome {
	s.t.Helper()
	if err := assertTransition(m, t, f, call); err != nil {
		s.fatalf("%v", err)
	}
	return f()
}

// assertTransition checks, for one transition of task t on m: the receiver is
// unchanged, every outcome's state is sound (Check), a call that did not
// return left t in flight (Waiting, or Runnable between two phases), and the transition is deterministic (same outcomes
// twice).
func assertTransition(m Model, t int, f func() []Outcome, call bool) error {
	const tasks = 5
	before := snapshot(m, tasks)
	os := f()
	if after := snapshot(m, tasks); after != before {
		return fmt.Errorf("receiver changed by the transition:\nbefore %s\nafter  %s", before, after)
	}
	for _, o := range os {
		if err := o.Next.Check(); err != nil {
			return fmt.Errorf("Check: %v in %s", err, o.Next)
		}
		if call && !o.Done && o.Next.Status(t) == Idle {
			return fmt.Errorf("call not done but T%d is %v in %s", t, o.Next.Status(t), o.Next)
		}
		if o.Next.Primitive() != m.Primitive() || o.Next.Dialect() != m.Dialect() {
			return fmt.Errorf("outcome changed primitive or dialect")
		}
	}
	again := f()
	if len(again) != len(os) {
		return fmt.Errorf("nondeterministic transition")
	}
	for i := range os {
		if again[i].Done != os[i].Done || again[i].Result != os[i].Result || again[i].Next.Key() != os[i].Next.Key() {
			return fmt.Errorf("nondeterministic transition")
		}
	}
	return nil
}

func snapshot(m Model, tasks int) string {
	// Key encodes every field of the state (TestKeyCanonical, explore's
	// Key/String bijection), so it is enough to see any write.
	var b strings.Builder
	b.WriteString(m.Key())
	for t := 0; t < tasks; t++ {
		b.WriteString(" ")
		b.WriteString(m.Status(t).String())
	}
	return b.String()
}

// kinds lists primitive p's op kinds under dialect d, in its descriptor's
// order.
func kinds(p Primitive, d Dialect) []Kind {
	var out []Kind
	for _, o := range Describe(p).Ops {
		if o.In(d) {
			out = append(out, o.Kind)
		}
	}
	return out
}

// named is m.String() with task t written as name(t).
func named(m Model, name func(int) string) string {
	return m.(interface {
		StringNamed(func(int) string) string
	}).StringNamed(name)
}
