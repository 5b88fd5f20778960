//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

func TestLockBasics(t *testing.T) {
	var l impl.Lock // the zero Lock is usable
	check(t, "Locked()", l.Locked(), false)
	must(t, l.Acquire(context.Background()))
	check(t, "Locked()", l.Locked(), true)
	check(t, "TryAcquire() on a locked Lock", l.TryAcquire(), false)
	must(t, l.Release())
	check(t, "Locked()", l.Locked(), false)
	check(t, "TryAcquire()", l.TryAcquire(), true)
	must(t, l.Release())

	// G13: misuse returns the sentinel and changes nothing.
	err := l.Release()
	if !errors.Is(err, impl.ErrNotLocked) {
		t.Fatalf("Release of an unlocked Lock = %v, want ErrNotLocked", err)
	}
	check(t, "Locked() after a bad Release", l.Locked(), false)
	check(t, "TryAcquire() after a bad Release", l.TryAcquire(), true)
}

// G2: the fast path ignores ctx; a call that would block with a done ctx
// returns at once and leaves no trace.
func TestLockDoneContext(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		l := impl.NewLock(opts...)
		must(t, l.Acquire(cancelled()))
		if err := l.Acquire(cancelled()); !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire(done ctx) on a held Lock = %v, want context.Canceled", err)
		}
		must(t, l.Release())
		// Nobody was queued, so the release unlocked.
		check(t, "Locked()", l.Locked(), false)
		check(t, "TryAcquire()", l.TryAcquire(), true)
	})
}

// G4: waiters are served in arrival order, and Release hands the lock over.
func TestLockFIFO(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		l := impl.NewLock(opts...)
		must(t, l.Acquire(context.Background()))
		var order []string
		var calls []*call
		for _, name := range []string{"A", "B", "C", "D"} {
			calls = append(calls, start(name, func(ctx context.Context) error {
				if err := l.Acquire(ctx); err != nil {
					return err
				}
				order = append(order, name) // under the lock
				return nil
			}))
		}
		for _, c := range calls {
			c.blocked(t)
		}
		for i, c := range calls {
			must(t, l.Release())
			c.returned(t, nil)
			for _, later := range calls[i+1:] {
				later.blocked(t)
			}
			check(t, "Locked() while "+c.name+" holds it", l.Locked(), true)
		}
		must(t, l.Release())
		check(t, "order", len(order), 4)
		for i, want := range []string{"A", "B", "C", "D"} {
			check(t, "order", order[i], want)
		}
	})
}

// G4: during the wake window the lock stays locked, TryAcquire fails and a
// newcomer queues behind the granted waiter.
func TestLockHandOffNoBarging(t *testing.T) {
	controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		l := impl.NewLock(opts...)
		must(t, l.Acquire(context.Background()))
		w := start("W", l.Acquire)
		rt.hold("W")
		must(t, l.Release()) // grants W, who cannot run yet
		check(t, "Locked() in the wake window", l.Locked(), true)
		check(t, "TryAcquire() in the wake window", l.TryAcquire(), false)
		n := start("N", l.Acquire)
		n.blocked(t)
		w.blocked(t)
		rt.resume("W", false)
		w.returned(t, nil)
		n.blocked(t)
		must(t, l.Release())
		n.returned(t, nil)
		must(t, l.Release())
		check(t, "Locked()", l.Locked(), false)
	})
}

// G3: a waiter cancelled before it is granted leaves without effect.
func TestLockCancelWaiting(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		l := impl.NewLock(opts...)
		must(t, l.Acquire(context.Background()))
		w1 := start("W1", l.Acquire)
		w2 := start("W2", l.Acquire)
		w3 := start("W3", l.Acquire)
		w2.cancel()
		w2.returned(t, context.Canceled)
		w1.blocked(t)
		w3.blocked(t)
		must(t, l.Release())
		w1.returned(t, nil)
		w3.blocked(t)
		w1.cancel() // after the call returned: no effect (G1)
		check(t, "Locked()", l.Locked(), true)
		must(t, l.Release())
		w3.returned(t, nil)
		w3.cancel()
		must(t, l.Release())
		check(t, "Locked()", l.Locked(), false)
		// The cancelled waiter left the queue: the lock is really free.
		check(t, "TryAcquire()", l.TryAcquire(), true)
	})
}

