//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

// sem is what Semaphore and BoundedSemaphore have in common, with Release
// made uniform.
type sem struct {
	Acquire    func(context.Context) error
	TryAcquire func() bool
	Release    func() error
	Value      func() int
	Locked     func() bool
}

func semaphores(n int, opts []impl.Option) map[string]sem {
	s := impl.NewSemaphore(n, opts...)
	b := impl.NewBoundedSemaphore(n, opts...)
	return map[string]sem{
		"Semaphore":        {s.Acquire, s.TryAcquire, func() error { s.Release(); return nil }, s.Value, s.Locked},
		"BoundedSemaphore": {b.Acquire, b.TryAcquire, b.Release, b.Value, b.Locked},
	}
}

func eachSemaphore(t *testing.T, n int, f func(t *testing.T, rt *testRuntime, s sem)) {
	for _, name := range []string{"Semaphore", "BoundedSemaphore"} {
		t.Run(name, func(t *testing.T) {
			modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
				f(t, rt, semaphores(n, opts)[name])
			})
		})
	}
}

func eachSemaphoreControlled(t *testing.T, n int, f func(t *testing.T, rt *testRuntime, s sem)) {
	for _, name := range []string{"Semaphore", "BoundedSemaphore"} {
		t.Run(name, func(t *testing.T) {
			controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
				f(t, rt, semaphores(n, opts)[name])
			})
		})
	}
}

func TestSemaphoreBasics(t *testing.T) {
	eachSemaphore(t, 2, func(t *testing.T, rt *testRuntime, s sem) {
		check(t, "Value()", s.Value(), 2)
		check(t, "Locked()", s.Locked(), false)
		must(t, s.Acquire(cancelled())) // G2: the fast path ignores ctx
		check(t, "TryAcquire()", s.TryAcquire(), true)
		check(t, "Value()", s.Value(), 0)
		check(t, "Locked()", s.Locked(), true)
		check(t, "TryAcquire()", s.TryAcquire(), false)
		if err := s.Acquire(cancelled()); !errors.Is(err, context.Canceled) {
			t.Fatalf("Acquire(done ctx) with no permit = %v, want context.Canceled", err)
		}
		must(t, s.Release())
		check(t, "Value()", s.Value(), 1) // the failed Acquire did not queue
		must(t, s.Release())
		check(t, "Value()", s.Value(), 2)
		check(t, "Locked()", s.Locked(), false)
	})
}

func TestSemaphoreUnbounded(t *testing.T) {
	s := impl.NewSemaphore(0)
	for range 3 {
		s.Release()
	}
	check(t, "Value()", s.Value(), 3)
}

func TestSemaphoreNegative(t *testing.T) {
	for name, f := range map[string]func(){
		"NewSemaphore":        func() { impl.NewSemaphore(-1) },
		"NewBoundedSemaphore": func() { impl.NewBoundedSemaphore(-1) },
	} {
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, ">= 0") {
					t.Errorf("%s(-1) panicked with %v, want a message about the value", name, r)
				}
			}()
			f()
		}()
	}
}

// G11: FIFO hand-off; a newcomer never overtakes a waiter, even one that was
// granted and has not resumed.
func TestSemaphoreFIFOHandOff(t *testing.T) {
	eachSemaphoreControlled(t, 1, func(t *testing.T, rt *testRuntime, s sem) {
		must(t, s.Acquire(context.Background()))
		var order []string
		task := func(name string) func(context.Context) error {
			return func(ctx context.Context) error {
				if err := s.Acquire(ctx); err != nil {
					return err
				}
				order = append(order, name) // one permit: exclusive
				return nil
			}
		}
		w1 := start("W1", task("W1"))
		w2 := start("W2", task("W2"))
		rt.hold("W1")
		must(t, s.Release()) // hands the permit to W1
		check(t, "Value() in the wake window", s.Value(), 0)
		check(t, "Locked() in the wake window", s.Locked(), true)
		check(t, "TryAcquire() in the wake window", s.TryAcquire(), false)
		n := start("N", task("N"))
		w2.blocked(t)
		n.blocked(t)
		rt.resume("W1", false)
		w1.returned(t, nil)
		must(t, s.Release())
		w2.returned(t, nil)
		must(t, s.Release())
		n.returned(t, nil)
		must(t, s.Release())
		check(t, "Value()", s.Value(), 1)
		check(t, "order", strings.Join(order, ","), "W1,W2,N")
	})
}

// G11 (asyncio probe S1/S2 differ): once the only waiter is granted, a
// further Release makes a permit free, and a newcomer can take it: nobody is
// waiting for it (no chain wake needed, nobody stranded).
func TestSemaphoreReleaseDuringWakeWindow(t *testing.T) {
	controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		s := impl.NewSemaphore(0, opts...)
		w := start("W", s.Acquire)
		rt.hold("W")
		s.Release()
		s.Release()
		check(t, "Value()", s.Value(), 1)
		check(t, "Locked()", s.Locked(), false)
		check(t, "TryAcquire()", s.TryAcquire(), true)
		rt.resume("W", false)
		w.returned(t, nil)
		check(t, "Value()", s.Value(), 0)
	})
}

