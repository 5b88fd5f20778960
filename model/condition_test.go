package model

import "testing"

func condScript(t *testing.T, ds []Dialect, src string) {
	t.Helper()
	runScript(t, Condition, Params{"conditions": 1}, ds, src)
}

// §4 preconditions (probe C5; test_wait_unacquired, test_notify_unacquired,
// test_notify_all_unacquired, test_wait_for_unacquired; G6).
func TestConditionPreconditions(t *testing.T) {
	condScript(t, all, `
		X notify 1 -> not-locked
		X notifyall -> not-locked
		X wait -> not-locked
		[asyncio] X waitfor 0 -> ok          # true predicate first, no lock check
		[go]      X waitfor 0 -> not-locked  # G6: the lock is checked first
		X waitfor 1 -> not-locked
		state locked=false; counter=0; lock queue: empty; c1 queue: empty
	`)
	// C5: notify by a non-owner while another task holds the lock: no error.
	// A non-owner's wait() releases the holder's lock.
	condScript(t, all, `
		H acquire -> ok
		X notify 1 -> ok
		X notifyall -> ok
		X wait -> blocks
		Y locked -> false
		state c1 queue: X(waiting)
	`)
	// test_explicit_lock / §4: cond.acquire/release/locked are L's.
	condScript(t, all, `
		A acquire -> ok
		B locked -> true
		B tryacquire -> false
		A release -> ok
		B tryacquire -> true
		B release -> ok
	`)
}

// test_wait: notify while holding the lock releases nobody until release();
// waiters then proceed one per release, in FIFO order; the main task
// notifies and releases while a waiter holds the lock (no ownership check).
func TestConditionWait(t *testing.T) {
	condScript(t, all, `
		C1 acquire -> ok
		C1 wait -> blocks
		C2 acquire -> ok
		C2 wait -> blocks
		C3 acquire -> ok
		C3 wait -> blocks
		M locked -> false
		M acquire -> ok
		M notify 1 -> ok
		status C1=runnable C2=waiting
		C1 wait -> blocks            # re-acquire: M holds the lock
		state lock queue: C1(waiting)
		M locked -> true
		M release -> ok
		C1 wait -> ok
		M locked -> true
		M notify 2 -> ok
		C2 wait -> blocks
		C3 wait -> blocks
		M release -> ok              # releases C1's lock: C2 next
		C2 wait -> ok
		M locked -> true
		M release -> ok
		C3 wait -> ok
		M locked -> true
	`)
}

// test_notify: notify(1) wakes one; notify(1) then notify(2048) wakes the
// rest, in FIFO order.
func TestConditionNotify(t *testing.T) {
	condScript(t, all, `
		C1 acquire -> ok
		C1 wait -> blocks
		C2 acquire -> ok
		C2 wait -> blocks
		C3 acquire -> ok
		C3 wait -> blocks
		M acquire -> ok
		M notify 1 -> ok
		M release -> ok
		status C1=runnable C2=waiting C3=waiting
		C1 wait -> ok
		C1 release -> ok
		M acquire -> ok
		M notify 1 -> ok
		M notify 2048 -> ok
		M release -> ok
		status C2=runnable C3=runnable
		C2 wait -> ok
		C3 wait -> blocks
		C2 release -> ok
		C3 wait -> ok
		C3 release -> ok
	`)
}

// Probe C6 / test_notify_all: notify(0) and notify(-3) wake nobody; two
// notify(1) wake two distinct waiters (granted slots are skipped and not
// counted); resume order W0, W1; notify_all wakes the rest in order.
func TestConditionC6NotifyCounting(t *testing.T) {
	condScript(t, all, `
		W0 acquire -> ok
		W0 wait -> blocks
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		W3 acquire -> ok
		W3 wait -> blocks
		W4 acquire -> ok
		W4 wait -> blocks
		M acquire -> ok
		M notify 0 -> ok
		M notify -3 -> ok
		status W0=waiting
		M notify 1 -> ok
		M notify 1 -> ok
		status W0=runnable W1=runnable W2=waiting W3=waiting W4=waiting
		M release -> ok
		W0 wait -> ok
		W1 wait -> blocks
		W0 release -> ok
		W1 wait -> ok
		W1 release -> ok
		state c1 queue: W2(waiting) W3(waiting) W4(waiting)
		M acquire -> ok
		M notifyall -> ok
		status W2=runnable W3=runnable W4=runnable
		M release -> ok
		W2 wait -> ok
		W3 wait -> blocks
		W4 wait -> blocks
		state lock queue: W3(waiting) W4(waiting)
		W2 release -> ok
		W3 wait -> ok
		W3 release -> ok
		W4 wait -> ok
	`)
}

