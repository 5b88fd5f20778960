//go:build go1.25

package sched_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/syncheck/syncheck/impl/sched"
)

// Each hook in production against the plain Go thing it stands for. Peers
// share a name prefix so that benchstat lines them up:
//
//	go test -run '^$' -bench . -benchmem ./impl/sched
//
// Run them without the tests (-run '^$'): a test that puts a Mutex under a
// Runtime makes every Mutex of the process look at its runtime field.

// The mutexes live on the heap, as they do inside a primitive.
var (
	schedMu = new(sched.Mutex)
	syncMu  = new(sync.Mutex)
)

func BenchmarkMutex(b *testing.B) {
	b.Run("uncontended/sched.Mutex", func(b *testing.B) {
		m := schedMu
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
	b.Run("uncontended/sync.Mutex", func(b *testing.B) {
		m := syncMu
		for b.Loop() {
			m.Lock()
			m.Unlock()
		}
	})
	b.Run("contended/sched.Mutex", func(b *testing.B) {
		m := schedMu
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Lock()
				m.Unlock()
			}
		})
	})
	b.Run("contended/sync.Mutex", func(b *testing.B) {
		m := syncMu
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				m.Lock()
				m.Unlock()
			}
		})
	})
}

// BenchmarkSlot: a one-shot wake observed by its waiter, against a channel
// made, closed and received from. "woken-first" is the sequence of the brief
// (Init, Wake, Wait); "parked" has the waiter block first, so the slot has
// to make its channel and the waker has to close it.
func BenchmarkSlot(b *testing.B) {
	ctx := context.Background()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := schedMu
	b.Run("woken-first/sched.Slot", func(b *testing.B) {
		for b.Loop() {
			s := new(sched.Slot)
			s.Init(m)
			s.Wake()
			if err := s.Wait(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("woken-first/chan", func(b *testing.B) {
		for b.Loop() {
			ch := make(chan struct{})
			close(ch)
			<-ch
		}
	})
	b.Run("woken-first-cancellable/sched.Slot", func(b *testing.B) {
		for b.Loop() {
			s := new(sched.Slot)
			s.Init(m)
			s.Wake()
			if err := s.Wait(cctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("woken-first-cancellable/chan", func(b *testing.B) {
		done := cctx.Done()
		for b.Loop() {
			ch := make(chan struct{})
			close(ch)
			select {
			case <-ch:
			case <-done:
				b.Fatal(cctx.Err())
			}
		}
	})
	// parked: a waiter goroutine blocks, the benchmark goroutine wakes it and
	// waits for the round trip to finish.
	b.Run("parked/sched.Slot", func(b *testing.B) {
		slots := make(chan *sched.Slot)
		back := make(chan struct{})
		go func() {
			for s := range slots {
				s.Wait(cctx)
				back <- struct{}{}
			}
		}()
		for b.Loop() {
			s := new(sched.Slot)
			s.Init(m)
			slots <- s
			s.Wake()
			<-back
		}
		close(slots)
	})
	b.Run("parked/chan", func(b *testing.B) {
		chans := make(chan chan struct{})
		back := make(chan struct{})
		done := cctx.Done()
		go func() {
			for ch := range chans {
				select {
				case <-ch:
				case <-done:
				}
				back <- struct{}{}
			}
		}()
		for b.Loop() {
			ch := make(chan struct{})
			chans <- ch
			close(ch)
			<-back
		}
		close(chans)
	})
}

func BenchmarkYield(b *testing.B) {
	m := schedMu
	b.Run("sched.Yield", func(b *testing.B) {
		for b.Loop() {
			m.Yield("bench")
		}
	})
	b.Run("nothing", func(b *testing.B) {
		for b.Loop() {
		}
	})
}

// BenchmarkUint64: the state word's operations in production against
// sync/atomic's (the words live on the heap, bound to a Mutex, as inside a
// primitive).
var (
	schedWord = func() *sched.Uint64 { x := new(sched.Uint64); x.Init(schedMu); return x }()
	syncWord  = new(atomic.Uint64)
	sinkWord  uint64
)

func BenchmarkUint64(b *testing.B) {
	b.Run("load/sched.Uint64", func(b *testing.B) {
		x, s := schedWord, uint64(0)
		for b.Loop() {
			s += x.Load()
		}
		sinkWord = s
	})
	b.Run("load/atomic.Uint64", func(b *testing.B) {
		x, s := syncWord, uint64(0)
		for b.Loop() {
			s += x.Load()
		}
		sinkWord = s
	})
	// cas: a lock's fast-path pair, CAS 0 -> 1 and CAS 1 -> 0.
	b.Run("cas/sched.Uint64", func(b *testing.B) {
		x := schedWord
		x.Store(0)
		for b.Loop() {
			x.CompareAndSwap(0, 1)
			x.CompareAndSwap(1, 0)
		}
	})
	b.Run("cas/atomic.Uint64", func(b *testing.B) {
		x := syncWord
		x.Store(0)
		for b.Loop() {
			x.CompareAndSwap(0, 1)
			x.CompareAndSwap(1, 0)
		}
	})
	b.Run("contended-cas/sched.Uint64", func(b *testing.B) {
		x := schedWord
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if x.CompareAndSwap(0, 1) {
					x.Store(0)
				}
			}
		})
	})
	b.Run("contended-cas/atomic.Uint64", func(b *testing.B) {
		x := syncWord
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if x.CompareAndSwap(0, 1) {
					x.Store(0)
				}
			}
		})
	})
}
