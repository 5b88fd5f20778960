package model

import "testing"

func semScript(t *testing.T, v int, ds []Dialect, src string) {
	t.Helper()
	runScript(t, Semaphore, Params{"value": v}, ds, src)
}

func bsemScript(t *testing.T, v int, ds []Dialect, src string) {
	t.Helper()
	runScript(t, BoundedSemaphore, Params{"value": v}, ds, src)
}

// test_semaphore_value: a negative initial value is refused.
func TestSemaphoreNegative(t *testing.T) {
	for _, p := range []Primitive{Semaphore, BoundedSemaphore} {
		if _, err := New(p, Go, Params{"value": -1}); err == nil {
			t.Errorf("%s(-1) accepted", p)
		}
	}
}

// §5 operations; test_initial_value_zero, test_semaphore,
// test_release_no_waiters; TryAcquire and Value.
func TestSemaphoreBasics(t *testing.T) {
	semScript(t, 0, all, `
		X locked -> true            # test_initial_value_zero
		X value -> 0
		X tryacquire -> false
		R release -> ok             # no upper bound on a plain Semaphore
		R release -> ok
		X value -> 2
		X locked -> false
		A acquire -> ok
		B tryacquire -> true
		X value -> 0
		X locked -> true
		A release -> ok             # test_release_no_waiters
		B release -> ok
		X value -> 2
	`)
	semScript(t, 1, all, `
		X value -> 1                # test_semaphore: the value stays 1
		A acquire! -> ok            # §1.5 / G2: fast path with a done ctx (E2)
		B acquire! -> cancelled     # would block: at once, nothing left behind
		state value=0; queue: empty
		cancel A                    # G1: no call in flight
		A release -> ok
		X value -> 1
	`)
}

// test_acquire: Semaphore(3), two acquires, then racers: the releases hand
// off, leaving the value at 0 immediately; exactly 2 of the 3 racers finish.
func TestSemaphoreAcquireHandOff(t *testing.T) {
	semScript(t, 3, all, `
		M acquire -> ok
		M acquire -> ok
		X locked -> false
		C1 acquire -> ok
		C2 acquire -> blocks
		C3 acquire -> blocks
		X locked -> true
		X value -> 0
		R release -> ok
		R release -> ok
		X value -> 0
		C4 acquire -> blocks
		C2 acquire -> ok
		C3 acquire -> ok
		X value -> 0
		X locked -> true
		status C4=waiting
	`)
}

// Probe S1: Semaphore(0), W waits. asyncio: after the 2nd release
// (value, locked) = (1, True) because W's granted slot is live. Go (G11):
// W already has its permit, so the free one is takeable: Locked() false.
func TestSemaphoreS1(t *testing.T) {
	semScript(t, 0, all, `
		W acquire -> blocks
		R release -> ok
		X value -> 0
		X locked -> true
		status W=runnable
		R release -> ok
		X value -> 1
		[asyncio] X locked -> true
		[asyncio] X tryacquire -> false
		[go]      X locked -> false
		W acquire -> ok
		X value -> 1
		X locked -> false
	`)
}

// Probe S2: a newcomer N runs before the woken W resumes. With one release
// N queues and keeps waiting (no barging, all dialects). With two releases:
// asyncio queues N (locked) and W's resume grants it (chain / batch); Go
// lets N take the free permit at once (it is not W's: W holds its own).
func TestSemaphoreS2(t *testing.T) {
	semScript(t, 0, all, `
		W acquire -> blocks
		R release -> ok
		X value -> 0
		X locked -> true
		N acquire -> blocks
		W acquire -> ok
		status N=waiting
		X value -> 0
	`)
	semScript(t, 0, all, `
		W acquire -> blocks
		R release -> ok
		R release -> ok
		X value -> 1
		[asyncio] X locked -> true
		[asyncio] N acquire -> blocks
		[asyncio] W acquire -> ok
		[asyncio] status N=runnable
		[asyncio] N acquire -> ok
		[go]      X locked -> false
		[go]      N acquire -> ok
		[go]      W acquire -> ok
		X value -> 0
	`)
}

// Probe S3 / test_acquire_hang's twin: release grants W1, W1 is cancelled
// before resuming: the permit passes to W2; value stays 0.
func TestSemaphoreS3CancelGranted(t *testing.T) {
	semScript(t, 0, all, `
		W1 acquire -> blocks
		W2 acquire -> blocks
		R release -> ok
		X value -> 0
		cancel W1
		[asyncio] W1 acquire -> cancelled
		[go]      W1 acquire -> ok|cancelled : cancelled
		status W2=runnable
		W2 acquire -> ok
		X value -> 0
	`)
	// G3 / G11: Go may keep the permit instead; W2 keeps waiting.
	semScript(t, 0, []Dialect{Go}, `
		W1 acquire -> blocks
		W2 acquire -> blocks
		R release -> ok
		cancel W1
		W1 acquire -> ok|cancelled : ok
		status W2=waiting
		X value -> 0
	`)
}

