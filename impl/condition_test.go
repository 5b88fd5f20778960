//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"

	"github.com/syncheck/syncheck/impl"
)

// waiter is a task that takes the lock, waits on c and releases the lock.
// The lock must be held when Wait returns, on success and on cancel (G7).
func waiter(t *testing.T, c *impl.Condition) func(ctx context.Context) error {
	return func(ctx context.Context) error {
		if err := c.Acquire(ctx); err != nil {
			return err
		}
		err := c.Wait(ctx)
		if !c.Locked() {
			t.Errorf("Wait returned %v without the lock held", err)
		}
		if rerr := c.Release(); rerr != nil {
			t.Errorf("Release after Wait: %v", rerr)
		}
		return err
	}
}

func TestConditionPreconditions(t *testing.T) {
	c := impl.NewCondition(nil)
	ctx := context.Background()
	for name, err := range map[string]error{
		"Wait":           c.Wait(ctx),
		"Wait(done ctx)": c.Wait(cancelled()),
		"Notify":         c.Notify(1),
		"NotifyAll":      c.NotifyAll(),
		// G6: the lock is checked before the predicate, which must not run.
		"WaitFor": c.WaitFor(ctx, func() bool { t.Error("WaitFor evaluated its predicate without the lock"); return true }),
	} {
		if !errors.Is(err, impl.ErrNotLocked) {
			t.Errorf("%s without the lock = %v, want ErrNotLocked", name, err)
		}
	}
	check(t, "Locked()", c.Locked(), false)
	check(t, "L().Locked()", c.L().Locked(), false)
	if err := c.Release(); !errors.Is(err, impl.ErrNotLocked) {
		t.Errorf("Release = %v, want ErrNotLocked", err)
	}
	// The Condition's lock methods are its Lock's.
	check(t, "TryAcquire()", c.TryAcquire(), true)
	check(t, "L().Locked()", c.L().Locked(), true)
	must(t, c.Notify(1)) // nobody waits: fine
	must(t, c.NotifyAll())
	must(t, c.WaitFor(cancelled(), func() bool { return true })) // true at once: no wait
	must(t, c.Release())
}

// G7: Wait with a done ctx returns at once, lock still held, not released.
func TestConditionWaitDoneContext(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		must(t, c.Acquire(context.Background()))
		x := start("X", c.Acquire)
		if err := c.Wait(cancelled()); !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait(done ctx) = %v, want context.Canceled", err)
		}
		check(t, "Locked()", c.Locked(), true)
		x.blocked(t) // the lock was not handed on
		if err := c.WaitFor(cancelled(), func() bool { return false }); !errors.Is(err, context.Canceled) {
			t.Fatalf("WaitFor(done ctx, false) = %v, want context.Canceled", err)
		}
		x.blocked(t)
		must(t, c.Release())
		x.returned(t, nil)
		must(t, c.Release())
	})
}

// G7: Wait hands the lock to the Lock's first waiter, and gets it back
// through the Lock's FIFO.
func TestConditionWaitHandsLockOver(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		must(t, c.Acquire(context.Background()))
		x := start("X", c.Acquire)
		h := start("H", c.Wait) // H waits while holding the lock (taken above)
		x.returned(t, nil)
		check(t, "Locked()", c.Locked(), true)
		must(t, c.Notify(1))
		h.blocked(t) // notified, but X holds the lock
		must(t, c.Release())
		h.returned(t, nil)
		check(t, "Locked() after Wait", c.Locked(), true)
		must(t, c.Release())
	})
}

