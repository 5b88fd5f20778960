//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

func TestEventBasics(t *testing.T) {
	var e impl.Event // the zero Event is usable
	check(t, "IsSet()", e.IsSet(), false)
	// G2: would block with a done ctx: ctx.Err() at once.
	if err := e.Wait(cancelled()); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait(done ctx) on a clear Event = %v, want context.Canceled", err)
	}
	e.Set()
	e.Set() // idempotent
	check(t, "IsSet()", e.IsSet(), true)
	// G2: the fast path ignores ctx.
	must(t, e.Wait(cancelled()))
	e.Clear()
	e.Clear()
	check(t, "IsSet()", e.IsSet(), false)
}

// Set grants every current waiter; later waiters wait for the next Set.
func TestEventSetWakesAll(t *testing.T) {
	modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		e := impl.NewEvent(opts...)
		ws := []*call{start("A", e.Wait), start("B", e.Wait), start("C", e.Wait)}
		for _, w := range ws {
			w.blocked(t)
		}
		e.Set()
		for _, w := range ws {
			w.returned(t, nil)
		}
		e.Clear()
		late := start("late", e.Wait)
		late.blocked(t)
		e.Set()
		late.returned(t, nil)
	})
}

// G5 (specs/asyncio.md §3, probe E1): a pulse (Set then Clear) releases every waiter
// that was waiting, even those that resume after the Clear; a Wait that
// starts after the Clear blocks.
func TestEventPulse(t *testing.T) {
	controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
		e := impl.NewEvent(opts...)
		w1 := start("W1", e.Wait)
		w2 := start("W2", e.Wait)
		rt.hold("W1")
		e.Set()
		e.Clear()
		late := start("late", e.Wait)
		w2.returned(t, nil)
		late.blocked(t)
		w1.blocked(t)
		rt.resume("W1", false)
		w1.returned(t, nil)
		late.blocked(t)
		late.cancel()
		late.returned(t, context.Canceled)
	})
}

// G5: a waiter granted then cancelled returns nil or ctx.Err(); nothing is
// forwarded or lost either way.
func TestEventCancel(t *testing.T) {
	for _, seeGrant := range []bool{false, true} {
		name := map[bool]string{false: "sees cancel", true: "sees grant"}[seeGrant]
		t.Run(name, func(t *testing.T) {
			controlled(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
				e := impl.NewEvent(opts...)
				w := start("W", e.Wait)
				other := start("other", e.Wait)
				rt.hold("W")
				e.Set()
				w.cancel()
				rt.resume("W", seeGrant)
				if seeGrant {
					w.returned(t, nil)
				} else {
					w.returned(t, context.Canceled)
				}
				other.returned(t, nil)
				check(t, "IsSet()", e.IsSet(), true)
			})
		})
	}
	t.Run("waiting", func(t *testing.T) {
		modes(t, func(t *testing.T, rt *testRuntime, opts []impl.Option) {
			e := impl.NewEvent(opts...)
			a := start("A", e.Wait)
			b := start("B", e.Wait)
			a.cancel()
			a.returned(t, context.Canceled)
			b.blocked(t)
			b.cancel()
			b.returned(t, context.Canceled)
			// Both left; a Set finds nobody and the Event still works.
			e.Set()
			check(t, "IsSet()", e.IsSet(), true)
			e.Clear()
			c := start("C", e.Wait)
			c.blocked(t)
			e.Set()
			c.returned(t, nil)
		})
	})
}