// Probe S4 / test_acquire_cancel_before_awoken: four waiters, the first two
// cancelled, one release: only the third proceeds. In Go the cancelled
// records are still queued until their goroutines run (G3), so the permit
// travels W1 -> W2 -> W3 as each passes it on; if they run first, as in
// asyncio.
func TestSemaphoreS4(t *testing.T) {
	semScript(t, 0, all, `
		W1 acquire -> blocks
		W2 acquire -> blocks
		W3 acquire -> blocks
		W4 acquire -> blocks
		cancel W1
		cancel W2
		R release -> ok
		[asyncio] status W3=runnable W4=waiting
		[asyncio] W1 acquire -> cancelled
		[asyncio] W2 acquire -> cancelled
		[go]      status W1=runnable W2=runnable W3=waiting
		[go]      W1 acquire -> ok|cancelled : cancelled
		[go]      W2 acquire -> ok|cancelled : cancelled
		W3 acquire -> ok
		status W4=waiting
		X value -> 0
	`)
	semScript(t, 0, all, `
		W1 acquire -> blocks
		W2 acquire -> blocks
		W3 acquire -> blocks
		W4 acquire -> blocks
		cancel W1
		cancel W2
		W1 acquire -> cancelled     # test_acquire_cancel: no live slot left
		W2 acquire -> cancelled
		R release -> ok
		status W3=runnable W4=waiting
		W3 acquire -> ok
		X value -> 0
	`)
}

// Probe S5 / test_acquire_fifo_order_4: C1 waits on Semaphore(0), C2
// releases three times and acquires, C3 acquires. 3.11 chain wake: C1's
// resume grants only C2 ([1,2,4,3]); 3.13 batch wake grants C2 and C3
// ([1,2,3,4]). Go: the two free permits are not anybody's yet, so C2 and C3
// take them at once (G11).
func TestSemaphoreS5(t *testing.T) {
	semScript(t, 0, all, `
		C1 acquire -> blocks
		C2 release -> ok
		C2 release -> ok
		C2 release -> ok
		X value -> 2
		[asyncio] X locked -> true
		[asyncio] C2 acquire -> blocks
		[asyncio] C3 acquire -> blocks
		[asyncio] C1 acquire -> ok
		[3.11]    status C2=runnable C3=waiting
		[3.11]    X value -> 1
		[3.11]    C2 acquire -> ok              # chain: grants C3
		[3.13]    status C2=runnable C3=runnable
		[3.13]    X value -> 0
		[3.13]    C2 acquire -> ok
		[asyncio] C3 acquire -> ok
		[go]      X locked -> false
		[go]      C2 acquire -> ok
		[go]      C3 acquire -> ok
		[go]      C1 acquire -> ok
		X value -> 0
	`)
}

// Probe S6: BoundedSemaphore(1), the holder releases twice while W is
// woken-not-resumed. asyncio: the 2nd release is accepted (value 0 -> 1) and
// W's own release fails later. Go (G12): the 2nd release fails at once, state
// unchanged, and W's release succeeds.
func TestSemaphoreS6BoundedOverRelease(t *testing.T) {
	bsemScript(t, 1, all, `
		H acquire -> ok
		W acquire -> blocks
		H release -> ok
		X value -> 0
		[asyncio] H release -> ok
		[asyncio] X value -> 1
		[asyncio] W acquire -> ok
		[asyncio] W release -> released-too-often
		[asyncio] X value -> 1
		[go]      H release -> released-too-often
		[go]      state value=0 (bound 1); queue: W(granted)
		[go]      W acquire -> ok
		[go]      W release -> ok
		[go]      X value -> 1
		X release -> released-too-often
	`)
	// test_release_not_acquired; and a plain Semaphore has no bound.
	bsemScript(t, 1, all, `
		X release -> released-too-often
		X value -> 1
	`)
	semScript(t, 1, all, `
		X release -> ok
		X value -> 2
	`)
}

