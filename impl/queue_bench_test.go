//go:build go1.25

package impl_test

import (
	"context"
	"sync"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

// BenchmarkQueuePutGet: uncontended Put then Get, against a buffered
// channel's send then receive.
func BenchmarkQueuePutGet(b *testing.B) {
	ctx := context.Background()
	q := impl.NewQueue[int](8)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = q.Put(ctx, i)
		_, _ = q.Get(ctx)
	}
}

func BenchmarkChanSendRecv(b *testing.B) {
	c := make(chan int, 8)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c <- i
		<-c
	}
}

// BenchmarkQueue4x4: 4 producers and 4 consumers through a Queue of
// maxsize 8, against a channel of capacity 8; b.N items in all.
func BenchmarkQueue4x4(b *testing.B) {
	ctx := context.Background()
	q := impl.NewQueue[int](8)
	fourByFour(b, func(v int) { _ = q.Put(ctx, v) }, func() { _, _ = q.Get(ctx) })
}

func BenchmarkChan4x4(b *testing.B) {
	c := make(chan int, 8)
	fourByFour(b, func(v int) { c <- v }, func() { <-c })
}

func fourByFour(b *testing.B, put func(int), get func()) {
	const n = 4
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for p := range n {
		wg.Add(2)
		share := b.N / n
		if p == 0 {
			share += b.N % n
		}
		go func() {
			defer wg.Done()
			for i := range share {
				put(i)
			}
		}()
		go func() {
			defer wg.Done()
			for range share {
				get()
			}
		}()
	}
	wg.Wait()
}

// BenchmarkQueueTaskDoneJoin: Put, Get, TaskDone, Join, against a
// sync.WaitGroup's Add, Done, Wait.
func BenchmarkQueueTaskDoneJoin(b *testing.B) {
	ctx := context.Background()
	q := impl.NewQueue[int](0)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_ = q.Put(ctx, i)
		_, _ = q.Get(ctx)
		_ = q.TaskDone()
		_ = q.Join(ctx)
	}
}

func BenchmarkWaitGroupDoneWait(b *testing.B) {
	var wg sync.WaitGroup
	b.ReportAllocs()
	for b.Loop() {
		wg.Add(1)
		wg.Done()
		wg.Wait()
	}
}