// G8: Notify(n) wakes the first n waiters not yet notified, in FIFO order;
// n <= 0 wakes nobody; NotifyAll wakes the rest (the asyncio tutorial).
func TestConditionNotifyBatches(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		var ws []*call
		for _, name := range []string{"W0", "W1", "W2", "W3", "W4"} {
			ws = append(ws, start(name, waiter(t, c)))
		}
		notify := func(f func() error, woken ...int) {
			t.Helper()
			must(t, c.Acquire(context.Background()))
			must(t, f())
			must(t, c.Release())
			synctest.Wait()
			for _, i := range woken {
				ws[i].returned(t, nil)
			}
		}
		for _, w := range ws {
			w.blocked(t)
		}
		notify(func() error { return c.Notify(0) })
		notify(func() error { return c.Notify(-1) })
		for _, w := range ws {
			w.blocked(t)
		}
		notify(func() error { return c.Notify(1) }, 0)
		for _, w := range ws[1:] {
			w.blocked(t)
		}
		notify(func() error { return c.Notify(2) }, 1, 2)
		for _, w := range ws[3:] {
			w.blocked(t)
		}
		notify(c.NotifyAll, 3, 4)
		notify(c.NotifyAll) // nobody left
	})
}

// Two Notify(1) in a row wake two distinct waiters (asyncio probe C6), even
// before the first one resumes.
func TestConditionNotifySkipsNotified(t *testing.T) {
	controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		w1 := start("W1", waiter(t, c))
		w2 := start("W2", waiter(t, c))
		w3 := start("W3", waiter(t, c))
		rt.hold("W1")
		must(t, c.Acquire(context.Background()))
		must(t, c.Notify(1))
		must(t, c.Notify(1))
		must(t, c.Release())
		w2.returned(t, nil)
		w3.blocked(t)
		rt.resume("W1", false)
		w1.returned(t, nil)
		w3.blocked(t)
		w3.cancel()
		w3.returned(t, context.Canceled)
	})
}

// C1 (gh-112202): notify(1), then the notified waiter is cancelled before it
// resumes. Go forwards the notification (G8), so W2 still wakes. And W1,
// seeing the grant instead, consumes it: W2 stays asleep.
func TestConditionCancelNotified(t *testing.T) {
	for _, seeGrant := range []bool{false, true} {
		name := map[bool]string{false: "sees cancel", true: "sees grant"}[seeGrant]
		t.Run(name, func(t *testing.T) {
			controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
				c := impl.NewCondition(nil, opts...)
				w1 := start("W1", waiter(t, c))
				w2 := start("W2", waiter(t, c))
				must(t, c.Acquire(context.Background()))
				rt.hold("W1")
				must(t, c.Notify(1))
				w1.cancel()
				must(t, c.Release())
				w2.blocked(t)
				rt.resume("W1", seeGrant)
				if seeGrant {
					w1.returned(t, nil)
					w2.blocked(t)
					w2.cancel()
					w2.returned(t, context.Canceled)
				} else {
					w1.returned(t, context.Canceled)
					w2.returned(t, nil)
				}
				check(t, "Locked()", c.Locked(), false)
			})
		})
	}
	// The notification goes to the next waiter not yet notified, even one
	// that started waiting after the Notify.
	t.Run("to a later waiter", func(t *testing.T) {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			c := impl.NewCondition(nil, opts...)
			w1 := start("W1", waiter(t, c))
			w2 := start("W2", waiter(t, c))
			must(t, c.Acquire(context.Background()))
			rt.hold("W1")
			must(t, c.NotifyAll())
			must(t, c.Release())
			w2.returned(t, nil)
			w3 := start("W3", waiter(t, c))
			w4 := start("W4", waiter(t, c))
			w1.cancel()
			rt.resume("W1", false)
			w1.returned(t, context.Canceled)
			w3.returned(t, nil)
			w4.blocked(t)
			w4.cancel()
			w4.returned(t, context.Canceled)
		})
	})
}

// C3: a waiter cancelled before it was notified re-acquires the lock and
// returns ctx.Err(); nobody else wakes (no spurious wakeup, unlike 3.13).
func TestConditionCancelNotNotified(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		w1 := start("W1", waiter(t, c))
		w2 := start("W2", waiter(t, c))
		must(t, c.Acquire(context.Background()))
		w1.cancel()
		w1.blocked(t) // it needs the lock back before it returns (G7)
		must(t, c.Release())
		w1.returned(t, context.Canceled)
		w2.blocked(t)
		must(t, c.Acquire(context.Background()))
		must(t, c.Notify(1))
		must(t, c.Release())
		w2.returned(t, nil)
	})
}

