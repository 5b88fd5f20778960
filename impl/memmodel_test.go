//go:build go1.25

package impl_test

import (
	"context"
	"sync"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

// The memory-model guarantees stated in the doc comments, exercised the way a
// user relies on them: plain, unsynchronized data published through the
// primitive alone. Under -race a missing synchronizes-before edge is a
// reported data race; without it these still check the results.

// TestLockPublishes: the n'th Release synchronizes before the m'th
// Acquire (or successful TryAcquire) returns, n < m.
func TestLockPublishes(t *testing.T) {
	var l impl.Lock
	x := 0 // guarded by l alone
	const G, K = 4, 500
	var wg sync.WaitGroup
	for g := range G {
		wg.Go(func() {
			for k := range K {
				if g%2 == 1 && k%2 == 0 {
					for !l.TryAcquire() {
					}
				} else {
					must(t, l.Acquire(context.Background()))
				}
				x++
				must(t, l.Release())
			}
		})
	}
	wg.Wait()
	check(t, "x", x, G*K)
}

// TestEventPublishes: a Set synchronizes before every Wait it unblocks
// returns, and before a Wait or IsSet that observes the event set.
func TestEventPublishes(t *testing.T) {
	for range 50 {
		var e impl.Event
		data := 0
		var wg sync.WaitGroup
		got := make([]int, 4)
		for i := range got {
			wg.Go(func() {
				if i == 0 {
					for !e.IsSet() {
					}
				} else {
					must(t, e.Wait(context.Background()))
				}
				got[i] = data
			})
		}
		data = 42
		e.Set()
		wg.Wait()
		for i, v := range got {
			if v != 42 {
				t.Fatalf("waiter %d read %d", i, v)
			}
		}
	}
}

// TestConditionPublishes: Notify synchronizes before the Wait it wakes
// returns, even for data written outside the lock before the Notify.
func TestConditionPublishes(t *testing.T) {
	for range 50 {
		c := impl.NewCondition(nil)
		data := 0
		ready := false // guarded by c's lock
		var wg sync.WaitGroup
		var got int
		wg.Go(func() {
			ctx := context.Background()
			must(t, c.Acquire(ctx))
			ready = true
			must(t, c.Wait(ctx))
			got = data
			must(t, c.Release())
		})
		for {
			must(t, c.Acquire(context.Background()))
			if ready {
				break
			}
			must(t, c.Release())
		}
		data = 7 // the waiter cannot run: it needs a Notify
		must(t, c.Notify(1))
		must(t, c.Release())
		wg.Wait()
		check(t, "got", got, 7)
	}
}

// TestSemaphorePublishes: a Release synchronizes before the Acquire that
// receives its permit returns, whether the permit is handed over to a waiter
// or taken from the free permits.
func TestSemaphorePublishes(t *testing.T) {
	const K = 1000
	data := make([]int, K)
	s := impl.NewSemaphore(0)
	b := impl.NewBoundedSemaphore(K)
	for range K {
		must(t, b.Acquire(context.Background()))
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range K {
			data[i] = i + 1
			s.Release()
			must(t, b.Release())
		}
	})
	for i := range K {
		if i%3 == 0 {
			for !s.TryAcquire() {
			}
		} else {
			must(t, s.Acquire(context.Background()))
		}
		if data[i] != i+1 {
			t.Fatalf("data[%d] = %d after the %d'th Acquire", i, data[i], i+1)
		}
	}
	wg.Wait()
	check(t, "bounded value", b.Value(), K)
}

// TestZeroValues: what the doc comments say about zero values.
func TestZeroValues(t *testing.T) {
	ctx := context.Background()

	var l impl.Lock // usable: an unlocked Lock
	check(t, "zero Lock locked", l.Locked(), false)
	must(t, l.Acquire(ctx))
	check(t, "TryAcquire while held", l.TryAcquire(), false)
	must(t, l.Release())
	check(t, "Release unlocked", l.Release(), impl.ErrNotLocked)

	var e impl.Event // usable: a clear Event
	check(t, "zero Event set", e.IsSet(), false)
	e.Set()
	must(t, e.Wait(ctx))
	e.Clear()
	check(t, "cleared", e.IsSet(), false)

	var c impl.Condition // not usable: no Lock
	if c.L() != nil {
		t.Fatal("zero Condition has a Lock")
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("zero Condition: Acquire did not panic")
			}
		}()
		_ = c.Acquire(ctx)
	}()
}