// Probe C4: two Conditions on one Lock: each has its own queue; notify on
// one never grants the other's slots; locked() of both is L's.
func TestConditionC4SharedLock(t *testing.T) {
	runScript(t, Condition, Params{"conditions": 2}, all, `
		A1 acquire -> ok
		A1 c1.wait -> blocks
		B1 acquire -> ok
		B1 c2.wait -> blocks
		X locked -> false
		X acquire -> ok
		X locked -> true
		X c1.notifyall -> ok
		status A1=runnable B1=waiting
		state c1 queue: A1(granted); c2 queue: B1(waiting)
		X release -> ok
		A1 c1.wait -> ok
		A1 release -> ok
		X acquire -> ok
		X c2.notify 1 -> ok
		X release -> ok
		B1 c2.wait -> ok
		B1 release -> ok
	`)
}

// Probe C1 (gh-112202): notify(1), then the notified W1 is cancelled before
// it resumes. 3.11 loses the notification (W2 keeps waiting); 3.13 forwards
// it; Go forwards it when W1 returns ctx.Err() (G8). W1 holds the lock when
// it returns, in every dialect.
func TestConditionC1NotifiedThenCancelled(t *testing.T) {
	condScript(t, all, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		cancel W1
		N release -> ok
		[asyncio] W1 wait -> cancelled
		[go]      W1 wait -> ok|cancelled : cancelled
		X locked -> true
		W1 release -> ok
		[3.11]    status W2=waiting           # notification LOST
		[go,3.13] status W2=runnable
		[go,3.13] W2 wait -> ok
		[go,3.13] W2 release -> ok
	`)
	// G3: Go may also keep the notification; then W2 was never notified.
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		cancel W1
		N release -> ok
		W1 wait -> ok|cancelled : ok
		status W2=waiting
	`)
}

// Probe C2 / test_wait_cancel_after_notify (bpo-32841): W1 is notified and
// blocked re-acquiring the lock when it is cancelled. asyncio: the cancel is
// swallowed until the lock is held, then raised; 3.11 loses the notification
// (C2), 3.13 forwards it (test_cancelled_wakeup_relock). Go (G9): the
// re-acquire is not cancellable; W1's wait returns OK (its first wake), and
// no notification is lost since W1 consumed it.
func TestConditionC2CancelDuringReacquire(t *testing.T) {
	condScript(t, all, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		W1 wait -> blocks
		state lock queue: W1(waiting)
		cancel W1
		[asyncio] status W1=runnable
		[asyncio] state lock queue: W1(abandoned)
		[go]      status W1=waiting
		N release -> ok
		[asyncio] W1 wait -> cancelled
		[go]      W1 wait -> ok
		X locked -> true
		W1 release -> ok
		[3.11]    status W2=waiting
		[3.13]    status W2=runnable
		[3.13]    W2 wait -> ok
		[go]      status W2=waiting
	`)
}

// Probe C2b: lock-queue order after the release. Without a cancel the
// notified W1 queued before the plain locker L goes first ['W1','L']. With a
// cancel during the re-acquire, asyncio re-queues W1 at the tail
// ['L','W1(cancelled)']; Go keeps its place (G9).
func TestConditionC2bReacquireOrder(t *testing.T) {
	const prefix = `
		W1 acquire -> ok
		W1 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		W1 wait -> blocks
		L acquire -> blocks
		state lock queue: W1(waiting) L(waiting)
	`
	condScript(t, all, prefix+`
		N release -> ok
		status W1=runnable L=waiting
		W1 wait -> ok
		W1 release -> ok
		L acquire -> ok
	`)
	condScript(t, all, prefix+`
		cancel W1
		N release -> ok
		status W1=runnable L=waiting
		[asyncio] W1 wait -> blocks              # swallowed; L granted by the cleanup
		[asyncio] state lock queue: L(granted) W1(waiting)
		[asyncio] L acquire -> ok
		[asyncio] L release -> ok
		[asyncio] W1 wait -> cancelled
		[go]      W1 wait -> ok
		[go]      W1 release -> ok
		[go]      L acquire -> ok
		X locked -> true
	`)
}

// §4 matrix, "several cancels during reacquire": all swallowed until the
// lock is held, then one CancelledError; each re-queues at the tail.
func TestConditionSeveralCancelsDuringReacquire(t *testing.T) {
	condScript(t, all, `
		W acquire -> ok
		W wait -> blocks
		H acquire -> ok
		H notify 1 -> ok
		W wait -> blocks
		L acquire -> blocks
		cancel W
		[asyncio] W wait -> blocks
		[asyncio] state lock queue: L(waiting) W(waiting)
		cancel W
		[asyncio] W wait -> blocks
		cancel W
		[go]      status W=waiting
		H release -> ok
		[asyncio] status L=runnable
		[asyncio] W wait -> blocks             # third cancel: tail again
		[asyncio] L acquire -> ok
		[asyncio] L release -> ok
		[asyncio] W wait -> cancelled
		[go]      W wait -> ok
		[go]      W release -> ok
		[go]      L acquire -> ok
		X locked -> true
	`)
}

// Probe C3: cancel W1, which was never notified. 3.11 and Go: W1 raises
// after re-acquiring, W2 keeps waiting. 3.13: the exception-time notify(1)
// wakes W2 spuriously.
func TestConditionC3CancelNotNotified(t *testing.T) {
	condScript(t, all, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		cancel W1
		W1 wait -> cancelled
		X locked -> true
		[go,3.11] status W2=waiting
		[3.13]    status W2=runnable           # spurious wakeup
		W1 release -> ok
		[3.13]    W2 wait -> ok
	`)
}

