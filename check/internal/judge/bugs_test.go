package judge

import (
	"testing"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

var cond1 = model.Params{"conditions": 1}

// gh-112202: notify(1) grants W1, W1 is cancelled before it resumes and
// returns cancelled without passing the notification on; W2 sleeps forever.
const lostNotification = `
W1 acquire -> ok
W1 wait ...
W2 acquire -> ok
W2 wait ...
N acquire -> ok
N notify 1 -> ok
cancel W1
N release -> ok
W1 wait -> cancelled
W1 release -> ok
end quiescent
`

func TestLostNotification(t *testing.T) {
	// Go forwards the notification (G8): W2 must have woken.
	vs := Judge(hist(t, model.Condition, model.Go, cond1, lostNotification), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Quiescence, Fail, "W2 is parked forever in wait", "granted", "lost wakeup", "step 14 (W1 wait -> cancelled)")
	want(t, vs, Invariant, Pass)
	want(t, vs, Fairness, Pass)
	if v := verdict(vs, Quiescence); v.At != 13 || len(v.States) == 0 {
		t.Errorf("quiescence at %d with states %q, want at 13 with states", v.At, v.States)
	}
	// asyncio 3.11 loses it too: that history is 3.11's.
	allPass(t, "3.11", Judge(hist(t, model.Condition, model.Asyncio311, cond1, lostNotification), Options{}))
	// 3.13 forwards on any exception, like Go.
	vs = Judge(hist(t, model.Condition, model.Asyncio313, cond1, lostNotification), Options{})
	want(t, vs, Quiescence, Fail, "W2", "lost wakeup")
}

func TestTwoLockHolders(t *testing.T) {
	for _, p := range []model.Primitive{model.Lock, model.Condition} {
		params := cond1
		if p == model.Lock {
			params = nil
		}
		vs := Judge(hist(t, p, model.Go, params, `
A acquire -> ok
B acquire -> ok
`), Options{})
		want(t, vs, Linearizability, Fail, "B's acquire returned ok at step 4", "still waiting", "blocks")
		want(t, vs, Invariant, Fail, "two holders of the lock", "B's acquire returned ok at step 4", "A (acquire -> ok at step 2)")
		if v := verdict(vs, Invariant); v.At != 3 {
			t.Errorf("invariant at %d, want 3", v.At)
		}
		want(t, vs, Quiescence, Skipped)
		want(t, vs, Fairness, Skipped)
	}
}

// A hand-off that another task's release commits (G4) is not two holders.
func TestCommittedGrantIsNotTwoHolders(t *testing.T) {
	allPass(t, "commit", Judge(hist(t, model.Lock, model.Go, model.Params{}, `
A acquire -> ok
W acquire ...
A release -> ok
B release -> ok
C acquire -> ok
cancel W
W acquire -> ok
C release -> ok
`), Options{}))
}

// A newcomer takes the lock while the waiter it was handed to has not
// resumed.
func TestBargingAcquire(t *testing.T) {
	src := `
A acquire -> ok
W acquire ...
A release -> ok
N acquire -> ok
N release -> ok
W acquire -> ok
W release -> ok
`
	vs := Judge(hist(t, model.Lock, model.Go, model.Params{}, src), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Quiescence, Pass)
	want(t, vs, Invariant, Pass)
	want(t, vs, Fairness, Fail, "N's acquire returned ok at step 7 while W, granted at step 5 (A release -> ok), had not resumed: N barged past a granted waiter", "blocks")
	if v := verdict(vs, Fairness); v.At != 6 {
		t.Errorf("fairness at %d, want 6", v.At)
	}
	// Without registration points the history is linearizable (W may have
	// queued late): fairness cannot be judged.
	vs = Judge(hist(t, model.Lock, model.Go, model.Params{}, "noparks\n"+src), Options{})
	want(t, vs, Fairness, Skipped)
	want(t, vs, Linearizability, Pass)

	// The same with a semaphore (value 1) and its tryacquire.
	vs = Judge(hist(t, model.Semaphore, model.Go, model.Params{"value": 1}, `
A acquire -> ok
W acquire ...
A release -> ok
N tryacquire -> true
N release -> ok
W acquire -> ok
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Fairness, Fail, "N's tryacquire returned true at step 7 while W, granted at step 5", "barged", "false")
}

// A later waiter is served before an earlier one.
func TestFIFOOvertaking(t *testing.T) {
	vs := Judge(hist(t, model.Lock, model.Go, model.Params{}, `
A acquire -> ok
W1 acquire ...
W2 acquire ...
A release -> ok
W2 acquire -> ok
W2 release -> ok
W1 acquire -> ok
W1 release -> ok
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Fairness, Fail, "W2's acquire returned ok at step 7 while W1, granted at step 6 (A release -> ok), had not resumed")
}

// A call parks although the model completes it at once.
func TestNeedlessPark(t *testing.T) {
	vs := Judge(hist(t, model.Lock, model.Go, model.Params{}, `
W acquire ...
A acquire -> ok
A release -> ok
W acquire -> ok
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Fairness, Fail, "W's acquire parked inside the implementation after step 1", "returned ok at step 6", "the model completes that call at once")
	// An implementation that looks at the context only at entry (as the
	// JDK's AQS does) parks a call whose context is already done, and
	// returns the cancel from the park: the message says what happened
	// and names the rule.
	vs = Judge(hist(t, model.Lock, model.Go, model.Params{}, `
A acquire -> ok
W acquire! ...
W acquire -> cancelled
A release -> ok
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Fairness, Fail, "W's acquire parked inside the implementation after step 3", "returned cancelled at step 4", "G2")
}

// A free permit and a waiter left parked: the release did not hand it over.
func TestStrandedSemaphoreWaiter(t *testing.T) {
	vs := Judge(hist(t, model.Semaphore, model.Go, model.Params{"value": 1}, `
A acquire -> ok
W acquire ...
A release -> ok
end quiescent
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Quiescence, Fail, "W is parked forever in acquire, but the model has granted it since step 5 (A release -> ok): a lost wakeup")
	want(t, vs, Invariant, Pass)
	want(t, vs, Fairness, Pass)

	// gh-90155 / bpo-27585 shape: the granted head is cancelled and
	// returns cancelled without passing the lock on.
	vs = Judge(hist(t, model.Lock, model.Go, model.Params{}, `
A acquire -> ok
B acquire ...
C acquire ...
A release -> ok
cancel B
B acquire -> cancelled
end quiescent
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Quiescence, Fail, "C is parked forever in acquire", "step 8 (B acquire -> cancelled)", "lost wakeup")
}

// The waiters nobody notified stay parked: that is right.
func TestParkedWaitersThatShouldWait(t *testing.T) {
	allPass(t, "waiting", Judge(hist(t, model.Condition, model.Go, cond1, `
W1 acquire -> ok
W1 wait ...
W2 acquire -> ok
W2 wait ...
end quiescent
`), Options{}))
	// The same two waiters, but one of them was notified: one of them
	// (the model says W1) must be awake.
	vs := Judge(hist(t, model.Condition, model.Go, cond1, `
W1 acquire -> ok
W1 wait ...
W2 acquire -> ok
W2 wait ...
N acquire -> ok
N notify 1 -> ok
N release -> ok
end quiescent
`), Options{})
	want(t, vs, Quiescence, Fail, "W1 is parked forever in wait", "step 10 (N notify 1 -> ok)")
	// Without registration points W1 and W2 may have queued in either
	// order: one of them is awake, not a given one.
	vs = Judge(hist(t, model.Semaphore, model.Go, model.Params{"value": 0}, `
noparks
W1 acquire
W2 acquire
R release -> ok
end quiescent
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Quiescence, Fail, "W1, W2 are parked forever", "at least one of them")
}

// Two waits return ok on one notification.
func TestDoubleConsumedNotification(t *testing.T) {
	vs := Judge(hist(t, model.Condition, model.Go, cond1, `
W1 acquire -> ok
W1 wait ...
W2 acquire -> ok
W2 wait ...
N acquire -> ok
N notify 1 -> ok
N release -> ok
W1 wait -> ok
W1 release -> ok
W2 wait -> ok
W2 release -> ok
`), Options{})
	want(t, vs, Linearizability, Fail, "W2's wait returned ok at step 16", "still waiting")
	want(t, vs, Invariant, Fail, "W2's wait returned ok at step 16, the 2nd wait to return ok, but the notifications sent so far can wake at most 1")
}

// A waiter that nobody notified returns ok.
func TestSpuriousWakeup(t *testing.T) {
	withCancel := `
W1 acquire -> ok
W1 wait ...
W2 acquire -> ok
W2 wait ...
cancel W1
W1 wait -> cancelled
W1 release -> ok
W2 wait -> ok
W2 release -> ok
`
	vs := Judge(hist(t, model.Condition, model.Go, cond1, withCancel), Options{})
	want(t, vs, Linearizability, Fail, "W2's wait returned ok at step 11", "still waiting")
	want(t, vs, Invariant, Fail, "can wake at most 0")
	vs = Judge(hist(t, model.Condition, model.Asyncio311, cond1, withCancel), Options{})
	want(t, vs, Linearizability, Fail, "W2's wait returned ok")
	// 3.13 forwards a notify(1) when a wait ends with an exception, even
	// one that was never notified: W2's wakeup is 3.13's.
	allPass(t, "3.13", Judge(hist(t, model.Condition, model.Asyncio313, cond1, withCancel), Options{}))
	// Without a cancelled waiter even 3.13 does not wake W2.
	vs = Judge(hist(t, model.Condition, model.Asyncio313, cond1, `
W1 acquire -> ok
W1 wait ...
W1 wait -> ok
`), Options{})
	want(t, vs, Linearizability, Fail, "W1's wait returned ok at step 4")
}

// Condition.Wait returns cancelled without re-acquiring the lock: the lock
// is free, a newcomer takes it, and the waiter's release then frees the
// newcomer's lock.
func TestWaitCancelledWithoutLock(t *testing.T) {
	vs := Judge(hist(t, model.Condition, model.Go, cond1, `
W acquire -> ok
W wait ...
cancel W
W wait -> cancelled
N acquire -> ok
W release -> ok
N release -> not-locked
`), Options{})
	want(t, vs, Linearizability, Fail, "N's acquire returned ok at step 7, but the model has N still waiting there", "blocks")
	want(t, vs, Invariant, Fail, "two holders of the lock: N's acquire returned ok at step 7 while W (wait -> cancelled at step 5) still held it")
}

// Over-release of a bounded semaphore accepted: a permit created.
func TestBoundedOverRelease(t *testing.T) {
	vs := Judge(hist(t, model.BoundedSemaphore, model.Go, model.Params{"value": 1}, `
A acquire -> ok
A release -> ok
B release -> ok
`), Options{})
	want(t, vs, Linearizability, Fail, "B's release returned ok at step 6", "released-too-often")
	want(t, vs, Invariant, Fail, "B's release returned ok at step 6, the 2nd successful release, but at most 1 acquisitions could have happened", "exceeds its bound 1")
	// A semaphore that lets three tasks hold its two permits.
	vs = Judge(hist(t, model.Semaphore, model.Go, model.Params{"value": 2}, `
A acquire -> ok
B acquire -> ok
C tryacquire -> true
`), Options{})
	want(t, vs, Invariant, Fail, "3 holders of a semaphore of value 2: C's tryacquire returned true at step 6", "false")
	want(t, vs, Linearizability, Fail, "C's tryacquire returned true at step 6, but the model allows only false there")
}

// A cancel that lands before the call registered: the call behaves as if
// its context were done at the call (G2).
func TestCancelBeforeRegistration(t *testing.T) {
	allPass(t, "pre-cancel", Judge(hist(t, model.Lock, model.Go, model.Params{}, `
A acquire -> ok
W acquire
cancel W
W acquire -> cancelled
A release -> ok
`), Options{}))
	// Cancelled before registering, it could not have parked and then
	// been granted ok... unless it registered first: ok is allowed too.
	allPass(t, "cancel race", Judge(hist(t, model.Lock, model.Go, model.Params{}, `
A acquire -> ok
W acquire
cancel W
A release -> ok
W acquire -> ok
`), Options{}))
	// A Condition wait whose context is done before it registers returns
	// at once with the lock held, no release (G7).
	allPass(t, "wait pre-cancel", Judge(hist(t, model.Condition, model.Go, cond1, `
W acquire -> ok
W wait
cancel W
W wait -> cancelled
W release -> ok
`), Options{}))
}

func TestMalformedIsInconclusive(t *testing.T) {
	in := hist(t, model.Lock, model.Go, model.Params{}, "A acquire -> ok")
	in.History = append(in.History, in.History[1]) // a second return
	for _, v := range Judge(in, Options{}) {
		if v.Status != Inconclusive {
			t.Errorf("%s: %s, want inconclusive", v.Property, v.Status)
		}
	}
	in = hist(t, model.Lock, model.Go, model.Params{}, "A wait -> ok")
	if v := Judge(in, Options{})[0]; v.Status != Inconclusive {
		t.Errorf("lock wait: %s", v.Status)
	}
}

func TestEmptyAndTrivial(t *testing.T) {
	allPass(t, "empty", Judge(Input{Primitive: model.Lock, Dialect: model.Go, ParksKnown: true}, Options{}))
	allPass(t, "one", Judge(hist(t, model.Event, model.Go, model.Params{}, "A set -> ok\nB wait -> ok\nB isset -> true"), Options{}))
}

// TestWaitForTransientHold: a known gap in model/condition.go, not in the
// judge. The go WaitFor is `for !pred() { Wait(ctx) }`: after a wake it
// re-acquires the lock, evaluates pred with the lock held, and only then
// releases it again in the next Wait, with scheduling points in between
// (Wait's l.mu.Lock). The model does re-acquire, re-check and re-wait in
// one Resume, so the transient hold is invisible to it, and this
// execution of the built-in Condition (found by harness.RunProgram, 4
// random seeds in 3000; with random cancels a misused release exposes it
// too) is judged non-linearizable. The fix belongs in the model: after a
// re-acquire whose predicate is still false, leave the call Runnable
// holding the lock, and let the next Resume begin the next Wait. This
// test skips while the gap is there and passes once it is fixed.
func TestWaitForTransientHold(t *testing.T) {
	vs := Judge(hist(t, model.Condition, model.Go, cond1, `
C acquire -> ok
C waitfor 1 ...
P acquire -> ok
P notify 1 -> ok
P release -> ok
R locked -> false
R tryacquire -> false
end quiescent
`), Options{})
	if v := verdict(vs, Linearizability); v.Status == Fail {
		t.Skipf("known model gap (WaitFor's re-check is atomic in the model): %s", v.Message)
	}
	allPass(t, "waitfor transient hold", vs)
}

// Two bugs in one run, each judge its own: the first release is lost (W1
// and W2 stay parked, though the model wakes one of them), and a newcomer
// takes the second release's permit ahead of them.
func TestStrandedWaitersAndBarging(t *testing.T) {
	vs := Judge(hist(t, model.Semaphore, model.Go, model.Params{"value": 0}, `
W1 acquire ...
W2 acquire ...
R release -> ok
W3 acquire ...
R release -> ok
W3 acquire -> ok
end quiescent
`), Options{})
	want(t, vs, Linearizability, Pass)
	want(t, vs, Quiescence, Fail, "W1, W2 are parked forever", "at least one of them has been granted")
	want(t, vs, Invariant, Pass)
	want(t, vs, Fairness, Fail, "W3's acquire returned ok at step 8 while W1, granted at step 4 (R release -> ok), had not resumed: W3 barged past a granted waiter")
}

// TestCustomInvariant: a primitive's own invariant (history.Invariants.Check)
// is the Invariant judge's too.
func TestCustomInvariant(t *testing.T) {
	in := hist(t, model.Lock, model.Go, nil, `
A acquire -> ok
A release -> ok
`)
	in.Invariants.Check = func(h []history.Event, _ model.Params, _ model.Dialect, _ func(int) string) (int, string) {
		for i, e := range h {
			if e.Kind == history.Return && e.Op.Kind == model.Release {
				return i, "no release may return (a test's invariant)"
			}
		}
		return -1, ""
	}
	vs := Judge(in, Options{})
	want(t, vs, Invariant, Fail, "no release may return")
	if v := verdict(vs, Invariant); v.At != 3 {
		t.Errorf("invariant at %d, want 3", v.At)
	}
}