// G3, G11: a waiter granted a permit and then cancelled keeps it, or passes
// it to the next waiter or back to the free permits. Nothing is lost.
func TestSemaphoreCancelAfterGrant(t *testing.T) {
	for _, seeGrant := range []bool{false, true} {
		name := map[bool]string{false: "sees cancel", true: "sees grant"}[seeGrant]
		t.Run(name, func(t *testing.T) {
			eachSemaphoreControlled(t, 1, func(t *testing.T, rt *testRuntime, s sem) {
				must(t, s.Acquire(context.Background()))
				w1 := start("W1", s.Acquire)
				w2 := start("W2", s.Acquire)
				rt.hold("W1")
				must(t, s.Release())
				w1.cancel()
				rt.resume("W1", seeGrant)
				if seeGrant {
					w1.returned(t, nil)
					w2.blocked(t)
					must(t, s.Release())
				} else {
					w1.returned(t, context.Canceled)
				}
				w2.returned(t, nil)
				check(t, "Value()", s.Value(), 0)
				must(t, s.Release())
				check(t, "Value()", s.Value(), 1)
			})
		})
	}
	t.Run("last waiter", func(t *testing.T) {
		eachSemaphoreControlled(t, 1, func(t *testing.T, rt *testRuntime, s sem) {
			must(t, s.Acquire(context.Background()))
			w := start("W", s.Acquire)
			rt.hold("W")
			must(t, s.Release())
			check(t, "Value()", s.Value(), 0)
			w.cancel()
			rt.resume("W", false)
			w.returned(t, context.Canceled)
			check(t, "Value()", s.Value(), 1) // back to the free permits
			check(t, "Locked()", s.Locked(), false)
		})
	})
}

func TestSemaphoreCancelWaiting(t *testing.T) {
	eachSemaphore(t, 0, func(t *testing.T, rt *testRuntime, s sem) {
		w1 := start("W1", s.Acquire)
		w2 := start("W2", s.Acquire)
		w1.cancel()
		w1.returned(t, context.Canceled)
		w2.cancel()
		w2.returned(t, context.Canceled)
		check(t, "Locked()", s.Locked(), true)
		check(t, "Value()", s.Value(), 0)
		if err := s.Release(); err == nil {
			// A Semaphore: the permit is free, nobody is queued.
			check(t, "Value()", s.Value(), 1)
			check(t, "TryAcquire()", s.TryAcquire(), true)
		} else if !errors.Is(err, impl.ErrReleasedTooOften) {
			t.Fatalf("Release = %v", err)
		}
	})
}

// G12: a BoundedSemaphore detects an over-release at once, counting the
// permits promised to granted waiters (asyncio 3.10.8+ accepts it and fails
// a later, legitimate release: probe S6).
func TestBoundedSemaphoreOverRelease(t *testing.T) {
	t.Run("plain", func(t *testing.T) {
		b := impl.NewBoundedSemaphore(1)
		if err := b.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
			t.Fatalf("Release on a full BoundedSemaphore = %v, want ErrReleasedTooOften", err)
		}
		check(t, "Value()", b.Value(), 1)
		must(t, b.Acquire(context.Background()))
		must(t, b.Release())
		if err := b.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
			t.Fatalf("second Release = %v, want ErrReleasedTooOften", err)
		}
		check(t, "Value()", b.Value(), 1)
		zero := impl.NewBoundedSemaphore(0)
		if err := zero.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
			t.Fatalf("Release on BoundedSemaphore(0) = %v, want ErrReleasedTooOften", err)
		}
	})
	t.Run("S6", func(t *testing.T) {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			b := impl.NewBoundedSemaphore(1, opts...)
			must(t, b.Acquire(context.Background()))
			w := start("W", b.Acquire)
			rt.hold("W")
			must(t, b.Release()) // promised to W
			if err := b.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
				t.Fatalf("extra Release in the wake window = %v, want ErrReleasedTooOften", err)
			}
			check(t, "Value()", b.Value(), 0)
			rt.resume("W", false)
			w.returned(t, nil)
			must(t, b.Release()) // W's legitimate release
			check(t, "Value()", b.Value(), 1)
			if err := b.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
				t.Fatalf("Release = %v, want ErrReleasedTooOften", err)
			}
		})
	})
	t.Run("promised permit passed back", func(t *testing.T) {
		controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			b := impl.NewBoundedSemaphore(2, opts...)
			must(t, b.Acquire(context.Background()))
			must(t, b.Acquire(context.Background()))
			w := start("W", b.Acquire)
			rt.hold("W")
			must(t, b.Release()) // promised to W
			w.cancel()
			rt.resume("W", false)
			w.returned(t, context.Canceled)
			check(t, "Value()", b.Value(), 1)
			must(t, b.Release())
			check(t, "Value()", b.Value(), 2)
			if err := b.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
				t.Fatalf("Release = %v, want ErrReleasedTooOften", err)
			}
		})
	})
}
