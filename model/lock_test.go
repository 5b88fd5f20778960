package model

import "testing"

func lockScript(t *testing.T, ds []Dialect, src string) {
	t.Helper()
	runScript(t, Lock, Params{}, ds, src)
}

// §2 operations table; test_lock, test_release_no_waiters,
// test_context_manager, test_release_not_acquired; probe L5.
func TestLockBasics(t *testing.T) {
	lockScript(t, all, `
		A locked -> false          # test_lock: a new lock is unlocked
		A release -> not-locked    # L5 / test_release_not_acquired: no state change
		A acquire -> ok            # fast path
		B locked -> true
		B tryacquire -> false
		A release -> ok            # test_release_no_waiters
		B locked -> false
		B tryacquire -> true       # §11 TryLock: not locked, nobody queued
		A release -> ok            # L5: a task that did not acquire may release
		A locked -> false
		state locked=false; lock queue: empty
	`)
}

// test_acquire: FIFO, one waiter per release, a later c3 behind c2.
func TestLockFIFO(t *testing.T) {
	lockScript(t, all, `
		M acquire -> ok
		C1 acquire -> blocks
		C2 acquire -> blocks
		status C1=waiting C2=waiting   # nobody advances without a release
		M release -> ok
		status C1=runnable C2=waiting
		C1 acquire -> ok
		C3 acquire -> blocks
		C1 release -> ok
		status C2=runnable C3=waiting
		C2 acquire -> ok
		C2 release -> ok
		C3 acquire -> ok
		C3 release -> ok
		M locked -> false
	`)
}

// Probe L1: release() with a waiter W, a newcomer acquires before W runs.
// asyncio: locked() is False in the grant window but the newcomer queues;
// go (G4): the lock is handed over, Locked() stays true. Order W, main.
func TestLockL1GrantWindow(t *testing.T) {
	lockScript(t, all, `
		M acquire -> ok
		W acquire -> blocks
		M release -> ok
		[asyncio] M locked -> false
		[asyncio] state locked=false; lock queue: W(granted)
		[go]      M locked -> true
		[go]      state locked=true; lock queue: W(granted)
		M tryacquire -> false      # §2 / G4: the fast-path rule, not !locked()
		M acquire -> blocks        # no barging: behind the grantee
		state lock queue: W(granted) M(waiting)
		W acquire -> ok
		W release -> ok
		M acquire -> ok
	`)
}

// S7's twin for Lock (§2 Fairness): a holder that releases and re-acquires
// goes behind the existing waiters.
func TestLockReleaseReacquire(t *testing.T) {
	lockScript(t, all, `
		H acquire -> ok
		W acquire -> blocks
		H release -> ok
		H acquire -> blocks
		W acquire -> ok
		W release -> ok
		H acquire -> ok
	`)
}

// Probe L2 / test_finished_waiter_cancelled: the woken head W is cancelled
// before it resumes: the lock passes to X. Go (G3) may also keep the grant.
func TestLockL2CancelGranted(t *testing.T) {
	lockScript(t, all, `
		M acquire -> ok
		W acquire -> blocks
		X acquire -> blocks
		M release -> ok
		cancel W
		status W=runnable X=waiting
		[asyncio] state lock queue: W(granted, cancel pending) X(waiting)
		[asyncio] W acquire -> cancelled
		[go]      W acquire -> ok|cancelled : cancelled
		status X=runnable
		X acquire -> ok
		M locked -> true
		X release -> ok
		M locked -> false
	`)
	// G3, the other branch: W observed the grant first and keeps the lock.
	lockScript(t, []Dialect{Go}, `
		M acquire -> ok
		W acquire -> blocks
		X acquire -> blocks
		M release -> ok
		cancel W
		W acquire -> ok|cancelled : ok
		status X=waiting
		M locked -> true
		W release -> ok
		X acquire -> ok
	`)
}

// Probe L3 / test_cancel_race: the pending head B is cancelled and the holder
// releases in the same step. asyncio: release() finds an abandoned head and
// grants nobody; B's cleanup grants C (latency quirk); a newcomer still
// queues behind C. Go (G3): B's record is still queued, so the release hands
// the lock to B, which passes it on to C (or keeps it).
func TestLockL3CancelRace(t *testing.T) {
	lockScript(t, all, `
		A acquire -> ok
		B acquire -> blocks
		C acquire -> blocks
		cancel B
		A release -> ok
		status B=runnable C=waiting       # C not woken by the release itself
		[asyncio] state locked=false; lock queue: B(abandoned) C(waiting)
		[go]      state locked=true; lock queue: B(granted, cancel pending) C(waiting)
		D acquire -> blocks               # newcomer: behind C
		[asyncio] B acquire -> cancelled
		[go]      B acquire -> ok|cancelled : cancelled
		status C=runnable D=waiting
		C acquire -> ok
		C release -> ok
		D acquire -> ok
	`)
}

