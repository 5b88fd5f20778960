package check

import (
	"slices"
	"strconv"
	"strings"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/model"
)

// ruleTopics are the topics of the rows of specs/README.md's Go dialect
// table that a failure can be found to break (TestRuleRowsExist reads the
// table and checks each row and its topic are there).
var ruleTopics = map[string]string{
	"G2":  "fast paths",
	"G3":  "cancel delivery",
	"G4":  "Lock hand-off",
	"G5":  "Event",
	"G6":  "Condition preconditions",
	"G7":  "Condition.Wait",
	"G8":  "Condition notify",
	"G11": "Semaphore",
	"G12": "BoundedSemaphore over-release",
	"G13": "misuse",
	"G14": "Queue hand-off",
	"G15": "Queue cancellation",
	"G16": "Queue shutdown and misuse",
	"G17": "Barrier cycle",
	"G18": "Barrier indices and cancellation",
	"G19": "Barrier reset and abort",
	"G20": "Weighted semaphore",
}

// ruleLine is the report's line naming the rule a failure breaks.
func ruleLine(id, says string) string {
	return "breaks " + id + " (" + ruleTopics[id] + ", specs/README.md): " + says
}

// withRule puts the rule line in the report's first lines: under the
// property violated and the sentence saying how, which the rule explains.
func withRule(report, id, says string) string {
	first, rest, _ := strings.Cut(report, "\n")
	if msg, after, ok := strings.Cut(rest, "\n"); ok && strings.HasPrefix(msg, "  ") {
		return first + "\n" + msg + "\n  " + ruleLine(id, says) + "\n" + after
	}
	return first + "\n  " + ruleLine(id, says) + "\n" + rest
}

// isQueue reports whether p is one of the queues (G14-G16).
func isQueue(p model.Primitive) bool {
	return p == "queue" || p == "lifoqueue" || p == "priorityqueue"
}

// ruleOf names the row of the Go dialect's table (specs/README.md) that
// counterexample c of a p breaks, and what the row says there, or "" when
// the failure cannot soundly be pinned on one row.
func ruleOf(p model.Primitive, d model.Dialect, c *explore.Counterexample) (id, says string) {
	if c == nil {
		return "", ""
	}
	i := slices.IndexFunc(c.Verdicts, func(v judge.Verdict) bool { return v.Property == c.Property && v.Status == judge.Fail })
	if i < 0 {
		return "", ""
	}
	return verdictRule(p, d, c.Verdicts[i], c.History)
}

// verdictRule names the row that failing verdict v on history h breaks.
// It reads the verdict's structure (the event it points at, the results
// the model allowed there), never guesses from the implementation's name:
// each case below is one where the failing observation contradicts the
// row directly (a task parked forever after the kind of event the row
// says must wake it; a return the row rules out; a barging acquire).
func verdictRule(p model.Primitive, d model.Dialect, v judge.Verdict, h []history.Event) (id, says string) {
	if d != model.Go || v.Status != judge.Fail || v.At < 0 || v.At >= len(h) {
		return "", ""
	}
	switch {
	case v.Property == judge.Linearizability:
		return returnRule(p, h, v.At, v.Expected)
	case v.Property == judge.Quiescence,
		v.Property == judge.Fairness && strings.HasPrefix(v.Message, "in the order the waiters queued"):
		return wakeRule(p, h, v.At)
	case v.Property == judge.Fairness && strings.Contains(v.Message, "without queueing: G2)"):
		return "G2", "a call that would block with a done context returns ctx.Err() at once, without queueing"
	case v.Property == judge.Fairness &&
		(strings.Contains(v.Message, "barged past a granted waiter") || strings.Contains(v.Message, "overtook an earlier waiter")):
		return fifoRule(p, h, v.At)
	}
	return "", ""
}

// callOf returns the op of the call whose return is h[i], and whether
// the task's call was cancelled while in flight.
func callOf(h []history.Event, i int) (op model.Op, cancelled bool) {
	for j := i - 1; j >= 0; j-- {
		e := h[j]
		if e.Task != h[i].Task {
			continue
		}
		switch e.Kind {
		case history.Cancel:
			cancelled = true
		case history.Call:
			return e.Op, cancelled
		case history.Return:
			return h[i].Op, cancelled
		}
	}
	return h[i].Op, cancelled
}