// G3 in the wake window: a waiter granted the lock and then cancelled keeps
// it (it saw the grant) or passes it to the next waiter (it saw the cancel);
// either way there is exactly one holder (bpo-27585).
func TestLockCancelAfterGrant(t *testing.T) {
	for _, seeGrant := range []bool{false, true} {
		name := map[bool]string{false: "sees cancel", true: "sees grant"}[seeGrant]
		t.Run(name, func(t *testing.T) {
			controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
				l := impl.NewLock(opts...)
				must(t, l.Acquire(context.Background()))
				w1 := start("W1", l.Acquire)
				w2 := start("W2", l.Acquire)
				rt.hold("W1")
				must(t, l.Release()) // grants W1
				w1.cancel()
				rt.resume("W1", seeGrant)
				if seeGrant {
					w1.returned(t, nil)
					w2.blocked(t)
					must(t, l.Release())
				} else {
					w1.returned(t, context.Canceled)
				}
				w2.returned(t, nil)
				check(t, "Locked()", l.Locked(), true)
				must(t, l.Release())
				check(t, "Locked()", l.Locked(), false)
			})
		})
	}
	// The last waiter passes the lock back: it is unlocked, not lost.
	t.Run("last waiter", func(t *testing.T) {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			l := impl.NewLock(opts...)
			must(t, l.Acquire(context.Background()))
			w := start("W", l.Acquire)
			rt.hold("W")
			must(t, l.Release())
			w.cancel()
			rt.resume("W", false)
			w.returned(t, context.Canceled)
			check(t, "Locked()", l.Locked(), false)
			check(t, "TryAcquire()", l.TryAcquire(), true)
		})
	})
}

// No ownership (specs/asyncio.md §1.6): any goroutine may release a locked Lock.
func TestLockReleaseByOther(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		l := impl.NewLock(opts...)
		must(t, l.Acquire(context.Background()))
		w := start("W", l.Acquire)
		r := start("R", func(context.Context) error { return l.Release() })
		r.returned(t, nil)
		w.returned(t, nil)
		must(t, l.Release())
		if err := l.Release(); !errors.Is(err, impl.ErrNotLocked) {
			t.Fatalf("second Release = %v, want ErrNotLocked", err)
		}
	})
}

// G4: a release by somebody else while the lock is handed to a waiter that
// has not resumed ends that waiter's hold: its acquisition happened, so it
// returns nil even if it then sees a cancel, and it must not pass the lock
// on a second time (that would release the next holder's lock).
func TestLockReleaseCommitsGrant(t *testing.T) {
	t.Run("to the next waiter", func(t *testing.T) {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			l := impl.NewLock(opts...)
			must(t, l.Acquire(context.Background()))
			w := start("W", l.Acquire)
			x := start("X", l.Acquire)
			rt.hold("W")
			must(t, l.Release()) // hands the lock to W
			must(t, l.Release()) // ends W's hold: on to X
			x.returned(t, nil)
			w.cancel()
			rt.resume("W", false) // W sees the cancel, but its grant is committed
			w.returned(t, nil)
			check(t, "Locked() while X holds it", l.Locked(), true)
			must(t, l.Release()) // X's
			check(t, "Locked()", l.Locked(), false)
		})
	})
	t.Run("back to free", func(t *testing.T) {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			l := impl.NewLock(opts...)
			must(t, l.Acquire(context.Background()))
			w := start("W", l.Acquire)
			rt.hold("W")
			must(t, l.Release()) // hands the lock to W
			must(t, l.Release()) // ends W's hold: free
			check(t, "Locked()", l.Locked(), false)
			check(t, "TryAcquire() by N", l.TryAcquire(), true)
			w.cancel()
			rt.resume("W", false)
			w.returned(t, nil)
			check(t, "Locked() while N holds it", l.Locked(), true)
			must(t, l.Release()) // N's
			check(t, "Locked()", l.Locked(), false)
		})
	})
	t.Run("resumed first", func(t *testing.T) {
		// W resumes before anybody releases: an ordinary holder, whose own
		// Release works as usual.
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			l := impl.NewLock(opts...)
			must(t, l.Acquire(context.Background()))
			w := start("W", l.Acquire)
			x := start("X", l.Acquire)
			must(t, l.Release())
			w.returned(t, nil)
			x.blocked(t)
			must(t, l.Release()) // W's
			x.returned(t, nil)
			must(t, l.Release())
			check(t, "Locked()", l.Locked(), false)
		})
	})
}