// Probe L4: only cancelled waiters queued: in asyncio a newcomer acquires at
// once, skipping the abandoned slot. Go keeps a cancelled record queued until
// its goroutine runs (G3), so the release handed it the lock and the
// newcomer queues; once B has run, Go agrees.
func TestLockL4FastPastAbandoned(t *testing.T) {
	lockScript(t, all, `
		A acquire -> ok
		B acquire -> blocks
		cancel B
		A release -> ok
		[asyncio] N tryacquire -> true    # fast-path rule skips abandoned slots
		[asyncio] B acquire -> cancelled
		[asyncio] A locked -> true
		[asyncio] N release -> ok
		[go]      N acquire -> blocks
		[go]      B acquire -> ok|cancelled : cancelled
		[go]      N acquire -> ok
		[go]      N release -> ok
		A locked -> false
	`)
	lockScript(t, all, `
		A acquire -> ok
		B acquire -> blocks
		cancel B
		B acquire -> cancelled            # B's cleanup ran first: nothing else
		A release -> ok
		N acquire -> ok
		state locked=true; lock queue: empty
	`)
}

// §2 cancellation matrix, row "while WAITING"; test_acquire_cancel: the slot
// is removed and the task does not get the lock. Row "after resuming": the
// lock is held; a cancel after the call returned is a no-op (G1).
func TestLockCancelWaiting(t *testing.T) {
	lockScript(t, all, `
		A acquire -> ok
		B acquire -> blocks
		cancel B
		cancel B                   # a second cancel changes nothing
		B acquire -> cancelled
		state locked=true; lock queue: empty
		cancel A                   # A has no call in flight (G1)
		A release -> ok
		A locked -> false
	`)
}

// test_cancel_release_race (bpo-32734): the first of three waiters is
// cancelled and the lock released together: exactly one acquisition.
func TestLockCancelReleaseRace(t *testing.T) {
	lockScript(t, all, `
		M acquire -> ok
		T1 acquire -> blocks
		T2 acquire -> blocks
		T3 acquire -> blocks
		cancel T1
		M release -> ok
		[asyncio] T1 acquire -> cancelled
		[go]      T1 acquire -> ok|cancelled : cancelled
		status T2=runnable T3=waiting
		T2 acquire -> ok
		status T3=waiting
		cancel T3
		T3 acquire -> cancelled
		M locked -> true
	`)
}

// §1.5 / G2 (probe E2): the fast path is not a cancellation point. A call
// that would block with a done ctx: Go returns at once without side effect;
// asyncio delivers the cancel at the first suspension (slot abandoned and
// cleaned up): the same observable result here.
func TestLockCtxDone(t *testing.T) {
	lockScript(t, all, `
		A acquire! -> ok
		B acquire! -> cancelled
		state locked=true; lock queue: empty
		C acquire -> blocks
		A release -> ok
		B acquire! -> cancelled        # grant window: would block (G4 / §2 blocking rule)
		state lock queue: C(granted)
		C acquire -> ok
	`)
}

// A release during the grant window by a task other than the grantee. No
// ownership (§1.6, G6). asyncio: the lock is unlocked in the window, so it is
// an error. Go: the granted waiter holds the lock (G4), the release releases
// its hold and hands the lock on; the waiter's acquisition cannot be undone
// any more, so a cancel no longer lets it return ctx.Err().
func TestLockReleaseDuringGrantWindow(t *testing.T) {
	lockScript(t, all, `
		H acquire -> ok
		W acquire -> blocks
		N acquire -> blocks
		H release -> ok
		cancel W
		[asyncio] X release -> not-locked
		[asyncio] W acquire -> cancelled
		[asyncio] N acquire -> ok
		[go]      X release -> ok
		[go]      state locked=true; lock queue: W(granted, released since) N(granted)
		[go]      W acquire -> ok
		[go]      N acquire -> ok
		X locked -> true
	`)
}