// G9: the re-acquire queues behind earlier lock waiters, cannot be
// cancelled, keeps its place, and the call returns what the wake decided.
func TestConditionReacquire(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		var order []string
		locker := func(name string) func(ctx context.Context) error {
			return func(ctx context.Context) error {
				if err := c.Acquire(ctx); err != nil {
					return err
				}
				order = append(order, name)
				return c.Release()
			}
		}
		w := start("W", func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			err := c.Wait(ctx)
			order = append(order, "W") // under the lock
			if rerr := c.Release(); rerr != nil {
				return rerr
			}
			return err
		})
		must(t, c.Acquire(context.Background()))
		x := start("X", locker("X")) // queued on the lock before W's wake
		must(t, c.Notify(1))
		w.blocked(t) // W resumed and queued behind X
		y := start("Y", locker("Y"))
		w.cancel() // too late to matter (G9)
		w.blocked(t)
		must(t, c.Release())
		x.returned(t, nil)
		w.returned(t, nil) // the wake decided: nil
		y.returned(t, nil)
		want := []string{"X", "W", "Y"}
		if len(order) != len(want) {
			t.Fatalf("lock order %v, want %v", order, want)
		}
		for i := range want {
			if order[i] != want[i] {
				t.Fatalf("lock order %v, want %v", order, want)
			}
		}
	})
}

// Mesa semantics (G9, probe C7): a newcomer may take the lock between the
// Notify+Release and the notified waiter's resumption.
func TestConditionBarging(t *testing.T) {
	controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		w := start("W", waiter(t, c))
		must(t, c.Acquire(context.Background()))
		rt.hold("W")
		must(t, c.Notify(1))
		must(t, c.Release())
		check(t, "TryAcquire() by a newcomer", c.TryAcquire(), true)
		rt.resume("W", false)
		w.blocked(t) // waiting for the lock now
		must(t, c.Release())
		w.returned(t, nil)
	})
}

// Several Conditions over one Lock: each has its own waiters (probe C4), and
// all of them share the Lock's state and FIFO.
func TestConditionSharedLock(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		l := impl.NewLock(opts...)
		c1 := impl.NewCondition(l)
		c2 := impl.NewCondition(l, opts...)
		check(t, "c1.L() == c2.L()", c1.L() == c2.L(), true)
		w1 := start("W1", waiter(t, c1))
		w2 := start("W2", waiter(t, c2))
		must(t, l.Acquire(context.Background()))
		check(t, "c1.Locked()", c1.Locked(), true)
		check(t, "c2.Locked()", c2.Locked(), true)
		must(t, c2.NotifyAll())
		must(t, l.Release())
		w2.returned(t, nil)
		w1.blocked(t)
		must(t, l.Acquire(context.Background()))
		must(t, c2.Notify(5)) // nobody waits on c2 any more
		must(t, l.Release())
		w1.blocked(t)
		must(t, l.Acquire(context.Background()))
		must(t, c1.Notify(1))
		must(t, l.Release())
		w1.returned(t, nil)
	})
}

// G10: WaitFor re-checks its predicate after every wake, and returns Wait's
// error with the lock held.
func TestConditionWaitFor(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		c := impl.NewCondition(nil, opts...)
		items := 0 // guarded by c's lock
		consumer := func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			defer c.Release()
			return c.WaitFor(ctx, func() bool { return items >= 3 })
		}
		w := start("W", consumer)
		cw := start("CW", consumer)
		for i := 1; i <= 3; i++ {
			must(t, c.Acquire(context.Background()))
			items++
			must(t, c.NotifyAll())
			must(t, c.Release())
			if i == 1 {
				cw.cancel()
				cw.returned(t, context.Canceled)
			}
			if i < 3 {
				w.blocked(t)
			}
		}
		w.returned(t, nil)
		// Already true: no wait at all, even with a done ctx.
		must(t, c.Acquire(context.Background()))
		must(t, c.WaitFor(cancelled(), func() bool { return items == 3 }))
		must(t, c.Release())
	})
}
