//go:build go1.25

package impl_test

import (
	"context"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

// Constructors allocate the primitive and nothing else when given no option;
// uncontended paths allocate nothing.
func TestAllocations(t *testing.T) {
	ctx := context.Background()
	var (
		l  *impl.Lock
		e  *impl.Event
		c  *impl.Condition
		s  *impl.Semaphore
		bs *impl.BoundedSemaphore
		br *impl.Barrier
	)
	for _, tc := range []struct {
		name string
		want float64
		f    func()
	}{
		{"NewLock", 1, func() { l = impl.NewLock() }},
		{"NewEvent", 1, func() { e = impl.NewEvent() }},
		{"NewCondition(nil)", 2, func() { c = impl.NewCondition(nil) }},
		{"NewSemaphore", 1, func() { s = impl.NewSemaphore(1) }},
		{"NewBoundedSemaphore", 1, func() { bs = impl.NewBoundedSemaphore(1) }},
		{"NewBarrier", 1, func() { br = impl.NewBarrier(1) }},
		{"Lock.Acquire+Release", 0, func() { l.Acquire(ctx); l.Release() }},
		{"Lock.TryAcquire+Release", 0, func() { l.TryAcquire(); l.Release() }},
		{"Event.Set+Wait+Clear", 0, func() { e.Set(); e.Wait(ctx); e.Clear() }},
		{"Condition.Acquire+Notify+Release", 0, func() { c.Acquire(ctx); c.Notify(1); c.NotifyAll(); c.Release() }},
		{"Semaphore.Acquire+Release", 0, func() { s.Acquire(ctx); s.Release() }},
		{"BoundedSemaphore.Acquire+Release", 0, func() { bs.Acquire(ctx); bs.Release() }},
		{"Barrier(1).Wait", 0, func() { br.Wait(ctx) }},
	} {
		if got := testing.AllocsPerRun(100, tc.f); got != tc.want {
			t.Errorf("%s: %v allocations, want %v", tc.name, got, tc.want)
		}
	}
}
