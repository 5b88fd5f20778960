package harness

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// StepResult is what one scenario step did, in the model and (when run) in
// the implementation.
type StepResult struct {
	Step scenario.Step
	// Text is the step as written in the scenario language.
	Text string
	// Allowed lists the outcomes the model allows for the step, before the
	// scenario's expectation or the implementation narrowed them.
	Allowed []scenario.Expect
	// Impl is what the implementation did; nil when it was not run.
	Impl *scenario.Expect
	// States describes the model states still possible after the step.
	States []string
	// Failure says what went wrong at this step; "" when nothing did.
	Failure string
}

// SpecResult is the verdict on one scenario.
type SpecResult struct {
	Scenario *scenario.Scenario
	// Target is the implementation run alongside the model ("" if none).
	Target string
	Steps  []StepResult
	// Failure is the first failure, as "file:line: message"; "" on success.
	Failure string
	// Malformed: the failure is the scenario's own (a step past the end
	// of its task's calls, a point its call never reaches), not the
	// implementation's or the model's.
	Malformed bool
	// Partial: the scenario has partial steps (@ POINT), so the model was
	// not followed step by step; judge the Record instead.
	Partial bool
	// Record is what the target did (nil when no target was run):
	// History, Quiescent and Parked are filled in; Trace is the scheduler's.
	Record *Record
}

// Failed reports whether the scenario failed.
func (r *SpecResult) Failed() bool { return r.Failure != "" }

// lockstep runs step st on the implementation and checks what it did
// against the scenario's expectation and the model's outcomes (outs); it
// returns how to narrow the model's states to what the implementation did.
func (drv *implRun) lockstep(sc *scenario.Scenario, st scenario.Step, sr *StepResult, mr *modelRun, outs []modelOutcome, target string) (func(modelOutcome) bool, error) {
	name := sc.Tasks[st.Task].Name
	if err := drv.checkStatus(st.Task, mr.statuses(st.Task)); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	done, r, err := drv.run(st.Task, st.Sees)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	got := scenario.Outcome(sc.Primitive, st.Op, done, r)
	sr.Impl = &got
	if !expectMatch(st.Expect, done, r) {
		return nil, fmt.Errorf("%s %s: %s %s, the scenario expects %s", name, st.Op.Kind, target, describe(got), expectList(st.Expect))
	}
	same := func(o modelOutcome) bool { return o.done == done && o.res == r }
	if !slices.ContainsFunc(outs, same) {
		return nil, fmt.Errorf("%s %s: %s %s, the %s model allows only %s", name, st.Op.Kind, target, describe(got), sc.Dialect, expectList(sr.Allowed))
	}
	return same, nil
}

// Malformed is a failure of the scenario itself: bad input.
type Malformed struct{ Err error }

func (m Malformed) Error() string { return m.Err.Error() }