// Probe S7 / test_acquire_fifo_order: a holder that releases and immediately
// re-acquires goes behind the waiters: H1, W, H2.
func TestSemaphoreS7(t *testing.T) {
	semScript(t, 1, all, `
		H acquire -> ok
		W acquire -> blocks
		H release -> ok
		H acquire -> blocks
		W acquire -> ok
		W release -> ok
		H acquire -> ok
	`)
	// test_acquire_fifo_order: three tasks, acquire/release twice each.
	semScript(t, 1, all, `
		C1 acquire -> ok
		C2 acquire -> blocks
		C3 acquire -> blocks
		C1 release -> ok
		C1 acquire -> blocks
		C2 acquire -> ok
		C2 release -> ok
		C2 acquire -> blocks
		C3 acquire -> ok
		C3 release -> ok
		C3 acquire -> blocks
		status C1=runnable C2=waiting C3=waiting
		C1 acquire -> ok
		C1 release -> ok
		C2 acquire -> ok
		C2 release -> ok
		C3 acquire -> ok
		C3 release -> ok
		X value -> 1
	`)
}

// test_acquire_fifo_order_2: two releases to three tasks, one of which
// releases and re-acquires. asyncio: [1,2,3,4] (C2 queues behind C3's live
// slot; C3's resume chain-grants it). Go: [1,2,4,3] (the permit C2 returns
// is free: C3 already has its own).
func TestSemaphoreFIFOOrder2(t *testing.T) {
	semScript(t, 1, all, `
		C1 acquire -> ok
		C2 acquire -> blocks
		C3 acquire -> blocks
		M release -> ok
		M release -> ok
		C2 acquire -> ok
		C2 release -> ok
		[asyncio] C2 acquire -> blocks
		[asyncio] C3 acquire -> ok
		[asyncio] status C2=runnable
		[asyncio] C2 acquire -> ok
		[go]      C2 acquire -> ok
		[go]      C3 acquire -> ok
		X value -> 0
	`)
}

// test_acquire_fifo_order_3: the first of three waiters is cancelled (and
// runs), then two releases: [2,3].
func TestSemaphoreFIFOOrder3(t *testing.T) {
	semScript(t, 0, all, `
		W1 acquire -> blocks
		W2 acquire -> blocks
		W3 acquire -> blocks
		cancel W1
		W1 acquire -> cancelled
		M release -> ok
		M release -> ok
		W2 acquire -> ok
		W3 acquire -> ok
	`)
}

// test_acquire_hang: cancel waiter 1, then release: waiter 2 gets the
// permit and the semaphore is locked again. test_acquire_no_hang: the holder
// releases, then cancels the just-granted waiter: the permit is not lost.
func TestSemaphoreHang(t *testing.T) {
	semScript(t, 0, all, `
		W1 acquire -> blocks
		W2 acquire -> blocks
		cancel W1
		R release -> ok
		[asyncio] W1 acquire -> cancelled
		[go]      W1 acquire -> ok|cancelled : cancelled
		W2 acquire -> ok
		X locked -> true
	`)
	semScript(t, 1, all, `
		C1 acquire -> ok
		C2 acquire -> blocks
		C1 release -> ok
		cancel C2
		[asyncio] C2 acquire -> cancelled
		[go]      C2 acquire -> ok|cancelled : cancelled
		X value -> 1
		N acquire -> ok
	`)
}

// §5 cancellation matrix, WAITING row: 3.11 does nothing else; 3.13 then
// grants while value > 0 ("only matters if permits are left over").
func TestSemaphoreCancelWaitingBatch(t *testing.T) {
	semScript(t, 0, asyncioDialects, `
		A acquire -> blocks
		R release -> ok
		R release -> ok             # value 1; A's granted slot keeps it locked
		B acquire -> blocks
		C acquire -> blocks
		cancel B
		B acquire -> cancelled
		[3.11] status C=waiting     # A's resume will chain-grant C
		[3.11] X value -> 1
		[3.11] A acquire -> ok
		[3.11] status C=runnable
		[3.13] status C=runnable
		[3.13] X value -> 0
	`)
	// The same with a done ctx at the call: the cancel lands at the first
	// suspension and the 3.13 cleanup batch-wakes.
	semScript(t, 0, asyncioDialects, `
		A acquire -> blocks
		R release -> ok
		R release -> ok
		C acquire -> blocks
		N acquire! -> cancelled
		[3.11] status C=waiting
		[3.13] status C=runnable
	`)
}

// §5 cancellation matrix, GRANTED row: the permit is returned; 3.11 grants
// the first WAITING slot, 3.13 grants while value > 0.
func TestSemaphoreCancelGrantedBatch(t *testing.T) {
	semScript(t, 0, asyncioDialects, `
		A acquire -> blocks
		R release -> ok
		R release -> ok
		R release -> ok             # A granted, value 2
		B acquire -> blocks
		C acquire -> blocks
		D acquire -> blocks
		cancel A
		A acquire -> cancelled
		[3.11] status B=runnable C=waiting D=waiting
		[3.11] X value -> 2
		[3.13] status B=runnable C=runnable D=runnable
		[3.13] X value -> 0
	`)
}
