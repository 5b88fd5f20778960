//go:build go1.25

package impl_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/syncheck/syncheck/impl"
)

// Three workers compute their parts of a result; the Barrier makes each
// wait until all parts are there, and the party with index 0 (one per
// cycle, whichever it is) reports the total.
func ExampleBarrier() {
	const workers = 3
	b := impl.NewBarrier(workers)
	parts := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			parts[w] = (w + 1) * 10 // this worker's part
			i, err := b.Wait(context.Background())
			if err != nil {
				return
			}
			if i == 0 { // every part is visible after the Wait
				fmt.Println("total:", parts[0]+parts[1]+parts[2])
			}
		}()
	}
	wg.Wait()
	// Output: total: 60
}
