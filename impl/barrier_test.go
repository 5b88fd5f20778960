//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

// barrierCall is a Wait running in its own goroutine (see start), with the
// index it returned.
type barrierCall struct {
	*call
	index int
}

// startWait starts b.Wait as task name and waits until it has returned or
// parked.
func startWait(b *impl.Barrier, name string) *barrierCall {
	bc := &barrierCall{index: -2}
	bc.call = start(name, func(ctx context.Context) error {
		i, err := b.Wait(ctx)
		bc.index = i
		return err
	})
	return bc
}

// got fails the test unless the Wait has returned index with a nil error.
func (bc *barrierCall) got(t *testing.T, index int) {
	t.Helper()
	bc.returned(t, nil)
	check(t, bc.name+"'s index", bc.index, index)
}

// broke fails the test unless the Wait has returned ErrBrokenBarrier (and
// index -1).
func (bc *barrierCall) broke(t *testing.T) {
	t.Helper()
	bc.returned(t, impl.ErrBrokenBarrier)
	check(t, bc.name+"'s index", bc.index, -1)
}

func TestBarrierNewPanics(t *testing.T) {
	for _, n := range []int{0, -1} {
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, ">= 1") {
					t.Errorf("NewBarrier(%d) panicked with %v, want a message about parties", n, r)
				}
			}()
			impl.NewBarrier(n)
		}()
	}
	check(t, "Parties()", impl.NewBarrier(7).Parties(), 7)
	defer func() {
		if r := recover(); r == nil {
			t.Error("Wait on the zero Barrier did not panic")
		}
	}()
	var zero impl.Barrier
	zero.Wait(context.Background())
}

// G17/G18: the third arrival trips a Barrier(3) without blocking and gets
// 2; the others get their arrival order. Two cycles in a row (asyncio's
// test_barrier_wait_twice).
func TestBarrierTrip(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		b := impl.NewBarrier(3, opts...)
		for range 2 {
			check(t, "Waiting()", b.Waiting(), 0)
			p0 := startWait(b, "P0")
			p0.blocked(t)
			check(t, "Waiting()", b.Waiting(), 1)
			p1 := startWait(b, "P1")
			p1.blocked(t)
			check(t, "Waiting()", b.Waiting(), 2)
			i, err := b.Wait(context.Background())
			must(t, err)
			check(t, "the tripping party's index", i, 2)
			check(t, "Waiting() after the trip", b.Waiting(), 0)
			p0.got(t, 0)
			p1.got(t, 1)
			check(t, "Broken()", b.Broken(), false)
		}
	})
}

// test_barrier_parties_1 (asyncio): Barrier(1) passes at once, every time,
// even with a done context (it trips: G2).
func TestBarrierOneParty(t *testing.T) {
	b := impl.NewBarrier(1)
	for _, ctx := range []context.Context{context.Background(), cancelled()} {
		i, err := b.Wait(ctx)
		must(t, err)
		check(t, "index", i, 0)
	}
	check(t, "Waiting()", b.Waiting(), 0)
}

// G17: no draining phase. P0 is released but has not run; the tripping
// party P1 waits again and joins the next cycle at once (asyncio blocks it
// at the gate: probe B2), which P0's next Wait then trips.
func TestBarrierReentryJoinsNextCycle(t *testing.T) {
	controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		b := impl.NewBarrier(2, opts...)
		p0 := startWait(b, "P0")
		rt.hold("P0")
		p1 := startWait(b, "P1")
		p1.got(t, 1)
		again := startWait(b, "P1again")
		again.blocked(t)
		check(t, "Waiting() with P0 released but not run", b.Waiting(), 1)
		rt.resume("P0", false)
		p0.got(t, 0)
		i, err := b.Wait(context.Background()) // P0 again: trips cycle 2
		must(t, err)
		check(t, "index", i, 1)
		again.got(t, 0)
	})
}

// Cancel while filling (asyncio test_filling_tasks_cancel_one, probe B3):
// the cancelled party leaves, Waiting drops, the barrier is not broken,
// and the next arrivals trip it with indices that do not repeat (asyncio:
// 1, 1, 2; gh-155233).
func TestBarrierCancelWhileFilling(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		b := impl.NewBarrier(3, opts...)
		a := startWait(b, "A")
		p := startWait(b, "B")
		check(t, "Waiting()", b.Waiting(), 2)
		a.cancel()
		a.returned(t, context.Canceled)
		check(t, "A's index", a.index, -1)
		check(t, "Waiting() after the cancel", b.Waiting(), 1)
		check(t, "Broken()", b.Broken(), false)
		c := startWait(b, "C")
		c.blocked(t)
		i, err := b.Wait(context.Background())
		must(t, err)
		check(t, "the tripping party's index", i, 2)
		p.got(t, 0)
		c.got(t, 1)
	})
}

// G3/G18: a cancelled party still counts until its goroutine runs; a trip
// in the meantime releases it, and it returns its index whatever it
// observes (served wins).
func TestBarrierCancelledPartyCounted(t *testing.T) {
	for _, seeGrant := range []bool{false, true} {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			b := impl.NewBarrier(2, opts...)
			a := startWait(b, "A")
			rt.hold("A")
			a.cancel()
			check(t, "Waiting() with A cancelled, not run", b.Waiting(), 1)
			i, err := b.Wait(context.Background())
			must(t, err)
			check(t, "the tripping party's index", i, 1)
			rt.resume("A", seeGrant)
			a.got(t, 0)
			check(t, "Waiting()", b.Waiting(), 0)
		})
	}
}

