package model

import "testing"

func barrierScript(t *testing.T, parties int, ds []Dialect, src string) {
	t.Helper()
	runScript(t, Barrier, Params{"parties": parties}, ds, src)
}

// asyncio's test_barrier_parties (Barrier(0) raises ValueError): parties
// must be >= 1.
func TestBarrierParties(t *testing.T) {
	for _, n := range []int{0, -1} {
		if _, err := New(Barrier, Go, Params{"parties": n}); err == nil {
			t.Errorf("Barrier(%d) accepted", n)
		}
	}
	m, err := New(Barrier, Go, nil)
	if err != nil || m.(*barrierModel).parties != 2 {
		t.Fatalf("default parties: %v, %v", m, err)
	}
}

// Probe B1 / test_barrier: three arrivals; the third trips without
// suspending and gets 2, the others their arrival order; asyncio drains
// (n_waiting 0) and refills when the last party has left.
func TestBarrierB1Trip(t *testing.T) {
	barrierScript(t, 3, all, `
		P0 wait -> blocks
		X waiting -> 1
		P1 wait -> blocks
		X waiting -> 2
		P2 wait -> 2
		X waiting -> 0
		[asyncio] state phase=draining count=2
		[go]      state broken=false waiting=0
		status P0=runnable P1=runnable
		P0 wait -> 0
		P1 wait -> 1
		[asyncio] state phase=filling count=0
		X broken -> false
	`)
}

// test_barrier_parties_1: Barrier(1) passes at once, even with a done
// context (asyncio: no suspension, so the pending cancel stays pending).
func TestBarrierOneParty(t *testing.T) {
	barrierScript(t, 1, all, `
		A wait -> 0
		A wait! -> 0
		B wait! -> 0
		X waiting -> 0
		[asyncio] state phase=filling count=0
	`)
}

// Probe B2 / test_blocking_tasks_while_draining: a party that got through
// calls wait() again while the cycle drains. asyncio blocks it at the gate
// until the drain ends; go (G17) has it join the next cycle at once. Both
// then trip the second cycle alike.
func TestBarrierB2Reentry(t *testing.T) {
	barrierScript(t, 2, all, `
		P0 wait -> blocks
		P1 wait -> 1
		P1 wait -> blocks
		[asyncio] state P1(waiting)@gate
		[asyncio] X waiting -> 0
		[go]      X waiting -> 1
		P0 wait -> 0
		[asyncio] status P1=runnable     # step 4 refilled it: notify_all
		[asyncio] P1 wait -> blocks      # through the gate, into the new cycle
		X waiting -> 1
		P0 wait -> 1
		P1 wait -> 0
	`)
}

// asyncio: a gate waiter granted by the refill re-checks its predicate when
// it resumes; if a newcomer tripped the next cycle meanwhile, the gate is
// closed again and it parks again, at the tail.
func TestBarrierGateRecheck(t *testing.T) {
	barrierScript(t, 2, asyncioDialects, `
		P1 wait -> blocks
		P2 wait -> 1
		P2 wait -> blocks            # at the gate: draining
		P1 wait -> 0                 # refill: notify_all grants P2
		status P2=runnable
		N wait -> blocks             # N is first in the new cycle, idx 0
		P1 wait -> 1                 # P1 trips it
		P2 wait -> blocks            # still draining: back to the gate
		state N(granted)#0 P2(waiting)@gate
		N wait -> 0
		status P2=runnable
		P2 wait -> blocks
		X waiting -> 1
	`)
}

// Probe B3 / test_filling_tasks_cancel_one: cancelling a filling party
// takes it out, n_waiting drops, the barrier is not broken, and two more
// arrivals trip it. asyncio's index is count at entry, so B and C both get
// 1 (gh-155233); go assigns indices at the trip (G18).
func TestBarrierB3CancelFilling(t *testing.T) {
	barrierScript(t, 3, all, `
		A wait -> blocks
		B wait -> blocks
		X waiting -> 2
		cancel A
		[asyncio] state A(abandoned)#0
		X waiting -> 2                 # counted until it runs (asyncio count; G3)
		A wait -> cancelled
		X waiting -> 1
		X broken -> false
		C wait -> blocks
		D wait -> 2
		[asyncio] B wait -> 1
		[asyncio] C wait -> 1
		[go]      B wait -> 0
		[go]      C wait -> 1
	`)
}

// A cancelled filling party still counts until it runs: a newcomer trips
// the barrier counting it. asyncio's party raises CancelledError all the
// same (its slot was abandoned); go's was released with an index, which it
// returns (served wins, G18).
func TestBarrierCancelledPartyCounted(t *testing.T) {
	barrierScript(t, 2, all, `
		A wait -> blocks
		cancel A
		B wait -> 1
		[asyncio] A wait -> cancelled
		[go]      A wait -> 0
		X waiting -> 0
		[asyncio] state phase=filling count=0
	`)
}

