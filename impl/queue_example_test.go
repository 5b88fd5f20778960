//go:build go1.25

package impl_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/syncheck/syncheck/impl"
)

// The asyncio tutorial's producer and consumers: a Queue of maxsize the
// number of consumers, TaskDone for every item got, Join to wait until all
// are processed, then a stop signal per consumer.
func ExampleQueue() {
	ctx := context.Background()
	const consumers = 3
	q := impl.NewQueue[int](consumers)
	var sum atomic.Int64
	var wg sync.WaitGroup
	for range consumers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				v, err := q.Get(ctx)
				if err != nil {
					return
				}
				if v < 0 { // the stop signal
					_ = q.TaskDone()
					return
				}
				sum.Add(int64(v))
				_ = q.TaskDone()
			}
		}()
	}
	for i := 1; i <= 10; i++ {
		_ = q.Put(ctx, i) // waits while the consumers are behind
	}
	_ = q.Join(ctx) // every item processed
	fmt.Println("processed:", sum.Load())
	for range consumers {
		_ = q.Put(ctx, -1)
	}
	wg.Wait()
	// Output: processed: 55
}