// G2: a Wait with a done context fails at once unless it trips the
// barrier; on a broken barrier it says so.
func TestBarrierDoneContext(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		b := impl.NewBarrier(2, opts...)
		i, err := b.Wait(cancelled())
		if !errors.Is(err, context.Canceled) || i != -1 {
			t.Fatalf("Wait(done ctx) that would block = %d, %v; want -1, context.Canceled", i, err)
		}
		check(t, "Waiting()", b.Waiting(), 0)
		a := startWait(b, "A")
		i, err = b.Wait(cancelled())
		must(t, err)
		check(t, "a done-context Wait that trips", i, 1)
		a.got(t, 0)
		b.Abort()
		if i, err := b.Wait(cancelled()); !errors.Is(err, impl.ErrBrokenBarrier) || i != -1 {
			t.Fatalf("Wait(done ctx) on a broken barrier = %d, %v", i, err)
		}
	})
}

// G19, asyncio test_reset_barrier / probe B4: Reset sends the waiting
// parties away broken and the barrier is at once usable, not broken.
func TestBarrierResetWhileFilling(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		b := impl.NewBarrier(3, opts...)
		a := startWait(b, "A")
		c := startWait(b, "B")
		b.Reset()
		a.broke(t)
		c.broke(t)
		check(t, "Broken() after Reset", b.Broken(), false)
		check(t, "Waiting() after Reset", b.Waiting(), 0)
		x := startWait(b, "X")
		y := startWait(b, "Y")
		i, err := b.Wait(context.Background())
		must(t, err)
		check(t, "index", i, 2)
		x.got(t, 0)
		y.got(t, 1)
	})
}

// G19 (asyncio probe B6 differs): a reset or abort while a released party
// has not run yet leaves its index alone; the cycle was committed.
func TestBarrierResetAbortWhileHalfDrained(t *testing.T) {
	for _, op := range []string{"Reset", "Abort"} {
		t.Run(op, func(t *testing.T) {
			controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
				b := impl.NewBarrier(3, opts...)
				a := startWait(b, "A")
				c := startWait(b, "B")
				rt.hold("A")
				i, err := b.Wait(context.Background())
				must(t, err)
				check(t, "index", i, 2)
				c.got(t, 1)
				w := startWait(b, "W") // the next cycle
				if op == "Reset" {
					b.Reset()
				} else {
					b.Abort()
				}
				w.broke(t)
				rt.resume("A", false)
				a.got(t, 0)
				check(t, "Broken()", b.Broken(), op == "Abort")
			})
		})
	}
}

// G19, asyncio test_abort_barrier and test_abort_and_reset_barrier (probe
// B5): Abort breaks the barrier for the waiting parties and every later
// Wait, until Reset repairs it.
func TestBarrierAbort(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		b := impl.NewBarrier(2, opts...)
		a := startWait(b, "A")
		b.Abort()
		a.broke(t)
		check(t, "Broken()", b.Broken(), true)
		check(t, "Waiting()", b.Waiting(), 0)
		for range 2 {
			if i, err := b.Wait(context.Background()); !errors.Is(err, impl.ErrBrokenBarrier) || i != -1 {
				t.Fatalf("Wait on a broken barrier = %d, %v", i, err)
			}
		}
		b.Abort() // still broken
		b.Reset()
		check(t, "Broken() after Reset", b.Broken(), false)
		p := startWait(b, "P")
		i, err := b.Wait(context.Background())
		must(t, err)
		check(t, "index", i, 1)
		p.got(t, 0)
	})
}

// TestBarrierPublishes: what every party wrote before its Wait is visible
// to every party after its Wait returns an index (under -race, a missing
// edge is reported).
func TestBarrierPublishes(t *testing.T) {
	const parties, rounds = 4, 50
	b := impl.NewBarrier(parties)
	data := make([]int, parties)
	var wg sync.WaitGroup
	for p := range parties {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := 1; r <= rounds; r++ {
				data[p] = r
				if _, err := b.Wait(context.Background()); err != nil {
					panic(err)
				}
				for q := range parties {
					if data[q] != r {
						panic("a party's write is not visible after the trip")
					}
				}
				// A second cycle, so that nobody writes round r+1 before
				// everybody has read round r.
				if _, err := b.Wait(context.Background()); err != nil {
					panic(err)
				}
			}
		}()
	}
	wg.Wait()
}

// TestBarrierStress: parties that cancel at random, then an Abort to end.
// Every trip releases exactly parties parties, one of each index, so each
// index is returned the same number of times, and no index is out of
// range.
func TestBarrierStress(t *testing.T) {
	const parties, workers, target = 3, 7, 3000
	b := impl.NewBarrier(parties)
	var counts [parties]atomic.Int64
	var total atomic.Int64
	var stop atomic.Bool
	enough := make(chan struct{})
	var once sync.Once
	var wg sync.WaitGroup
	for g := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 3))
			for {
				ctx, cancel := context.WithCancel(context.Background())
				if r.IntN(4) == 0 {
					go cancel()
				}
				i, err := b.Wait(ctx)
				cancel()
				switch {
				case err == nil:
					if i < 0 || i >= parties {
						panic("index out of range")
					}
					counts[i].Add(1)
					if total.Add(1) >= target {
						once.Do(func() { close(enough) })
					}
				case errors.Is(err, impl.ErrBrokenBarrier):
					if !stop.Load() {
						panic("broken barrier before the Abort")
					}
					return
				case !errors.Is(err, context.Canceled):
					panic(err)
				}
			}
		}()
	}
	<-enough
	stop.Store(true)
	b.Abort()
	wg.Wait()
	for i := 1; i < parties; i++ {
		if counts[i].Load() != counts[0].Load() {
			t.Fatalf("indices returned %d, %d, %d times: a cycle released a wrong set of parties",
				counts[0].Load(), counts[1].Load(), counts[2].Load())
		}
	}
}
