package judge

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
	"github.com/syncheck/syncheck/specs"
)

func ops(kinds ...any) []model.Op {
	var out []model.Op
	for i := 0; i < len(kinds); i++ {
		op := model.Op{Kind: kinds[i].(model.Kind)}
		if i+1 < len(kinds) {
			if a, ok := kinds[i+1].(int); ok {
				op.Arg = a
				i++
			}
		}
		out = append(out, op)
	}
	return out
}

func done(op model.Op) model.Op { op.CtxDone = true; return op }

type program struct {
	name   string
	prim   model.Primitive
	params model.Params
	tasks  []scenario.Task
}

const (
	acq  = model.Acquire
	try  = model.TryAcquire
	rel  = model.Release
	lck  = model.Locked
	wt   = model.Wait
	wfor = model.WaitFor
	ntf  = model.Notify
	nall = model.NotifyAll
	add  = model.Add
	set  = model.Set
	clr  = model.Clear
	iss  = model.IsSet
	val  = model.Value
)

// programs are run by the built-in implementations: every execution must
// pass every judge. Some never finish (waiters nobody wakes): those end
// quiescent.
var programs = []program{
	{"lock", model.Lock, model.Params{}, []scenario.Task{
		{Name: "A", Ops: ops(acq, rel, acq, rel)},
		{Name: "B", Ops: ops(acq, lck, rel)},
		{Name: "C", Ops: append(ops(try, acq), done(model.Op{Kind: acq}), model.Op{Kind: rel})},
	}},
	{"lock-stuck", model.Lock, model.Params{}, []scenario.Task{
		{Name: "A", Ops: ops(acq, rel, acq)},
		{Name: "B", Ops: ops(acq, acq)},
		{Name: "C", Ops: ops(rel, acq, rel)},
	}},
	{"event", model.Event, model.Params{}, []scenario.Task{
		{Name: "W1", Ops: ops(wt, iss, wt)},
		{Name: "W2", Ops: append(ops(wt), done(model.Op{Kind: wt}))},
		{Name: "S", Ops: ops(clr, set, clr, set, clr)},
	}},
	{"condition", model.Condition, model.Params{"conditions": 1}, benchCondProgram},
	{"condition-waitfor", model.Condition, model.Params{"conditions": 2}, []scenario.Task{
		{Name: "C", Ops: ops(acq, wfor, 2, rel, acq, wt, rel)},
		{Name: "P", Ops: ops(acq, add, 1, ntf, 1, rel, acq, add, 1, nall, rel)},
		{Name: "Q", Ops: []model.Op{{Kind: acq}, {Kind: wt, Cond: 1}, {Kind: ntf, Arg: 2}, {Kind: rel}, {Kind: acq}, {Kind: nall, Cond: 1}, {Kind: rel}}},
	}},
	{"semaphore", model.Semaphore, model.Params{"value": 1}, []scenario.Task{
		{Name: "A", Ops: ops(acq, val, rel, acq, rel)},
		{Name: "B", Ops: ops(acq, lck, rel)},
		{Name: "C", Ops: append(ops(try), done(model.Op{Kind: acq}), model.Op{Kind: acq}, model.Op{Kind: rel})},
	}},
	{"semaphore-2", model.Semaphore, model.Params{"value": 2}, []scenario.Task{
		{Name: "A", Ops: ops(acq, acq, rel, rel)},
		{Name: "B", Ops: ops(acq, acq, rel)},
		{Name: "C", Ops: ops(acq, val, rel, rel)},
	}},
	{"bounded", model.BoundedSemaphore, model.Params{"value": 2}, []scenario.Task{
		{Name: "A", Ops: ops(acq, rel, rel)},
		{Name: "B", Ops: ops(acq, acq, val, rel)},
		{Name: "C", Ops: ops(try, rel, acq, rel)},
	}},
}

func builtinTarget(t testing.TB, p model.Primitive) *harness.Target {
	t.Helper()
	tg, err := prims.Builtin(p)
	if err != nil {
		t.Fatal(err)
	}
	return &tg
}

