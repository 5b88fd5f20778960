//go:build go1.25

package impl_test

import (
	"context"
	"sync"
	"testing"

	"golang.org/x/sync/semaphore"

	"github.com/syncheck/syncheck/impl"
)

// Benchmarks against the standard equivalents. Peers share every name
// element but the last, so that benchstat lines them up:
//
//	go test -run '^$' -bench . -benchmem -count 5 ./impl/...
//
// "uncontended" is one goroutine; "contended" is b.RunParallel, one goroutine
// per P, all on the same primitive.

func BenchmarkLock(b *testing.B) {
	ctx := context.Background()
	b.Run("uncontended/syncheck", func(b *testing.B) {
		l := impl.NewLock()
		for b.Loop() {
			l.Acquire(ctx)
			l.Release()
		}
	})
	b.Run("uncontended/sync.Mutex", func(b *testing.B) {
		var mu sync.Mutex
		for b.Loop() {
			mu.Lock()
			mu.Unlock()
		}
	})
	b.Run("contended/syncheck", func(b *testing.B) {
		l := impl.NewLock()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				l.Acquire(ctx)
				l.Release()
			}
		})
	})
	b.Run("contended/sync.Mutex", func(b *testing.B) {
		var mu sync.Mutex
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				mu.Lock()
				mu.Unlock()
			}
		})
	})
}

// BenchmarkSemaphore: Acquire+Release of one permit, on a semaphore of 1
// permit (a lock) and of 4 permits, against x/sync's semaphore.Weighted
// (which is also FIFO without barging). "contended" runs 4 goroutines per P
// (b.SetParallelism(4)), so that the 4-permit semaphore runs out too.
func BenchmarkSemaphore(b *testing.B) {
	ctx := context.Background()
	for _, n := range []struct {
		name string
		n    int
	}{{"1", 1}, {"4", 4}} {
		b.Run(n.name+"/uncontended/syncheck", func(b *testing.B) {
			s := impl.NewSemaphore(n.n)
			for b.Loop() {
				s.Acquire(ctx)
				s.Release()
			}
		})
		b.Run(n.name+"/uncontended/semaphore.Weighted", func(b *testing.B) {
			s := semaphore.NewWeighted(int64(n.n))
			for b.Loop() {
				s.Acquire(ctx, 1)
				s.Release(1)
			}
		})
		b.Run(n.name+"/contended/syncheck", func(b *testing.B) {
			s := impl.NewSemaphore(n.n)
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s.Acquire(ctx)
					s.Release()
				}
			})
		})
		b.Run(n.name+"/contended/semaphore.Weighted", func(b *testing.B) {
			s := semaphore.NewWeighted(int64(n.n))
			b.SetParallelism(4)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					s.Acquire(ctx, 1)
					s.Release(1)
				}
			})
		})
	}
}

// BenchmarkCondition: two goroutines take turns, each waiting for its turn
// and notifying the other; one op is one round trip (two hand-overs).
func BenchmarkCondition(b *testing.B) {
	ctx := context.Background()
	b.Run("pingpong/syncheck", func(b *testing.B) {
		c := impl.NewCondition(nil)
		turn := 0
		play := func(me, rounds int) {
			for range rounds {
				c.Acquire(ctx)
				for turn != me {
					c.Wait(ctx)
				}
				turn = 1 - me
				c.Notify(1)
				c.Release()
			}
		}
		var wg sync.WaitGroup
		b.ResetTimer()
		wg.Go(func() { play(1, b.N) })
		play(0, b.N)
		wg.Wait()
	})
	b.Run("pingpong/sync.Cond", func(b *testing.B) {
		var mu sync.Mutex
		c := sync.NewCond(&mu)
		turn := 0
		play := func(me, rounds int) {
			for range rounds {
				mu.Lock()
				for turn != me {
					c.Wait()
				}
				turn = 1 - me
				c.Signal()
				mu.Unlock()
			}
		}
		var wg sync.WaitGroup
		b.ResetTimer()
		wg.Go(func() { play(1, b.N) })
		play(0, b.N)
		wg.Wait()
	})
}

// BenchmarkEvent: waiting on a set Event against receiving from a closed
// channel, and a Set+Clear cycle against making and closing a channel (the
// channel idiom's "set" and "clear").
func BenchmarkEvent(b *testing.B) {
	ctx := context.Background()
	b.Run("wait-set/syncheck", func(b *testing.B) {
		e := impl.NewEvent()
		e.Set()
		for b.Loop() {
			e.Wait(ctx)
		}
	})
	b.Run("wait-set/chan", func(b *testing.B) {
		ch := make(chan struct{})
		close(ch)
		for b.Loop() {
			<-ch
		}
	})
	b.Run("wait-set-contended/syncheck", func(b *testing.B) {
		e := impl.NewEvent()
		e.Set()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				e.Wait(ctx)
			}
		})
	})
	b.Run("wait-set-contended/chan", func(b *testing.B) {
		ch := make(chan struct{})
		close(ch)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				<-ch
			}
		})
	})
	b.Run("set-clear/syncheck", func(b *testing.B) {
		e := impl.NewEvent()
		for b.Loop() {
			e.Set()
			e.Clear()
		}
	})
	b.Run("set-clear/chan", func(b *testing.B) {
		for b.Loop() {
			ch := make(chan struct{})
			close(ch)
		}
	})
}