// Probe C7: notify + release, then a newcomer acquires before the notified W
// resumes: the newcomer takes the lock without waiting (Mesa barging, G9);
// W wakes to a changed state (wait_for re-checks and waits again).
func TestConditionC7Barging(t *testing.T) {
	condScript(t, all, `
		W acquire -> ok
		W waitfor 1 -> blocks
		P acquire -> ok
		P add 1 -> ok
		P notify 1 -> ok
		P release -> ok
		N acquire -> ok                # newcomer got the lock without waiting
		N add -1 -> ok                 # consumed
		N release -> ok
		W waitfor 1 -> blocks          # woke, items=0: waits again
		status W=waiting
		state locked=false; counter=0; lock queue: empty; c1 queue: W(waiting)
	`)
}

// test_wait_for: notify with a false predicate does not release the waiter;
// it completes once the predicate is true. Fast path: a true predicate
// returns at once, even with a done ctx (§1.5, probe E2).
func TestConditionWaitFor(t *testing.T) {
	condScript(t, all, `
		W acquire -> ok
		W waitfor 1 -> blocks
		M acquire -> ok
		M notify 1 -> ok
		M release -> ok
		W waitfor 1 -> blocks
		M add 1 -> ok
		M acquire -> ok
		M notify 1 -> ok
		M release -> ok
		W waitfor 1 -> ok
		X locked -> true
		W release -> ok
		W acquire -> ok
		W waitfor! 1 -> ok
		W release -> ok
		[asyncio] W waitfor! 1 -> ok     # not even the lock is checked
	`)
}

// test_wait_cancel / test_timeout_in_block (§4 matrix row 1): a wait()
// cancelled before any notify raises, leaves no slot, and holds the lock.
func TestConditionWaitCancel(t *testing.T) {
	condScript(t, all, `
		W acquire -> ok
		W wait -> blocks
		cancel W
		status W=runnable
		W wait -> cancelled
		X locked -> true
		state c1 queue: empty
		W release -> ok
	`)
}

// test_wait_cancel_contested: notify, then a cancel and a release scheduled
// together; the woken waiter ran first and queued on the lock. Afterwards
// the lock is held by the waiter, whether or not it raised.
func TestConditionWaitCancelContested(t *testing.T) {
	condScript(t, all, `
		M acquire -> ok
		W wait -> blocks
		X locked -> false
		M acquire -> ok
		M notify 1 -> ok
		W wait -> blocks
		cancel W
		M release -> ok
		[asyncio] W wait -> cancelled
		[go]      W wait -> ok
		X locked -> true
	`)
}