// RunSpec runs sc against its dialect's model and, when target is non-nil,
// against the target under the controlled scheduler, step by step in
// lockstep. It stops at the first failure.
func RunSpec(sc *scenario.Scenario, target *Target) *SpecResult {
	res := &SpecResult{Scenario: sc}
	fail := func(line int, format string, args ...any) *SpecResult {
		for _, a := range args {
			if err, ok := a.(error); ok && errors.As(err, new(Malformed)) {
				res.Malformed = true
			}
		}
		res.Failure = fmt.Sprintf("%s:%d: %s", sc.File, line, fmt.Sprintf(format, args...))
		if n := len(res.Steps); n > 0 && res.Steps[n-1].Failure == "" && res.Steps[n-1].Step.Line == line {
			res.Steps[n-1].Failure = fmt.Sprintf(format, args...)
		}
		return res
	}
	mr, err := newModelRun(sc)
	if err != nil {
		return fail(0, "%v", err)
	}
	res.Partial = slices.ContainsFunc(sc.Steps, func(st scenario.Step) bool { return st.Point != "" })
	if res.Partial && target == nil {
		return fail(0, "a scenario with partial steps (@ POINT) needs an implementation to run")
	}
	var drv *implRun
	if target != nil {
		if target.Primitive != sc.Primitive {
			return fail(0, "target %s implements %s, the scenario is about %s", target.Name, target.Primitive, sc.Primitive)
		}
		res.Target = target.Name
		drv, err = newImplRun(sc, target)
		if err != nil {
			return fail(0, "%v", err)
		}
		defer func() {
			q, parked := drv.end()
			res.Record = &Record{History: drv.hist(), Trace: append([]scheduler.Event(nil), drv.s.Trace()...), Quiescent: q, Parked: parked, Parks: drv.parks}
			drv.close()
		}()
	}
	if res.Partial {
		return runPartial(sc, drv, res, fail)
	}
	for _, st := range sc.Steps {
		sr := StepResult{Step: st, Text: scenario.StepString(sc, st)}
		outs, err := mr.outcomes(st)
		if err != nil {
			res.Steps = append(res.Steps, sr)
			return fail(st.Line, "%v", err)
		}
		sr.Allowed = allowed(sc, st, outs)
		keep := func(o modelOutcome) bool { return expectMatch(st.Expect, o.done, o.res) }
		if drv != nil && st.Kind != scenario.Cancel {
			k, err := drv.lockstep(sc, st, &sr, mr, outs, target.Name)
			if err != nil {
				res.Steps = append(res.Steps, sr)
				return fail(st.Line, "%v", err)
			}
			keep = k
		} else if drv != nil {
			drv.cancel(st.Task)
		}
		if !mr.narrow(outs, keep) {
			res.Steps = append(res.Steps, sr)
			return fail(st.Line, "%s %s: the %s model allows %s, the scenario expects %s",
				sc.Tasks[st.Task].Name, st.Op.Kind, sc.Dialect, expectList(sr.Allowed), expectList(st.Expect))
		}
		if err := mr.check(); err != nil {
			res.Steps = append(res.Steps, sr)
			return fail(st.Line, "model invariant broken (a bug in the model): %v", err)
		}
		sr.States = mr.describe()
		res.Steps = append(res.Steps, sr)
	}
	if drv != nil {
		if err := drv.checkEnd(mr); err != nil {
			line := 0
			if n := len(sc.Steps); n > 0 {
				line = sc.Steps[n-1].Line
			}
			return fail(line, "after the last step: %v", err)
		}
	}
	return res
}

// runPartial follows a schedule with partial steps on the implementation
// alone, checking the outcomes it states; the model's verdict on the
// resulting history is the judges' (check/internal/judge).
func runPartial(sc *scenario.Scenario, drv *implRun, res *SpecResult, fail func(int, string, ...any) *SpecResult) *SpecResult {
	for _, st := range sc.Steps {
		sr := StepResult{Step: st, Text: scenario.StepString(sc, st)}
		res.Steps = append(res.Steps, sr)
		name := sc.Tasks[st.Task].Name
		switch {
		case st.Kind == scenario.Cancel:
			drv.cancel(st.Task)
		case st.Point != "":
			if err := drv.runTo(st.Task, st.Sees, st.Point); err != nil {
				return fail(st.Line, "%s: %v", name, err)
			}
		default:
			done, r, err := drv.run(st.Task, st.Sees)
			if err != nil {
				return fail(st.Line, "%s: %v", name, err)
			}
			got := scenario.Outcome(sc.Primitive, st.Op, done, r)
			res.Steps[len(res.Steps)-1].Impl = &got
			if !expectMatch(st.Expect, done, r) {
				return fail(st.Line, "%s %s: %s %s, the scenario expects %s", name, st.Op.Kind, res.Target, describe(got), expectList(st.Expect))
			}
		}
	}
	return res
}

func expectMatch(exp []scenario.Expect, done bool, r model.Result) bool {
	if len(exp) == 0 {
		return true
	}
	for _, e := range exp {
		if e.Matches(done, r) {
			return true
		}
	}
	return false
}

func allowed(sc *scenario.Scenario, st scenario.Step, outs []modelOutcome) []scenario.Expect {
	if st.Kind == scenario.Cancel {
		return nil
	}
	var es []scenario.Expect
	for _, o := range outs {
		e := scenario.Outcome(sc.Primitive, st.Op, o.done, o.res)
		if !slices.Contains(es, e) {
			es = append(es, e)
		}
	}
	return es
}

func describe(e scenario.Expect) string {
	if e.Kind == scenario.ExpectBlocks {
		return "blocks"
	}
	return "returned " + e.String()
}

