//go:build go1.25

package impl_test

import (
	"context"
	"sync"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

// BenchmarkBarrier4: one cycle of a Barrier of 4 parties per op (4
// goroutines, each calling Wait b.N times), against the same with a
// hand-written sync.Cond barrier.
func BenchmarkBarrier4(b *testing.B) {
	br := impl.NewBarrier(4)
	ctx := context.Background()
	cycles(b, 4, func() { _, _ = br.Wait(ctx) })
}

func BenchmarkCondBarrier4(b *testing.B) {
	cb := newCondBarrier(4)
	cycles(b, 4, cb.wait)
}

// cycles runs b.N cycles of a barrier of n parties: n goroutines, each
// calling wait b.N times.
func cycles(b *testing.B, n int, wait func()) {
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range b.N {
				wait()
			}
		}()
	}
	wg.Wait()
}

// condBarrier is the textbook cyclic barrier on sync.Cond: a generation
// counter tells a woken party that its cycle has tripped.
type condBarrier struct {
	mu      sync.Mutex
	cond    sync.Cond
	parties int
	count   int
	gen     uint64
}

func newCondBarrier(parties int) *condBarrier {
	c := &condBarrier{parties: parties}
	c.cond.L = &c.mu
	return c
}

func (c *condBarrier) wait() {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen := c.gen
	c.count++
	if c.count == c.parties {
		c.count = 0
		c.gen++
		c.cond.Broadcast()
		return
	}
	for gen == c.gen {
		c.cond.Wait()
	}
}
