//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/syncheck/syncheck/impl"
)

func TestQueueOrder(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		q    *impl.Queue[int]
		want []int
	}{
		{"fifo", impl.NewQueue[int](0), []int{3, 1, 2}},
		{"lifo", impl.NewLifoQueue[int](0), []int{2, 1, 3}},
		{"priority", impl.NewPriorityQueue(0, func(a, b int) bool { return a < b }), []int{1, 2, 3}},
	} {
		for _, v := range []int{3, 1, 2} {
			if err := tc.q.Put(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		var got []int
		for !tc.q.Empty() {
			v, err := tc.q.Get(ctx)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, v)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestQueuePriorityHeap: many items come out sorted.
func TestQueuePriorityHeap(t *testing.T) {
	q := impl.NewPriorityQueue(0, func(a, b int) bool { return a < b })
	r := rand.New(rand.NewPCG(1, 2))
	var in []int
	for range 500 {
		v := r.IntN(100)
		in = append(in, v)
		if err := q.PutNowait(v); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(in)
	for i, want := range in {
		if v, err := q.GetNowait(); err != nil || v != want {
			t.Fatalf("item %d: %d, %v; want %d", i, v, err, want)
		}
	}
}

func TestQueueNowait(t *testing.T) {
	q := impl.NewQueue[string](1)
	if _, err := q.GetNowait(); !errors.Is(err, impl.ErrQueueEmpty) {
		t.Fatalf("GetNowait on empty: %v", err)
	}
	if err := q.PutNowait("a"); err != nil {
		t.Fatal(err)
	}
	if !q.Full() || q.Len() != 1 || q.Maxsize() != 1 {
		t.Fatalf("full %v len %d maxsize %d", q.Full(), q.Len(), q.Maxsize())
	}
	if err := q.PutNowait("b"); !errors.Is(err, impl.ErrQueueFull) {
		t.Fatalf("PutNowait on full: %v", err)
	}
	if v, err := q.GetNowait(); v != "a" || err != nil {
		t.Fatalf("GetNowait: %q %v", v, err)
	}
	if impl.NewQueue[int](-3).Maxsize() != 0 || impl.NewQueue[int](-3).Full() {
		t.Fatal("a negative maxsize is not unbounded")
	}
}

// TestQueueBlocking: a Put on a full queue completes once a Get frees a
// place, and its item comes next; a Get on an empty queue gets the next
// item put. (Whether the goroutine was already parked when the other side
// came does not change what is observed.)
func TestQueueBlocking(t *testing.T) {
	ctx := context.Background()
	q := impl.NewQueue[int](1)
	_ = q.Put(ctx, 1)
	done := make(chan error)
	go func() { done <- q.Put(ctx, 2) }()
	if v, _ := q.Get(ctx); v != 1 {
		t.Fatalf("first item %d", v)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if v, _ := q.Get(ctx); v != 2 {
		t.Fatalf("second item %d", v)
	}
	got := make(chan int)
	go func() { v, _ := q.Get(ctx); got <- v }()
	_ = q.Put(ctx, 3)
	if v := <-got; v != 3 {
		t.Fatalf("handed item %d", v)
	}
}

func TestQueueDoneContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	q := impl.NewQueue[int](1)
	if _, err := q.Get(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Get on empty with a done ctx: %v", err)
	}
	if err := q.Put(ctx, 1); err != nil { // a place: no wait, ctx not looked at
		t.Fatalf("Put with a place and a done ctx: %v", err)
	}
	if err := q.Put(ctx, 2); !errors.Is(err, context.Canceled) || q.Len() != 1 {
		t.Fatalf("Put on full with a done ctx: %v, len %d", err, q.Len())
	}
	if v, err := q.Get(ctx); v != 1 || err != nil { // an item: no wait
		t.Fatalf("Get with an item and a done ctx: %d %v", v, err)
	}
}

func TestQueueTaskDoneJoin(t *testing.T) {
	ctx := context.Background()
	for _, q := range []*impl.Queue[int]{impl.NewQueue[int](0), impl.NewLifoQueue[int](0), impl.NewPriorityQueue(0, func(a, b int) bool { return a < b })} {
		if err := q.Join(ctx); err != nil {
			t.Fatal(err) // nothing put: at once
		}
		if err := q.TaskDone(); !errors.Is(err, impl.ErrTaskDoneTooOften) {
			t.Fatalf("TaskDone with nothing put: %v", err)
		}
		_ = q.Put(ctx, 1)
		_ = q.Put(ctx, 2)
		joined := make(chan error)
		go func() { joined <- q.Join(ctx) }()
		for range 2 {
			if _, err := q.Get(ctx); err != nil {
				t.Fatal(err)
			}
			if err := q.TaskDone(); err != nil {
				t.Fatal(err)
			}
		}
		if err := <-joined; err != nil {
			t.Fatal(err)
		}
		if err := q.TaskDone(); !errors.Is(err, impl.ErrTaskDoneTooOften) {
			t.Fatalf("TaskDone once too often: %v", err)
		}
	}
}

func TestQueueShutdown(t *testing.T) {
	ctx := context.Background()
	q := impl.NewQueue[int](1)
	_ = q.Put(ctx, 1)
	putErr := make(chan error)
	go func() { putErr <- q.Put(ctx, 2) }()
	q.Shutdown(false)
	if err := <-putErr; !errors.Is(err, impl.ErrQueueShutDown) {
		// The Put may have been admitted before the shutdown: then the
		// queue holds it.
		if err != nil || q.Len() != 1 {
			t.Fatalf("waiting Put: %v, len %d", err, q.Len())
		}
	}
	if err := q.PutNowait(3); !errors.Is(err, impl.ErrQueueShutDown) {
		t.Fatalf("PutNowait after shutdown: %v", err)
	}
	if v, err := q.Get(ctx); v != 1 || err != nil {
		t.Fatalf("Get drains after a shutdown: %d %v", v, err)
	}
	for !q.Empty() {
		_, _ = q.Get(ctx)
	}
	if _, err := q.Get(ctx); !errors.Is(err, impl.ErrQueueShutDown) {
		t.Fatalf("Get on empty after shutdown: %v", err)
	}
	// Immediate: items dropped and counted done, Joins released, waiting
	// Gets refused.
	q2 := impl.NewQueue[int](0)
	_ = q2.Put(ctx, 1)
	_ = q2.Put(ctx, 2)
	joined := make(chan error)
	go func() { joined <- q2.Join(ctx) }()
	q2.Shutdown(true)
	if err := <-joined; err != nil || q2.Len() != 0 {
		t.Fatalf("Join after an immediate shutdown: %v, len %d", err, q2.Len())
	}
	q3 := impl.NewQueue[int](0)
	getErr := make(chan error)
	go func() { _, err := q3.Get(ctx); getErr <- err }()
	q3.Shutdown(true)
	if err := <-getErr; !errors.Is(err, impl.ErrQueueShutDown) {
		t.Fatalf("waiting Get: %v", err)
	}
}

// TestQueueNothingLost: producers and consumers with contexts cancelled at
// random: every item whose Put returned nil is got exactly once (or is
// still queued), and no other item is ever got.
func TestQueueNothingLost(t *testing.T) {
	for _, mk := range []func() *impl.Queue[int]{
		func() *impl.Queue[int] { return impl.NewQueue[int](2) },
		func() *impl.Queue[int] { return impl.NewLifoQueue[int](1) },
		func() *impl.Queue[int] { return impl.NewPriorityQueue(3, func(a, b int) bool { return a < b }) },
	} {
		q := mk()
		const producers, consumers, each = 4, 4, 300
		var mu sync.Mutex
		put, got := map[int]bool{}, map[int]int{}
		var wg sync.WaitGroup
		for p := range producers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(uint64(p), 1))
				for i := range each {
					v := p*each + i
					ctx, cancel := context.WithCancel(context.Background())
					if r.IntN(3) == 0 {
						go cancel()
					}
					if err := q.Put(ctx, v); err == nil {
						mu.Lock()
						put[v] = true
						mu.Unlock()
					}
					cancel()
				}
			}()
		}
		var cwg sync.WaitGroup
		stop := make(chan struct{})
		for c := range consumers {
			cwg.Add(1)
			go func() {
				defer cwg.Done()
				r := rand.New(rand.NewPCG(uint64(c), 2))
				for {
					ctx, cancel := context.WithCancel(context.Background())
					if r.IntN(3) == 0 {
						go cancel()
					}
					v, err := q.Get(ctx)
					cancel()
					if err == nil {
						mu.Lock()
						got[v]++
						mu.Unlock()
						continue
					}
					select {
					case <-stop:
						return
					default:
					}
				}
			}()
		}
		wg.Wait()
		close(stop)
		q.Shutdown(false) // wakes the consumers still waiting
		cwg.Wait()
		for !q.Empty() {
			v, _ := q.GetNowait()
			got[v]++
		}
		for v, n := range got {
			if n != 1 || !put[v] {
				t.Fatalf("item %d got %d times, put %v", v, n, put[v])
			}
		}
		if len(got) != len(put) {
			t.Fatalf("%d items put, %d got", len(put), len(got))
		}
	}
}

// TestQueuePublishes: what the producer wrote before Put is visible to the
// consumer after Get (under -race, a missing edge is reported).
func TestQueuePublishes(t *testing.T) {
	type msg struct{ data []int }
	q := impl.NewQueue[*msg](1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 100 {
			m, _ := q.Get(context.Background())
			if len(m.data) != 3 || m.data[2] != 3 {
				panic(fmt.Sprint("torn message ", m.data))
			}
		}
	}()
	for range 100 {
		m := &msg{}
		m.data = append(m.data, 1, 2, 3)
		_ = q.Put(context.Background(), m)
	}
	<-done
}