// Probe B7: a released party cancelled before it runs. asyncio: the cancel
// wins (CancelledError) and the drain completes; go: its index (G18).
func TestBarrierB7CancelReleased(t *testing.T) {
	barrierScript(t, 2, all, `
		A wait -> blocks
		B wait -> 1
		cancel A
		[asyncio] A wait -> cancelled
		[go]      A wait -> 0
		[asyncio] state phase=filling count=0
	`)
}

// G2 / §1.5: a wait with a done context that would block fails (asyncio:
// the pending cancel lands at the suspension, and step 4 undoes the
// count); one that trips the barrier completes without suspending.
func TestBarrierDoneContext(t *testing.T) {
	barrierScript(t, 2, all, `
		A wait! -> cancelled
		X waiting -> 0
		[asyncio] state count=0
		B wait -> blocks
		A wait! -> 1
		B wait -> 0
	`)
	barrierScript(t, 3, all, `
		A wait -> blocks
		B wait -> blocks
		R reset -> ok
		N wait! -> cancelled           # asyncio: at the gate (resetting); go: would block
		A wait -> broken-barrier
		B wait -> broken-barrier
	`)
}

// Probe B4 / test_reset_barrier_when_tasks_waiting: reset() with filling
// parties: they get BrokenBarrier. asyncio keeps resetting until they have
// left, blocking newcomers at the gate; go starts the next cycle at once
// (G19).
func TestBarrierB4ResetFilling(t *testing.T) {
	barrierScript(t, 3, all, `
		A wait -> blocks
		B wait -> blocks
		R reset -> ok
		[asyncio] state phase=resetting count=2
		status A=runnable B=runnable
		X broken -> false
		X waiting -> 0
		N wait -> blocks
		[go]      X waiting -> 1
		A wait -> broken-barrier
		B wait -> broken-barrier
		[asyncio] status N=runnable
		[asyncio] N wait -> blocks
		X waiting -> 1
	`)
	// test_reset_barrier: reset() of an idle barrier changes nothing.
	barrierScript(t, 2, all, `
		R reset -> ok
		X broken -> false
		A wait -> blocks
		B wait -> 1
		A wait -> 0
	`)
}

// Probe B6 / test_reset_barrier_when_tasks_half_draining: the tripping
// party and those that returned keep their indices; asyncio's released
// parties that have not run raise BrokenBarrierError instead, go's keep
// theirs (G19).
func TestBarrierB6ResetDraining(t *testing.T) {
	barrierScript(t, 3, all, `
		A wait -> blocks
		B wait -> blocks
		C wait -> 2
		A wait -> 0
		R reset -> ok
		[asyncio] state phase=resetting count=1
		[asyncio] B wait -> broken-barrier
		[go]      B wait -> 1
		[asyncio] state phase=filling count=0
		X broken -> false
	`)
}

// Probe B5 / test_abort_barrier, test_abort_and_reset_barrier, and
// test_abort_barrier_when_tasks_half_draining_half_blocking: abort()
// breaks the barrier for the waiting parties (asyncio: and the released
// ones that have not run) and every later wait(), until reset().
func TestBarrierB5Abort(t *testing.T) {
	barrierScript(t, 2, all, `
		A wait -> blocks
		R abort -> ok
		X broken -> true
		X waiting -> 0
		A wait -> broken-barrier
		N wait -> broken-barrier
		M wait! -> broken-barrier      # no suspension: asyncio's cancel stays pending
		R abort -> ok
		R reset -> ok
		X broken -> false
		A wait -> blocks
		N wait -> 1
		A wait -> 0
	`)
	barrierScript(t, 3, all, `
		A wait -> blocks
		B wait -> blocks
		C wait -> 2
		D wait -> blocks               # asyncio: at the gate; go: the next cycle
		R abort -> ok
		[asyncio] A wait -> broken-barrier
		[asyncio] B wait -> broken-barrier
		[go]      A wait -> 0
		[go]      B wait -> 1
		D wait -> broken-barrier
		X broken -> true
		R reset -> ok
		[asyncio] state phase=filling count=0
		X broken -> false
	`)
}

// TestExploreBarrier runs every interleaving of small programs, with
// cancels anywhere, through every transition's contract and Check (count
// matches the parties past the gate, no party left waiting at an open gate
// or in a cycle that tripped, go indices in range).
func TestExploreBarrier(t *testing.T) {
	p := prog(t,
		"wait, wait",
		"wait, reset",
		"wait!, abort, wait",
		"waiting, broken, wait",
	)
	for _, parties := range []int{1, 2, 3} {
		for _, d := range Dialects {
			m, _ := New(Barrier, d, Params{"parties": parties})
			var see []string
			if parties == 2 {
				see = reach(d, []string{"granted, cancel pending", "waiting, cancel pending", "->broken", "broken=true"},
					[]string{"abandoned", "@gate", "phase=draining", "phase=resetting", "granted, cancel pending"})
			}
			t.Logf("parties %d, %s: %d states", parties, d, explore(t, m, p, 2, see...))
		}
	}
}