// test_cancelled_wakeup [3.13]: notify(1) races with the cancel of the
// notified consumer; the other consumer must still consume. Fails on 3.11.
func TestConditionCancelledWakeup(t *testing.T) {
	condScript(t, all, `
		C1 acquire -> ok
		C1 waitfor 1 -> blocks
		C2 acquire -> ok
		C2 waitfor 1 -> blocks
		M acquire -> ok
		M add 1 -> ok
		M notify 1 -> ok
		cancel C1
		M release -> ok
		[asyncio] C1 waitfor 1 -> cancelled
		[go]      C1 waitfor 1 -> ok|cancelled : cancelled
		C1 release -> ok
		[3.11]    status C2=waiting
		[go,3.13] C2 waitfor 1 -> ok
	`)
}

// test_cancelled_wakeup_relock [3.13]: the same with the cancel arriving
// during the re-acquire. Go: C1's wait returns OK (G9) and the predicate
// holds, so C1 consumes: nothing lost either.
func TestConditionCancelledWakeupRelock(t *testing.T) {
	condScript(t, all, `
		C1 acquire -> ok
		C1 waitfor 1 -> blocks
		C2 acquire -> ok
		C2 waitfor 1 -> blocks
		M acquire -> ok
		M add 1 -> ok
		M notify 1 -> ok
		C1 waitfor 1 -> blocks
		cancel C1
		M release -> ok
		[asyncio] C1 waitfor 1 -> cancelled
		[go]      C1 waitfor 1 -> ok
		C1 release -> ok
		[3.11]    status C2=waiting
		[3.13]    C2 waitfor 1 -> ok
		[go]      status C2=waiting
	`)
}

// G10 + G7: Go's WaitFor keeps its ctx: a cancel during the (not
// cancellable) re-acquire does not change that wait's result, but if the
// predicate is still false the loop's next Wait(ctx) returns ctx.Err() at
// once, lock held. The same when the waiter kept a notification it got
// together with a cancel (G3).
func TestConditionGoWaitForDoneCtx(t *testing.T) {
	condScript(t, all, `
		W acquire -> ok
		W waitfor 1 -> blocks
		M acquire -> ok
		M notify 1 -> ok
		W waitfor 1 -> blocks
		cancel W
		[go]      status W=waiting
		[go]      state W in c1.waitfor 1 re-acquiring the lock, ctx done
		M release -> ok
		W waitfor 1 -> cancelled
		X locked -> true
		state c1 queue: empty
	`)
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 waitfor 1 -> blocks
		W2 acquire -> ok
		W2 waitfor 1 -> blocks
		M acquire -> ok
		M notify 1 -> ok
		cancel W1
		M release -> ok
		W1 waitfor 1 -> cancelled      # kept (pred false, ctx done) or forwarded
		branches 2
	`)
}

// §1.4 with a done ctx at the call. Go (G7): Wait returns ctx.Err() at once,
// lock held, no release. asyncio: the cancel lands at wait()'s first
// suspension: the lock was released (granting its head) and must be
// re-acquired before CancelledError surfaces (§4 matrix row 1); 3.13 then
// notifies one waiter (spurious).
func TestConditionCtxDone(t *testing.T) {
	condScript(t, all, `
		V acquire -> ok
		V wait -> blocks
		W acquire -> ok
		W wait! -> cancelled
		X locked -> true
		[go,3.11] status V=waiting
		[3.13]    status V=runnable
	`)
	condScript(t, all, `
		W acquire -> ok
		L acquire -> blocks
		[go]      W wait! -> cancelled
		[go]      W waitfor! 1 -> cancelled
		[go]      status L=waiting
		[asyncio] W wait! -> blocks
		[asyncio] status L=runnable W=waiting
		[asyncio] state lock queue: L(granted) W(waiting); c1 queue: empty
		[asyncio] L acquire -> ok
		[asyncio] L release -> ok
		[asyncio] W wait! -> cancelled
		X locked -> true
	`)
}

// A plain acquire() of the Condition's lock follows §2 / G3 (phAcquire).
func TestConditionPlainAcquireCancel(t *testing.T) {
	condScript(t, all, `
		H acquire -> ok
		A acquire -> blocks
		B acquire -> blocks
		cancel A
		A acquire -> cancelled
		A acquire! -> cancelled
		H release -> ok
		B acquire -> ok
		state lock queue: empty
	`)
}

// G8 / §4 3.13: a forwarded notification goes to the first WAITING slot,
// skipping slots already notified.
func TestConditionForwardSkipsNotified(t *testing.T) {
	condScript(t, all, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		W3 acquire -> ok
		W3 wait -> blocks
		M acquire -> ok
		M notify 2 -> ok
		cancel W1
		M release -> ok
		[asyncio] W1 wait -> cancelled
		[go]      W1 wait -> ok|cancelled : cancelled
		[3.11]    state c1 queue: W2(granted) W3(waiting)
		[go,3.13] state c1 queue: W2(granted) W3(granted)
	`)
}

