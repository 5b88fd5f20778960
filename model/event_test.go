package model

import "testing"

func eventScript(t *testing.T, ds []Dialect, src string) {
	t.Helper()
	runScript(t, Event, Params{}, ds, src)
}

// §3 operations table; test_clear, test_wait_on_set.
func TestEventBasics(t *testing.T) {
	eventScript(t, all, `
		A isset -> false
		A set -> ok
		A isset -> true
		A set -> ok                 # already set: nothing
		W wait -> ok                # test_wait_on_set: no suspension
		A clear -> ok
		A isset -> false
		A clear -> ok
		state set=false; queue: empty
	`)
}

// test_wait: set() releases every waiter; a task that had not started its
// wait() yet takes the fast path and finishes first ([3,1,2]).
func TestEventSetGrantsAll(t *testing.T) {
	eventScript(t, all, `
		W1 wait -> blocks
		W2 wait -> blocks
		S set -> ok
		status W1=runnable W2=runnable
		state set=true; queue: W1(granted) W2(granted)
		W3 wait -> ok
		W1 wait -> ok
		W2 wait -> ok
		state set=true; queue: empty
	`)
}

// test_clear_with_waiters: set, clear, set, set: the waiter returns once,
// and its slot stays until it runs; grants are not revoked by clear().
func TestEventClearWithWaiters(t *testing.T) {
	eventScript(t, all, `
		W wait -> blocks
		S set -> ok
		S clear -> ok
		state set=false; queue: W(granted)
		S set -> ok
		S set -> ok
		state set=true; queue: W(granted)
		W wait -> ok
		state queue: empty
	`)
}

// Probe E1: a pulse (set then clear) releases every current waiter; W2,
// cancelled after the set, is cancelled (asyncio: cancel wins; Go G5: nil or
// ctx.Err()); a wait() that starts after clear() blocks.
func TestEventE1Pulse(t *testing.T) {
	eventScript(t, all, `
		W0 wait -> blocks
		W1 wait -> blocks
		W2 wait -> blocks
		S set -> ok
		S clear -> ok
		cancel W2
		W0 wait -> ok
		W1 wait -> ok
		[asyncio] W2 wait -> cancelled
		[go]      W2 wait -> ok|cancelled : cancelled
		S isset -> false
		Late wait -> blocks
		status Late=waiting
		state set=false; queue: Late(waiting)
	`)
}

// §3 Cancellation, while WAITING (test_wait_cancel): the slot is removed.
// asyncio abandons it at once, so a later set() does not grant it; Go keeps
// the record queued and grantable until it runs (G3), hence two outcomes.
func TestEventCancelWaiting(t *testing.T) {
	eventScript(t, all, `
		W wait -> blocks
		cancel W
		status W=runnable
		W wait -> cancelled
		state set=false; queue: empty
	`)
	eventScript(t, all, `
		W wait -> blocks
		V wait -> blocks
		cancel W
		S set -> ok
		[asyncio] state queue: W(abandoned) V(granted)
		[asyncio] W wait -> cancelled
		[go]      state queue: W(granted, cancel pending) V(granted)
		[go]      W wait -> ok|cancelled
		V wait -> ok
	`)
}

// §1.5 / G2 (probe E2): wait() on a set event succeeds with a done ctx; on
// a clear one it returns Cancelled at once and leaves nothing behind.
func TestEventCtxDone(t *testing.T) {
	eventScript(t, all, `
		W wait! -> cancelled
		state set=false; queue: empty
		S set -> ok
		W wait! -> ok
	`)
}