func strategies(seed uint64, tasks int) []scheduler.Strategy {
	return []scheduler.Strategy{
		scheduler.Uniform(scheduler.NewPCG(seed)),
		scheduler.Uniform(scheduler.NewPCG(seed ^ uint64(tasks)<<32 ^ 0x5bd1e995)),
	}
}

// TestBuiltinExecutionsPass: every execution of the built-in primitives,
// under random and PCT schedules, passes every judge.
func TestBuiltinExecutionsPass(t *testing.T) {
	seeds := uint64(150)
	if testing.Short() || raceEnabled {
		seeds = 50
	}
	for _, pg := range programs {
		t.Run(pg.name, func(t *testing.T) {
			tg := builtinTarget(t, pg.prim)
			outcomes := map[scheduler.Ending]int{}
			for seed := uint64(0); seed < seeds; seed++ {
				for _, st := range strategies(seed, len(pg.tasks)) {
					e := harness.RunProgram(pg.tasks, pg.params, tg, st, 10_000)
					outcomes[e.Outcome.Ending]++
					in := NewInput(e, pg.tasks, pg.prim, model.Go, pg.params)
					if !in.ParksKnown {
						t.Fatalf("seed %d: parks not found in the trace", seed)
					}
					vs := Judge(in, Options{})
					for _, v := range vs {
						if v.Status != Pass {
							t.Fatalf("seed %d (%s): %s %s: %s\n%s", seed, e.Outcome.Ending, v.Property, v.Status, v.Message, dump(in))
						}
					}
				}
			}
			t.Logf("%v", outcomes)
		})
	}
}

// specHistory turns a scenario's steps into a history, with the outcome
// the implementation produced (go) or the one the scenario expects
// (asyncio dialects, when it expects exactly one at every step; ok false
// otherwise).
func specHistory(t *testing.T, sc *scenario.Scenario) (Input, bool) {
	var res *harness.SpecResult
	if sc.Dialect == model.Go {
		res = harness.RunSpec(sc, builtinTarget(t, sc.Primitive))
	} else {
		res = harness.RunSpec(sc, nil)
	}
	if res.Failed() {
		t.Fatalf("spec fails: %s", res.Failure)
	}
	in := Input{Primitive: sc.Primitive, Dialect: sc.Dialect, Params: sc.Params, Tasks: len(sc.Tasks), ParksKnown: true, Invariants: prims.InvariantOf(sc.Primitive)}
	for _, tk := range sc.Tasks {
		in.Names = append(in.Names, tk.Name)
	}
	inflight := make([]bool, len(sc.Tasks))
	parked := make([]bool, len(sc.Tasks))
	for _, sr := range res.Steps {
		st := sr.Step
		if st.Kind == scenario.Cancel {
			if inflight[st.Task] {
				in.History = append(in.History, history.Event{Kind: history.Cancel, Task: st.Task})
			}
			continue
		}
		var out scenario.Expect
		switch {
		case sr.Impl != nil:
			out = *sr.Impl
		case len(st.Expect) == 1:
			out = st.Expect[0]
		case len(sr.Allowed) == 1:
			out = sr.Allowed[0]
		default:
			return in, false
		}
		if !inflight[st.Task] {
			in.History = append(in.History, history.Event{Kind: history.Call, Task: st.Task, Op: st.Op})
			inflight[st.Task], parked[st.Task] = true, false
		}
		if out.Kind == scenario.ExpectBlocks {
			if !parked[st.Task] {
				parked[st.Task] = true
				in.Parks = append(in.Parks, history.Park{Task: st.Task, At: len(in.History)})
			}
			continue
		}
		r := model.Result{Err: out.Err, Bool: out.Bool, Int: out.Int}
		if out.Kind != scenario.ExpectErr {
			r.Err = model.OK
		}
		in.History = append(in.History, history.Event{Kind: history.Return, Task: st.Task, Op: st.Op, Result: r})
		inflight[st.Task] = false
	}
	return in, true
}

func specScenarios(t *testing.T) []*scenario.Scenario {
	t.Helper()
	scs, err := specs.All()
	if err != nil {
		t.Fatal(err)
	}
	return scs
}