func expectList(es []scenario.Expect) string {
	if len(es) == 0 {
		return "nothing"
	}
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.String()
	}
	return strings.Join(s, "|")
}

// modelRun tracks the set of model states (branches) still consistent with
// everything observed so far.
type modelRun struct {
	sc       *scenario.Scenario
	branches []branch
}

type branch struct {
	m    model.Model
	next []int // per task: index of its call in flight, or of its next call
}

type modelOutcome struct {
	done bool
	res  model.Result
	b    branch
}

func newModelRun(sc *scenario.Scenario) (*modelRun, error) {
	m, err := model.New(sc.Primitive, sc.Dialect, sc.Params)
	if err != nil {
		return nil, err
	}
	return &modelRun{sc: sc, branches: []branch{{m: m, next: make([]int, len(sc.Tasks))}}}, nil
}

// outcomes lists every outcome of st over every branch.
func (r *modelRun) outcomes(st scenario.Step) ([]modelOutcome, error) {
	t := st.Task
	task := r.sc.Tasks[t]
	var outs []modelOutcome
	var why error
	for _, b := range r.branches {
		var os []model.Outcome
		if st.Kind == scenario.Cancel {
			os = b.m.Cancel(t)
		} else {
			k := b.next[t]
			if k >= len(task.Ops) {
				why = Malformed{fmt.Errorf("%s has made all its calls; the step has nothing to run", task.Name)}
				continue
			}
			if task.Ops[k] != st.Op {
				why = fmt.Errorf("step names %s, but %s is at its call %d, %s", scenario.OpString(r.sc, st.Op), task.Name, k+1, scenario.OpString(r.sc, task.Ops[k]))
				continue
			}
			switch b.m.Status(t) {
			case model.Idle:
				os = b.m.Invoke(t, st.Op)
			case model.Runnable:
				os = b.m.Resume(t)
			case model.Waiting:
				why = fmt.Errorf("%s is parked and nothing woke or cancelled it: it cannot take a step", task.Name)
				continue
			}
		}
		if st.Kind == scenario.Run {
			os = settle(t, os)
		}
		for _, o := range os {
			nb := branch{m: o.Next, next: slices.Clone(b.next)}
			if o.Done && st.Kind == scenario.Run {
				nb.next[t]++
			}
			outs = append(outs, modelOutcome{done: o.Done, res: o.Result, b: nb})
		}
	}
	if len(outs) == 0 {
		if why == nil {
			why = fmt.Errorf("the model allows no outcome for this step")
		}
		return nil, why
	}
	return outs, nil
}

// settle resumes t again in every outcome where its call neither returned
// nor parked (model.Model.Resume): a step runs the task until its call
// returns or it parks.
func settle(t int, os []model.Outcome) []model.Outcome {
	var out []model.Outcome
	for _, o := range os {
		if o.Done || o.Next.Status(t) != model.Runnable {
			out = append(out, o)
			continue
		}
		out = append(out, settle(t, o.Next.Resume(t))...)
	}
	return out
}

// narrow keeps the outcomes that keep accepts, deduplicated; false when none.
func (r *modelRun) narrow(outs []modelOutcome, keep func(modelOutcome) bool) bool {
	seen := map[string]bool{}
	r.branches = r.branches[:0]
	for _, o := range outs {
		if !keep(o) {
			continue
		}
		key := fmt.Sprint(o.b.m.Key(), o.b.next)
		if seen[key] {
			continue
		}
		seen[key] = true
		r.branches = append(r.branches, o.b)
	}
	return len(r.branches) > 0
}

func (r *modelRun) check() error {
	for _, b := range r.branches {
		if err := b.m.Check(); err != nil {
			return err
		}
	}
	return nil
}

// statuses is the set of statuses task t has across the branches.
func (r *modelRun) statuses(t int) []model.Status {
	var ss []model.Status
	for _, b := range r.branches {
		if s := b.m.Status(t); !slices.Contains(ss, s) {
			ss = append(ss, s)
		}
	}
	return ss
}

func (r *modelRun) describe() []string {
	out := make([]string, len(r.branches))
	for i, b := range r.branches {
		out[i] = history.Describe(b.m, func(t int) string {
			if t >= 0 && t < len(r.sc.Tasks) {
				return r.sc.Tasks[t].Name
			}
			return fmt.Sprintf("T%d", t)
		})
	}
	return out
}