// returnRule: h[at] is a return the model does not allow; expected is what
// it allows there ("ok|cancelled", "blocks", "not-locked").
func returnRule(p model.Primitive, h []history.Event, at int, expected string) (string, string) {
	e := h[at]
	if e.Kind != history.Return || expected == "" {
		return "", ""
	}
	allowed := strings.Split(expected, "|")
	only := func(s string) bool { return len(allowed) == 1 && allowed[0] == s }
	op, cancelled := callOf(h, at)
	got := e.Result.Err
	values := !slices.ContainsFunc(allowed, func(s string) bool { return !isValue(s) })
	switch k := op.Kind; {
	case only("not-locked") && got != model.NotLocked && (k == model.Wait || k == model.WaitFor || k == model.Notify || k == model.NotifyAll):
		return "G6", "Wait, WaitFor, Notify and NotifyAll return ErrNotLocked unless the Lock is locked, before any done-context check"
	case only("not-locked") && got == model.OK && k == model.Release:
		return "G13", "a misuse (releasing a lock that is not locked) returns the sentinel error and changes nothing"
	case only("released-too-often") && got == model.OK && p == "boundedsemaphore":
		return "G12", "a Release is refused with ErrReleasedTooOften once value plus the permits promised to granted waiters reaches the bound"
	case only("released-too-often") && got == model.OK && p == "weighted":
		return "G20", "a task releasing more than it holds gets released-too-often, nothing changed"
	case only("task-done-too-often") && got == model.OK && isQueue(p):
		return "G16", "TaskDone once too often returns ErrTaskDoneTooOften and changes nothing"
	case only("queue-shut-down") && got != model.QueueShutDown && isQueue(p):
		return "G16", "after Shutdown, Puts (and Gets once the queue is empty) return ErrQueueShutDown, even with a done context"
	case only("broken-barrier") && got != model.BrokenBarrier && op.CtxDone && p == "barrier":
		return "G18", "a Wait with a done context returns ErrBrokenBarrier if the barrier is broken"
	case op.CtxDone && got == model.Cancelled && values:
		return "G2", "a call that can complete without blocking does so even if its context is already done"
	case op.CtxDone && got == model.OK && only("cancelled") && p == "barrier":
		return "G18", "a Wait with a done context that neither finds the barrier broken nor trips it returns ctx.Err() at once"
	case op.CtxDone && got == model.OK && only("cancelled"):
		return "G2", "a call that would block with a done context returns ctx.Err() at once, without side effects"
	case op.CtxDone || !cancelled || got != model.Cancelled:
		return "", ""
	// A call cancelled in flight that returned ctx.Err():
	case p == "lock" && k == model.Acquire && only("ok"):
		return "G4", "a release in the wake window commits the grant: the granted waiter returns nil even if it then sees a cancel"
	case isQueue(p) && (k == model.Get || k == model.Put) && values:
		return "G15", "a Get cancelled after an item was handed to it returns the item, and a Put cancelled after its item was admitted returns nil"
	case p == "condition" && (k == model.Wait || k == model.WaitFor) && only("blocks"):
		return "G7", "Wait returns with the lock held, on cancellation too"
	}
	return "", ""
}

// wakeRule: a task is parked forever although the model let it go on
// since h[at]; the event that should have woken it says which rule.
func wakeRule(p model.Primitive, h []history.Event, at int) (string, string) {
	e := h[at]
	if e.Kind != history.Return {
		return "", ""
	}
	op, _ := callOf(h, at)
	k := op.Kind
	if e.Result.Err == model.Cancelled {
		// The return of a cancelled call let the parked task go on: what
		// it held or was granted had to pass on.
		switch {
		case p == "lock" && k == model.Acquire:
			return "G3", "a granted waiter that returns ctx.Err() passes the grant on to the next waiter"
		case (p == "semaphore" || p == "boundedsemaphore") && k == model.Acquire:
			return "G11", "a granted-then-cancelled waiter that returns ctx.Err() passes the permit to the next waiter"
		case p == "condition" && (k == model.Wait || k == model.WaitFor):
			return "G8", "a notified waiter that returns ctx.Err() forwards its notification to the next waiting waiter"
		case p == "weighted" && k == model.WAcquire:
			return "G20", "a waiter that leaves the queue re-examines it: the waiters behind it that now fit are granted"
		}
		return "", ""
	}
	if e.Result.Err != model.OK {
		return "", ""
	}
	switch {
	case p == "lock" && k == model.Release:
		return "G4", "Release with waiters hands the lock directly to the first waiter"
	case (p == "semaphore" || p == "boundedsemaphore") && k == model.Release:
		return "G11", "Release with waiters grants the first one the permit directly"
	case p == "event" && k == model.Set:
		return "G5", "Set grants every current waiter, and a granted waiter returns nil even after a Clear"
	case p == "condition" && (k == model.Notify || k == model.NotifyAll):
		return "G8", "Notify(n) grants the first n waiters not already notified, and none is lost"
	case p == "weighted" && k == model.WRelease:
		return "G20", "a release grants waiters from the front while the front one fits"
	case isQueue(p) && (k == model.Get || k == model.GetNowait):
		return "G14", "a Get that frees a place admits the first waiting Put's item at once"
	case isQueue(p) && (k == model.Put || k == model.PutNowait):
		return "G14", "a Put that finds a Get waiting gives it the item directly"
	case isQueue(p) && (k == model.Shutdown || k == model.ShutdownNow):
		return "G16", "Shutdown makes the waiting Puts, and the waiting Gets of an empty queue, return ErrQueueShutDown"
	case p == "barrier" && k == model.Reset:
		return "G19", "Reset makes the parties waiting return ErrBrokenBarrier"
	case p == "barrier" && k == model.Abort:
		return "G19", "Abort breaks the barrier: the parties waiting return ErrBrokenBarrier"
	case p == "barrier" && k == model.Wait:
		return "G17", "the Wait that makes parties parties waiting trips the barrier: every party of the cycle is released at once"
	}
	return "", ""
}

// isValue reports whether s, one result of an expectation, is a value a
// call returns without an error: ok, true, false or an integer.
func isValue(s string) bool {
	if s == "ok" || s == "true" || s == "false" {
		return true
	}
	_, err := strconv.Atoi(s)
	return err == nil
}

// fifoRule: the call returning at h[at] barged past a granted waiter or
// overtook an earlier one.
func fifoRule(p model.Primitive, h []history.Event, at int) (string, string) {
	op, _ := callOf(h, at)
	switch {
	case p == "lock", p == "condition" && (op.Kind == model.Acquire || op.Kind == model.TryAcquire):
		return "G4", "Release with waiters hands the lock directly to the first waiter: no barging"
	case p == "semaphore" || p == "boundedsemaphore":
		return "G11", "FIFO hand-off: Release with waiters grants the first one the permit directly, no barging"
	case isQueue(p):
		return "G14", "blocked calls are served in arrival order by hand-off: a newcomer never overtakes a waiter"
	case p == "weighted":
		return "G20", "FIFO without overtaking"
	}
	return "", ""
}