// G8 leaves open when the forward of a notified waiter that returns
// ctx.Err() takes effect: at its resume, before it queues on the lock again
// (the re-acquire may then come later, in a step of its own), or once it
// holds the lock again (CPython 3.13's order). Forward, then re-queue: the
// waiter it forwarded to may take the free lock first.
func TestConditionGoForwardThenRequeue(t *testing.T) {
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		cancel W1
		N release -> ok
		step W1 wait -> ok|runs : runs
		branches 2                     # forwarded, or will forward once it holds the lock
		only W1 in c1.wait notification forwarded, about to re-acquire the lock
		state locked=false; counter=0; lock queue: empty; c1 queue: W2(granted)
		status W2=runnable
		cancel W1                      # already on its way to return cancelled
		W2 wait -> ok                  # W2 takes the free lock before W1 queues
		step W1 wait -> blocks         # W1 queues behind W2's hold (G9)
		state lock queue: W1(waiting); c1 queue: empty
		W2 release -> ok
		W1 wait -> cancelled
		X locked -> true
		W1 release -> ok
		state locked=false; counter=0; lock queue: empty; c1 queue: empty
	`)
	// The same two steps with the lock free at the second: forward and
	// re-acquire in one step.
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		cancel W1
		N release -> ok
		step W1 wait -> ok|runs : runs
		only notification forwarded
		W1 wait -> cancelled
		X locked -> true
		status W2=runnable
		W2 wait -> blocks
		W1 release -> ok
		W2 wait -> ok
	`)
}

// G8, CPython 3.13's order: the notified, cancelled waiter re-acquires the
// lock first and forwards only then, so the forward goes to whoever waits
// at that moment, here a waiter that began waiting after the notify (the
// one notification is still consumed once: W1 returns ctx.Err()).
func TestConditionGoRelockThenForward(t *testing.T) {
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 wait -> blocks
		H acquire -> ok
		H notify 1 -> ok
		cancel W1
		step W1 wait -> blocks|runs : blocks
		branches 2                     # kept, or will forward once it holds the lock
		only will forward its notification
		state locked=true; counter=0; lock queue: W1(waiting); c1 queue: empty
		H wait -> blocks               # hands the lock to W1, then waits
		step W1 wait -> runs
		state W1 in c1.wait lock re-acquired, about to forward its notification, will return cancelled
		status H=waiting
		cancel W1
		W1 wait -> cancelled
		status H=runnable
		state c1 queue: H(granted)
		H wait -> blocks
		W1 release -> ok
		H wait -> ok
	`)
	// With the lock free, the re-acquire is the fast path: W1 holds the
	// lock at once, and forwards to W2 before it returns. W2 cannot return
	// before W1 releases.
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		N acquire -> ok
		N notify 1 -> ok
		cancel W1
		N release -> ok
		step W1 wait -> ok|runs : runs
		only lock re-acquired, about to forward
		state locked=true; counter=0; lock queue: empty; c1 queue: W2(waiting)
		status W2=waiting
		W1 wait -> cancelled
		status W2=runnable
		W2 wait -> blocks
		W1 release -> ok
		W2 wait -> ok
	`)
	// A never-notified waiter cancelled forwards nothing, at any point
	// (no spurious wakeup, probe C3).
	condScript(t, []Dialect{Go}, `
		W1 acquire -> ok
		W1 wait -> blocks
		W2 acquire -> ok
		W2 wait -> blocks
		H acquire -> ok
		cancel W1
		step W1 wait -> blocks
		branches 1
		H release -> ok
		step W1 wait -> cancelled
		status W2=waiting
	`)
}