// TestSpecHistoriesPass: the executable specification, as histories (with
// cancels in the wake window): the go ones as impl ran them, the asyncio
// ones as the scenarios expect. All pass under their dialect.
func TestSpecHistoriesPass(t *testing.T) {
	n := 0
	for _, sc := range specScenarios(t) {
		in, ok := specHistory(t, sc)
		if !ok {
			continue
		}
		n++
		for _, v := range Judge(in, Options{}) {
			if v.Status != Pass && !(v.Property == Quiescence && v.Status == Skipped) {
				t.Errorf("%s: %s %s: %s\n%s", sc.File, v.Property, v.Status, v.Message, dump(in))
			}
		}
	}
	if n < 40 {
		t.Fatalf("only %d scenarios judged", n)
	}
}

// corpus gathers histories for the cross-checks: built-in executions,
// spec histories, and mutants of both (a result changed, two events of
// different tasks swapped).
func corpus(t *testing.T, n, mutants int) []Input {
	var ins []Input
	for _, pg := range programs {
		tg := builtinTarget(t, pg.prim)
		for seed := uint64(0); seed < uint64(n); seed++ {
			st := strategies(seed, len(pg.tasks))[seed%2]
			e := harness.RunProgram(pg.tasks, pg.params, tg, st, 10_000)
			ins = append(ins, NewInput(e, pg.tasks, pg.prim, model.Go, pg.params))
		}
	}
	for _, sc := range specScenarios(t) {
		if in, ok := specHistory(t, sc); ok {
			ins = append(ins, in)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := len(ins)
	for i := 0; i < base; i++ {
		for range mutants {
			ins = append(ins, mutate(ins[i], rng))
		}
	}
	return ins
}

func mutate(in Input, rng *rand.Rand) Input {
	h := append([]history.Event(nil), in.History...)
	in.History = h
	if len(h) < 2 {
		return in
	}
	if rng.IntN(2) == 0 {
		i := rng.IntN(len(h) - 1)
		if h[i].Task != h[i+1].Task {
			h[i], h[i+1] = h[i+1], h[i]
			return in
		}
	}
	for range 10 {
		i := rng.IntN(len(h))
		if h[i].Kind != history.Return {
			continue
		}
		r := &h[i].Result
		switch h[i].Op.Kind {
		case model.TryAcquire, model.Locked, model.IsSet:
			r.Bool = !r.Bool
		case model.Value:
			r.Int += 1 - 2*rng.IntN(2)
		default:
			r.Err = []model.Err{model.OK, model.Cancelled, model.NotLocked}[rng.IntN(3)]
		}
		return in
	}
	return in
}

// TestEnginesAgree: porcupine on the interned sets (what Judge runs),
// porcupine's own power-set construction of the NondeterministicModel, and
// the replay give the same answer for every variant of every history.
func TestEnginesAgree(t *testing.T) {
	n, mutants := 12, 3
	if testing.Short() || raceEnabled {
		n, mutants = 3, 1
	}
	legal, illegal := 0, 0
	for ci, in := range corpus(t, n, mutants) {
		p, err := prepare(in)
		if err != nil {
			continue // a mutant broke the history's shape
		}
		if raceEnabled && p.tasks > 3 {
			continue // the 6-task specs are slow under -race; checked without
		}
		for _, v := range []variant{{}, {quiesce: in.Quiescent}, {strict: p.parks}, {strict: p.parks, quiesce: in.Quiescent}} {
			r1 := p.check(v, 10*time.Second)
			s := newSpace(p)
			nd := s.nondeterministic()
			r2 := porcupine.CheckOperationsTimeout(nd.ToModel(), p.operations(v), 10*time.Second)
			rp := newReplay(p, v, time.Time{}).run(len(p.in.History) + len(p.calls) + 1)
			r3 := porcupine.Illegal
			if rp.ok {
				r3 = porcupine.Ok
			}
			if r1 != r2 || r1 != r3 {
				t.Fatalf("history %d %+v: sets %s, nondeterministic %s, replay %s\n%s", ci, v, r1, r2, r3, dump(in))
			}
			if r1 == porcupine.Ok {
				legal++
			} else {
				illegal++
			}
		}
	}
	t.Logf("%d legal, %d illegal", legal, illegal)
	if illegal == 0 || legal == 0 {
		t.Fatal("the corpus does not exercise both answers")
	}
}

// TestFailuresExplained: every failure in the corpus comes with a message
// and, for Linearizability, a step; Judge is deterministic.
func TestFailuresExplainedAndDeterministic(t *testing.T) {
	n, mutants := 6, 3
	if testing.Short() || raceEnabled {
		n, mutants = 2, 1
	}
	fails := map[Property]int{}
	for ci, in := range corpus(t, n, mutants) {
		if _, err := prepare(in); err != nil {
			continue // a mutant broke the history's shape
		}
		vs := Judge(in, Options{})
		for _, v := range vs {
			if v.Status == Fail {
				fails[v.Property]++
				if v.Message == "" {
					t.Fatalf("history %d: %s fails without a message", ci, v.Property)
				}
				if v.Property == Linearizability && (v.At < 0 || strings.Contains(v.Message, "no single culprit")) {
					t.Fatalf("history %d: unexplained: %+v\n%s", ci, v, dump(in))
				}
			}
			if v.Status == Inconclusive {
				t.Fatalf("history %d: %s inconclusive: %s", ci, v.Property, v.Message)
			}
		}
		for range 2 {
			if again := Judge(in, Options{}); !reflect.DeepEqual(again, vs) {
				t.Fatalf("history %d: verdicts differ between runs:\n%+v\n%+v", ci, vs, again)
			}
		}
	}
	t.Logf("failures by property: %v", fails)
	if fails[Linearizability] == 0 {
		t.Fatal("no linearizability failure in the mutated corpus")
	}
}

// hardHistory is an Event history porcupine cannot refute quickly: n
// concurrent isset calls returning false, one returning true, and no set.
func hardHistory(n int) Input {
	in := Input{Primitive: model.Event, Dialect: model.Go, Tasks: n + 1, Invariants: prims.InvariantOf(model.Event)}
	for i := 0; i <= n; i++ {
		in.History = append(in.History, history.Event{Kind: history.Call, Task: i, Op: model.Op{Kind: model.IsSet}})
	}
	for i := 0; i <= n; i++ {
		in.History = append(in.History, history.Event{Kind: history.Return, Task: i, Op: model.Op{Kind: model.IsSet}, Result: model.Result{Bool: i == n}})
	}
	return in
}

func TestTimeoutIsInconclusive(t *testing.T) {
	// The deadline is gone before the search starts.
	in := hist(t, model.Lock, model.Go, model.Params{}, "A acquire -> ok\nB acquire -> ok")
	vs := Judge(in, Options{Timeout: time.Nanosecond})
	for _, pr := range []Property{Linearizability, Quiescence, Fairness} {
		want(t, vs, pr, Inconclusive, "ran out of time")
	}
	want(t, vs, Invariant, Fail) // direct, no search
	// porcupine itself times out (Unknown).
	start := time.Now()
	vs = Judge(hardHistory(40), Options{Timeout: 50 * time.Millisecond})
	if el := time.Since(start); el > 2*time.Second {
		t.Errorf("a 50ms judgement took %v", el)
	}
	want(t, vs, Linearizability, Inconclusive, "ran out of time")
	want(t, vs, Quiescence, Inconclusive)
	want(t, vs, Invariant, Pass)
	// A small one is refuted.
	want(t, Judge(hardHistory(3), Options{}), Linearizability, Fail, "returned true", "false")
}

// TestParksFromTrace: the registration points read off the trace lie in
// their calls' intervals, and every call that blocked has one.
func TestParksFromTrace(t *testing.T) {
	pg := programs[1] // lock-stuck: B's second acquire always parks
	tg := builtinTarget(t, pg.prim)
	for seed := uint64(0); seed < 30; seed++ {
		e := harness.RunProgram(pg.tasks, pg.params, tg, scheduler.Uniform(scheduler.NewPCG(seed)), 10_000)
		parks, err := ParksFromTrace(e.History, e.Trace)
		if err != nil {
			t.Fatal(err)
		}
		in := NewInput(e, pg.tasks, pg.prim, model.Go, pg.params)
		p, err := prepare(in)
		if err != nil {
			t.Fatal(err)
		}
		if e.Outcome.Ending == scheduler.Quiescent {
			for _, tk := range in.Parked {
				k := p.byTask[tk][len(p.byTask[tk])-1]
				if p.calls[k].parkAt < 0 {
					t.Fatalf("seed %d: %s is parked at the end but has no park point", seed, p.name(tk))
				}
			}
		}
		if len(parks) == 0 {
			t.Fatalf("seed %d: no park", seed)
		}
	}
	// A history the trace does not match.
	e := harness.RunProgram(pg.tasks, pg.params, tg, scheduler.Uniform(scheduler.NewPCG(1)), 10_000)
	if _, err := ParksFromTrace(e.History[1:], e.Trace); err == nil {
		t.Fatal("a truncated history matched the trace")
	}
}

// TestPorcupineVisualization: the model and operations Judge uses render
// with porcupine's visualizer.
func TestPorcupineVisualization(t *testing.T) {
	in := hist(t, model.Condition, model.Go, cond1, lostNotification)
	m, ops, err := Porcupine(in, true, true)
	if err != nil {
		t.Fatal(err)
	}
	res, info := porcupine.CheckOperationsVerbose(m, ops, time.Second)
	if res != porcupine.Illegal {
		t.Fatalf("with quiescence: %s", res)
	}
	var b bytes.Buffer
	if err := porcupine.Visualize(m, info, &b); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"W2 wait: enter (parks)", "cancel W1", "W1 wait -\\u003e cancelled"} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	m, ops, _ = Porcupine(in, true, false)
	if res := porcupine.CheckOperations(m, ops); !res {
		t.Fatal("without quiescence the history is linearizable")
	}
}

// TestFastSearch: the fast search (search.go) answers "linearizable" only
// where porcupine does, on fresh spaces and on one space reused for every
// history of the corpus, and it finds the linearization of every legal
// history of the corpus within its budget (else the fast path would be
// slow, not wrong).
func TestFastSearch(t *testing.T) {
	n, mutants := 12, 3
	if testing.Short() || raceEnabled {
		n, mutants = 3, 1
	}
	legal, found := 0, 0
	var reused *space
	for ci, in := range corpus(t, n, mutants) {
		p, err := prepare(in)
		if err != nil {
			continue
		}
		if raceEnabled && p.tasks > 3 {
			continue
		}
		for _, v := range []variant{{}, {quiesce: in.Quiescent}, {strict: p.parks}, {strict: p.parks, quiesce: in.Quiescent}} {
			ops := p.operations(v)
			s := newSpace(p)
			s.sign(ops)
			want := porcupine.CheckOperationsTimeout(s.porcupineModel(), ops, 10*time.Second)
			fresh := newSpace(p)
			fresh.sign(ops)
			got := fresh.linearizable(ops, time.Now().Add(10*time.Second))
			if reused == nil || !reused.fits(p) {
				reused = newSpace(p)
			}
			reused.p = p
			reused.sign(ops)
			again := reused.linearizable(ops, time.Now().Add(10*time.Second))
			if (got || again) && want != porcupine.Ok {
				t.Fatalf("history %d %+v: the fast search found a linearization (fresh %v, reused %v), porcupine says %s\n%s", ci, v, got, again, want, dump(in))
			}
			if got != again {
				t.Fatalf("history %d %+v: fresh space %v, reused space %v\n%s", ci, v, got, again, dump(in))
			}
			if want == porcupine.Ok {
				legal++
				if got {
					found++
				}
			}
		}
	}
	t.Logf("the fast search found %d of %d legal histories", found, legal)
	if found != legal || legal == 0 {
		t.Errorf("the fast search found %d of %d legal histories", found, legal)
	}
}
