package judge

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

// DefaultTimeout bounds the linearizability search when Options.Timeout is
// zero.
const DefaultTimeout = time.Second

// Judge judges one execution and returns one verdict per property, in the
// order Linearizability, Quiescence, Invariant, Fairness.
//
// Linearizability, Quiescence and Fairness are one porcupine search under
// three sets of constraints (see porc.go): Linearizability is the history's
// calls, returns and cancels; Quiescence adds a last operation requiring the
// model to leave waiting exactly the tasks left parked; Fairness adds the
// registration points (Input.Parks): a waiter's enter happened before it
// parked, so the model's FIFO queues follow the order in which waiters
// really queued. A correct execution passes all three in one search (the
// strictest); only a failure costs more searches, to tell the properties
// apart, and a replay that explains it. Fairness fails when the history is
// linearizable only if some waiter registered later than it actually
// parked: a newcomer barged past a granted waiter, or overtook an earlier
// one.
//
// Options.Timeout bounds the whole judgement; porcupine's Unknown is
// Inconclusive, never Pass. Judge is deterministic unless the timeout
// strikes.
func Judge(in Input, opts Options) []Verdict {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	deadline := time.Now().Add(timeout)
	p, err := prepare(in)
	if err != nil {
		msg := "malformed input: " + err.Error()
		out := make([]Verdict, 0, 4)
		for _, pr := range []Property{Linearizability, Quiescence, Invariant, Fairness} {
			out = append(out, Verdict{Property: pr, Status: Inconclusive, Message: msg, At: -1})
		}
		return out
	}
	j := &judging{p: p, deadline: deadline}
	lin, q, fair := j.search()
	return []Verdict{lin, q, p.invariants(), fair}
}

type judging struct {
	p        *prepared
	deadline time.Time
	// results caches check's results by variant (index: strict, quiesce).
	results [4]porcupine.CheckResult
	known   [4]bool
}

func (j *judging) result(v variant) porcupine.CheckResult {
	i := btoi(v.strict)<<1 | btoi(v.quiesce)
	if j.known[i] {
		return j.results[i]
	}
	r := j.p.check(v, time.Until(j.deadline))
	j.results[i], j.known[i] = r, true
	return r
}

func pass(pr Property) Verdict { return Verdict{Property: pr, Status: Pass, At: -1} }

func skipped(pr Property, why string) Verdict {
	return Verdict{Property: pr, Status: Skipped, Message: why, At: -1}
}

func inconclusive(pr Property, why string) Verdict {
	return Verdict{Property: pr, Status: Inconclusive, Message: why, At: -1}
}

const timeoutMsg = "the linearizability search ran out of time (Options.Timeout)"

func (j *judging) search() (lin, q, fair Verdict) {
	p := j.p
	qOn, fOn := p.in.Quiescent, p.parks
	qVacuous := func() Verdict {
		if p.open {
			return skipped(Quiescence, "the run did not end quiescent (cut with calls in flight): nothing to judge at the end")
		}
		return pass(Quiescence)
	}
	noParks := skipped(Fairness, "no registration points (Input.Parks) were recorded")
	if len(p.calls) == 0 {
		lin, q, fair = pass(Linearizability), pass(Quiescence), pass(Fairness)
		if !fOn {
			fair = noParks
		}
		return
	}

	// The strictest search first: when it passes, everything does.
	if j.result(variant{strict: fOn, quiesce: qOn}) == porcupine.Ok {
		lin, q, fair = pass(Linearizability), pass(Quiescence), pass(Fairness)
		if !qOn {
			q = qVacuous()
		}
		if !fOn {
			fair = noParks
		}
		return
	}

	switch j.result(variant{}) {
	case porcupine.Unknown:
		lin = inconclusive(Linearizability, timeoutMsg)
		return lin, inconclusive(Quiescence, timeoutMsg), inconclusive(Fairness, timeoutMsg)
	case porcupine.Illegal:
		lin = j.explainLinearizability()
		why := "not judged: the history is not linearizable"
		return lin, skipped(Quiescence, why), skipped(Fairness, why)
	}
	lin = pass(Linearizability)

	qr := porcupine.Ok
	switch {
	case !qOn:
		q = qVacuous()
	default:
		switch qr = j.result(variant{quiesce: true}); qr {
		case porcupine.Ok:
			q = pass(Quiescence)
		case porcupine.Illegal:
			q = j.explainQuiescence()
		default:
			q = inconclusive(Quiescence, timeoutMsg)
		}
	}

	if !fOn {
		return lin, q, noParks
	}
	fv := variant{strict: true, quiesce: qOn && qr == porcupine.Ok}
	switch j.result(fv) {
	case porcupine.Ok:
		fair = pass(Fairness)
	case porcupine.Illegal:
		fair = j.explainFairness(fv)
		if fv.quiesce && j.result(variant{strict: true}) == porcupine.Ok {
			// Every call in its real queue order is fine until the end:
			// what fails is who is left parked, a quiescence failure that
			// only the registration order shows (the lost notification of
			// a waiter that had registered before the notify).
			q, fair = fair, pass(Fairness)
			q.Property = Quiescence
		}
	default:
		fair = inconclusive(Fairness, timeoutMsg)
	}
	return lin, q, fair
}

