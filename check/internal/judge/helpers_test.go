package judge

import (
	"strconv"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// hist builds an Input by hand from a small text, one event per line:
//
//	A acquire -> ok       A calls acquire and it returns ok (or, if A has an
//	                      acquire in flight, that call returns ok)
//	W acquire ...         W calls acquire and parks (a registration point)
//	W acquire             W calls acquire (no park recorded)
//	cancel W              the driver cancels W's call in flight
//	end quiescent         the run ended quiescent; whoever has a call in
//	                      flight is parked
//
// Ops are written as in the scenario language (c2.wait, notify 1,
// acquire!); results are ok, cancelled, not-locked, released-too-often,
// true, false or an integer. Parks are known unless a line "noparks"
// appears.
func hist(t testing.TB, prim model.Primitive, d model.Dialect, params model.Params, src string) Input {
	t.Helper()
	in := Input{Primitive: prim, Dialect: d, Params: params, ParksKnown: true, Invariants: prims.InvariantOf(prim)}
	ids := map[string]int{}
	task := func(name string) int {
		if id, ok := ids[name]; ok {
			return id
		}
		ids[name] = len(in.Names)
		in.Names = append(in.Names, name)
		in.Tasks = len(in.Names)
		return ids[name]
	}
	inflight := map[int]*model.Op{}
	for n, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		switch {
		case line == "noparks":
			in.ParksKnown = false
			continue
		case line == "end quiescent":
			in.Quiescent = true
			for tk := 0; tk < in.Tasks; tk++ {
				if inflight[tk] != nil {
					in.Parked = append(in.Parked, tk)
				}
			}
			continue
		case f[0] == "cancel":
			in.History = append(in.History, history.Event{Kind: history.Cancel, Task: task(f[1])})
			continue
		}
		tk := task(f[0])
		var opToks []string
		var rest []string
		for i := 1; i < len(f); i++ {
			if f[i] == "->" || f[i] == "..." {
				rest = f[i:]
				break
			}
			opToks = append(opToks, f[i])
		}
		op := parseOp(t, n+1, opToks)
		if cur := inflight[tk]; cur == nil {
			in.History = append(in.History, history.Event{Kind: history.Call, Task: tk, Op: op})
			inflight[tk] = &op
		} else if cur.Kind != op.Kind {
			t.Fatalf("line %d: %s has %s in flight", n+1, f[0], cur.Kind)
		}
		switch {
		case len(rest) == 0:
		case rest[0] == "...":
			in.Parks = append(in.Parks, history.Park{Task: tk, At: len(in.History)})
		case len(rest) == 2:
			in.History = append(in.History, history.Event{Kind: history.Return, Task: tk, Op: *inflight[tk], Result: parseResult(t, n+1, rest[1])})
			inflight[tk] = nil
		default:
			t.Fatalf("line %d: bad %q", n+1, line)
		}
	}
	return in
}

func parseOp(t testing.TB, line int, toks []string) model.Op {
	t.Helper()
	if len(toks) == 0 {
		t.Fatalf("line %d: no op", line)
	}
	var op model.Op
	name := toks[0]
	if strings.HasPrefix(name, "c") && strings.Contains(name, ".") {
		i := strings.Index(name, ".")
		c, err := strconv.Atoi(name[1:i])
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		op.Cond = c - 1
		name = name[i+1:]
	}
	if strings.HasSuffix(name, "!") {
		op.CtxDone = true
		name = strings.TrimSuffix(name, "!")
	}
	op.Kind = model.Kind(name)
	if _, ok := model.Describe(model.Condition).Op(op.Kind); !ok && op.Kind != model.Value && op.Kind != model.Set && op.Kind != model.Clear && op.Kind != model.IsSet {
		t.Fatalf("line %d: unknown op %q", line, name)
	}
	if len(toks) > 1 {
		a, err := strconv.Atoi(toks[1])
		if err != nil {
			t.Fatalf("line %d: %v", line, err)
		}
		op.Arg = a
	}
	return op
}

func parseResult(t testing.TB, line int, tok string) model.Result {
	t.Helper()
	switch tok {
	case "true":
		return model.Result{Bool: true}
	case "false":
		return model.Result{}
	}
	switch e := model.Err(tok); e {
	case "ok":
		return model.Result{}
	case model.Cancelled, model.NotLocked, model.ReleasedTooOften:
		return model.Result{Err: e}
	}
	if v, err := strconv.Atoi(tok); err == nil {
		return model.Result{Int: v}
	}
	t.Fatalf("line %d: bad result %q", line, tok)
	return model.Result{}
}

// verdict returns the verdict about pr.
func verdict(vs []Verdict, pr Property) Verdict {
	for _, v := range vs {
		if v.Property == pr {
			return v
		}
	}
	return Verdict{Property: pr, Status: Inconclusive, Message: "missing"}
}

// want checks verdict pr's status and that its message contains every
// fragment.
func want(t *testing.T, vs []Verdict, pr Property, st Status, fragments ...string) {
	t.Helper()
	v := verdict(vs, pr)
	if v.Status != st {
		t.Errorf("%s: %s (%q), want %s", pr, v.Status, v.Message, st)
		return
	}
	for _, f := range fragments {
		if !strings.Contains(v.Message, f) && !strings.Contains(v.Expected, f) {
			t.Errorf("%s: message %q (expected %q) lacks %q", pr, v.Message, v.Expected, f)
		}
	}
}

func allPass(t *testing.T, what string, vs []Verdict) {
	t.Helper()
	for _, v := range vs {
		if v.Status != Pass {
			t.Errorf("%s: %s %s: %s (expected %q, at %d)", what, v.Property, v.Status, v.Message, v.Expected, v.At)
		}
	}
}

func dump(in Input) string {
	var b strings.Builder
	for i, e := range in.History {
		b.WriteString(strconv.Itoa(i+1) + ": " + e.String() + "\n")
	}
	for _, p := range in.Parks {
		b.WriteString("park T" + strconv.Itoa(p.Task) + " after " + strconv.Itoa(p.At) + "\n")
	}
	return b.String()
}

// NewInput makes the Input of an execution of tasks, with its registration
// points (when the trace can be matched with the history).
func NewInput(e *harness.Record, tasks []scenario.Task, prim model.Primitive, d model.Dialect, params model.Params) Input {
	in := Input{Primitive: prim, Dialect: d, Params: params, Tasks: len(tasks), History: e.History, Invariants: prims.InvariantOf(prim)}
	for _, t := range tasks {
		in.Names = append(in.Names, t.Name)
	}
	in.Quiescent, in.Parked = e.ParkedAtEnd()
	in.Parks, in.ParksKnown = e.Registrations()
	return in
}

// ParksFromTrace is harness's.
var ParksFromTrace = harness.ParksFromTrace