// allowed lists what the model allows call k to do at evs[i] under v: the
// results it may return there, and whether it may still be waiting.
func (j *judging) allowed(v variant, i, k int) (results []model.Result, blocks bool, ok bool) {
	r := newReplay(j.p, v, j.deadline)
	r.anyCall = k
	res := r.run(i)
	if res.timedOut || res.fail >= 0 {
		return nil, false, false
	}
	c := &j.p.calls[k]
	for _, x := range res.before {
		st := x.ts[c.task]
		if int(st.call) == c.ord && st.exited && st.hasRes && !slices.Contains(results, st.res) {
			results = append(results, st.res)
		}
	}
	slices.SortFunc(results, func(a, b model.Result) int {
		return cmp.Or(cmp.Compare(a.Err, b.Err), cmp.Compare(btoi(a.Bool), btoi(b.Bool)), cmp.Compare(a.Int, b.Int))
	})
	return results, anyWaiting(res.before, c.task, c.ord), true
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// expectation writes what the model allows as the scenario language's
// expectation ("ok|cancelled", "blocks").
func (j *judging) expectation(op model.Op, results []model.Result, blocks bool) string {
	var w []string
	if blocks {
		w = append(w, "blocks")
	}
	for _, r := range results {
		if s := j.p.resultName(op, r); !slices.Contains(w, s) {
			w = append(w, s)
		}
	}
	return strings.Join(w, "|")
}

// explainReturn is the message for a return the model cannot produce.
func (j *judging) explainReturn(v variant, res replayResult, r *replay) (msg, expected string, at int) {
	ev := r.evs[res.fail]
	c := &j.p.calls[ev.call]
	who := fmt.Sprintf("%s's %s returned %s at %s", j.p.name(c.task), j.p.opName(c.op), j.p.resultName(c.op, c.res), step(ev.at))
	results, blocks, ok := j.allowed(v, res.fail, ev.call)
	if !ok {
		return who + ", which the model does not allow there", "", ev.at
	}
	expected = j.expectation(c.op, results, blocks)
	switch {
	case expected == "":
		msg = who + ", but no execution of the model lets it return there"
	case len(results) == 0:
		msg = fmt.Sprintf("%s, but the model has %s still waiting there", who, j.p.name(c.task))
	default:
		msg = fmt.Sprintf("%s, but the model allows only %s there", who, expected)
	}
	return msg, expected, ev.at
}

func (j *judging) explainLinearizability() Verdict {
	v := Verdict{Property: Linearizability, Status: Fail, At: -1}
	r := newReplay(j.p, variant{}, j.deadline)
	res := r.run(len(r.evs))
	switch {
	case res.timedOut:
		v.Message = "the history is not linearizable (no explanation within the time limit)"
	case res.ok || r.evs[res.fail].kind != rReturn:
		// Not expected: the replay and porcupine search the same space.
		v.Message = "the history is not linearizable (porcupine found no linearization; the replay found no single culprit)"
	default:
		v.Message, v.Expected, v.At = j.explainReturn(variant{}, res, r)
		v.States = j.p.describeStates(res.before, 6)
	}
	return v
}

// grantedSince says since when the model had t's call out of Waiting:
// " since step N (what happened)", or "".
func (j *judging) grantedSince(r *replay, res replayResult, t int) (string, int) {
	lw := res.lastWaiting[t]
	if lw < 0 {
		return "", -1
	}
	at := r.historyAfter(lw)
	if at < 0 {
		return "", -1
	}
	return fmt.Sprintf(" since %s (%s)", step(at), j.p.describeEvent(at)), at
}

func (j *judging) explainQuiescence() Verdict {
	// With registration points that the history respects, the waiters'
	// queue order is known and the message can name who was granted.
	vq := variant{quiesce: true}
	if j.p.parks && j.result(variant{strict: true}) == porcupine.Ok {
		vq.strict = true
	}
	r := newReplay(j.p, vq, j.deadline)
	res := r.run(len(r.evs))
	v := Verdict{Property: Quiescence, Status: Fail, At: -1}
	if res.timedOut || res.fail != len(r.evs) {
		v.Message = "the tasks left parked are not the ones the model leaves waiting"
		return v
	}
	v.Message, v.Expected, v.At, v.States, v.Tasks = j.explainEnd(r, res)
	return v
}

// explainEnd explains why no configuration at the end of the replay agrees
// with the tasks left parked (res failed at the quiescence filter), and
// which of them it blames.
func (j *judging) explainEnd(r *replay, res replayResult) (msg, expected string, at int, states []string, blamed []int) {
	p := j.p
	at = -1
	final := res.before
	var parked []int
	for t := range p.tasks {
		if p.parked[t] {
			parked = append(parked, t)
		}
	}
	// The configurations where every parked task registered.
	var entered []*cfg
	for _, c := range final {
		all := true
		for _, t := range parked {
			if int(c.ts[t].call) != p.lastOrd(t) {
				all = false
			}
		}
		if all {
			entered = append(entered, c)
		}
	}
	var waiting []*cfg // the parked tasks all in flight: what to show
	for _, c := range entered {
		all := true
		for _, t := range parked {
			all = all && inFlight(c.ts[t], p.lastOrd(t))
		}
		if all {
			waiting = append(waiting, c)
		}
	}
	if len(waiting) == 0 {
		waiting = entered
	}
	states = p.describeStates(waiting, 6)
	for _, t := range parked {
		ord := p.lastOrd(t)
		if anyWaiting(entered, t, ord) {
			continue
		}
		c := &p.calls[p.byTask[t][len(p.byTask[t])-1]]
		granted, completes := false, false
		for _, x := range entered {
			switch st := x.ts[t]; {
			case inFlight(st, ord):
				granted = true
			case int(st.call) == ord:
				completes = true
			}
		}
		var since string
		since, at = j.grantedSince(r, res, t)
		name := p.name(t)
		switch {
		case granted:
			msg = fmt.Sprintf("%s is parked forever in %s, but the model has granted it%s: a lost wakeup", name, p.opName(c.op), since)
			expected = name + " resumes (the model has it granted)"
		case completes:
			msg = fmt.Sprintf("%s is parked forever in %s, but the model completes that call%s: a lost wakeup", name, p.opName(c.op), since)
			expected = name + "'s " + p.opName(c.op) + " returns"
		default:
			msg = fmt.Sprintf("%s is parked forever in %s, but the model never has it registered and waiting at the end", name, p.opName(c.op))
		}
		return msg, expected, at, states, []int{t}
	}
	names := make([]string, len(parked))
	for i, t := range parked {
		names[i] = p.name(t)
	}
	list := strings.Join(names, ", ")
	if len(parked) == 1 {
		msg = fmt.Sprintf("%s is parked forever, but the model never leaves it waiting with the other tasks idle", list)
	} else {
		msg = fmt.Sprintf("%s are parked forever, but the model never leaves them all waiting: at least one of them has been granted (a lost wakeup)", list)
	}
	return msg, "the model wakes at least one of " + list, at, states, parked
}

func (j *judging) explainFairness(fv variant) Verdict {
	p := j.p
	v := Verdict{Property: Fairness, Status: Fail, At: -1}
	r := newReplay(p, fv, j.deadline)
	res := r.run(len(r.evs))
	generic := "the history is linearizable only if some waiter registered later than it actually parked: the waiters were not served in the order they queued"
	if res.timedOut || res.ok {
		v.Message = generic
		return v
	}
	if res.fail == len(r.evs) {
		// Only the end is wrong: in the order the waiters really queued,
		// a task left parked had been granted.
		msg, exp, at, states, blamed := j.explainEnd(r, res)
		v.Message = "in the order the waiters queued, " + msg
		v.Expected, v.At, v.States, v.Tasks = exp, at, states, blamed
		return v
	}
	v.States = p.describeStates(res.before, 6)
	ev := r.evs[res.fail]
	c := &p.calls[ev.call]
	name := p.name(c.task)
	switch ev.kind {
	case rPark:
		v.At, v.Tasks = ev.at-1, []int{c.task}
		// What was observed: the call parked (registered as a waiter),
		// and how it ended; the rule: a call parks only where the model
		// makes it wait (G2: a call that would block with a done context
		// returns at once, without queueing).
		ended := "is still parked at the end"
		if !c.open() {
			ended = fmt.Sprintf("returned %s at %s", j.p.resultName(c.op, c.res), step(c.retAt))
		}
		rule := "a call may park only where the model makes it wait"
		if c.op.CtxDone || (!c.open() && c.res.Err == model.Cancelled) {
			rule += " (a call that would block with a done context returns at once, without queueing: G2)"
		}
		v.Message = fmt.Sprintf("%s's %s parked inside the implementation after %s (it registered as a waiter) and %s, but when it parked the model completes that call at once, without waiting: %s",
			name, p.opName(c.op), step(ev.at-1), ended, rule)
		v.Expected = name + "'s " + p.opName(c.op) + " returns at once, without parking"
		return v
	case rReturn:
	default:
		v.Message = generic
		return v
	}
	v.At = ev.at
	_, v.Expected, _ = j.explainReturn(fv, res, r)
	// The waiters that had parked (registered) before c was called and
	// were still in flight when it returned: whom c overtook.
	var over []int
	for t, k := range r.active {
		if k < 0 || t == c.task || !r.parkSeen[k] {
			continue
		}
		over = append(over, k)
	}
	slices.SortFunc(over, func(a, b int) int { return p.calls[a].parkAt - p.calls[b].parkAt })
	if len(over) == 0 {
		v.Message = fmt.Sprintf("%s's %s returned %s at %s, which the model allows only if some waiter registered later than it parked (FIFO order)", name, p.opName(c.op), j.p.resultName(c.op, c.res), step(ev.at))
		return v
	}
	w := &p.calls[over[0]]
	for _, k := range over {
		if p.calls[k].parkAt <= c.callAt {
			w = &p.calls[k]
			break
		}
	}
	wname := p.name(w.task)
	lw := res.lastWaiting[w.task]
	head := fmt.Sprintf("%s's %s returned %s at %s", name, p.opName(c.op), j.p.resultName(c.op, c.res), step(ev.at))
	if lw < res.fail-1 {
		since := ""
		if at := r.historyAfter(lw); lw >= 0 && at >= 0 {
			since = fmt.Sprintf(" at %s (%s)", step(at), p.describeEvent(at))
		}
		v.Message = fmt.Sprintf("%s while %s, granted%s, had not resumed: %s barged past a granted waiter", head, wname, since, name)
		return v
	}
	when := "before " + name + " called"
	if w.parkAt > c.callAt {
		when = "since " + step(w.parkAt-1)
	}
	v.Message = fmt.Sprintf("%s while %s, parked in %s %s, was still waiting ahead of it: %s overtook an earlier waiter (FIFO)", head, wname, p.opName(w.op), when, name)
	return v
}

// lastOrd is the ordinal of t's last call (-1 if none).
func (p *prepared) lastOrd(t int) int { return len(p.byTask[t]) - 1 }

// describeEvent writes history event i for people: "N notify 1 -> ok",
// "W1 calls wait", "cancel W1".
func (p *prepared) describeEvent(i int) string {
	e := p.in.History[i]
	k := p.evCall[i]
	switch {
	case k < 0:
		return "cancel " + p.name(e.Task) + " (no call in flight)"
	case e.Kind == history.Call:
		return p.name(e.Task) + " calls " + p.opName(p.calls[k].op)
	case e.Kind == history.Return:
		c := &p.calls[k]
		return p.name(e.Task) + " " + p.opName(c.op) + " -> " + p.resultName(c.op, c.res)
	}
	return "cancel " + p.name(e.Task)
}
