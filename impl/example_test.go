//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/syncheck/syncheck/impl"
)

// A producer hands an item to a consumer through a Condition (the asyncio
// tutorial's producer/consumer). The consumer re-checks its predicate in a
// loop: a Condition is Mesa-style (G9), and it may also wait only after the
// item is already there.
func ExampleCondition() {
	ctx := context.Background()
	cond := impl.NewCondition(nil)
	var items []string // guarded by cond's lock

	done := make(chan struct{})
	go func() { // consumer
		defer close(done)
		cond.Acquire(ctx)
		defer cond.Release()
		for len(items) == 0 {
			cond.Wait(ctx) // releases the lock while waiting, holds it again on return
		}
		fmt.Println("consumer: got", items[0])
	}()

	// producer
	cond.Acquire(ctx)
	items = append(items, "item 1")
	fmt.Println("producer: notifying")
	cond.Notify(1)
	cond.Release()

	<-done
	// Output:
	// producer: notifying
	// consumer: got item 1
}

// Five consumers wait on one Condition; Notify(1) wakes the first, Notify(2)
// the next two, NotifyAll the rest (the asyncio tutorial's notify(n=1),
// notify(n=2), notify_all()). Waiters are woken in the order they started
// waiting.
func ExampleCondition_Notify() {
	ctx := context.Background()
	cond := impl.NewCondition(nil)
	woke := make(chan int)

	for id := range 5 {
		ready := make(chan struct{})
		go func() {
			cond.Acquire(ctx)
			close(ready) // still holding the lock
			cond.Wait(ctx)
			cond.Release()
			woke <- id
		}()
		<-ready
		// The consumer held the lock until Wait released it, in the same
		// step as it registered: once we get the lock, it is waiting.
		cond.Acquire(ctx)
		cond.Release()
	}

	batch := func(name string, notify func() error, n int) {
		cond.Acquire(ctx)
		notify()
		cond.Release()
		var ids []int
		for range n {
			ids = append(ids, <-woke)
		}
		slices.Sort(ids) // they race for the lock once woken
		fmt.Println(name, "woke consumers", ids)
	}
	batch("notify(1):", func() error { return cond.Notify(1) }, 1)
	batch("notify(2):", func() error { return cond.Notify(2) }, 2)
	batch("notify_all():", cond.NotifyAll, 2)
	// Output:
	// notify(1): woke consumers [0]
	// notify(2): woke consumers [1 2]
	// notify_all(): woke consumers [3 4]
}

// A consumer waits with WaitFor until a shared list holds five items (the
// asyncio tutorial's wait_for). The predicate is only ever evaluated with the
// lock held (G6, G10).
func ExampleCondition_WaitFor() {
	ctx := context.Background()
	cond := impl.NewCondition(nil)
	var list []int // guarded by cond's lock

	done := make(chan struct{})
	go func() {
		defer close(done)
		cond.Acquire(ctx)
		defer cond.Release()
		cond.WaitFor(ctx, func() bool { return len(list) == 5 })
		fmt.Println("waiter: list is full:", list)
	}()

	for i := range 5 {
		cond.Acquire(ctx)
		list = append(list, i)
		fmt.Println("added", i)
		cond.NotifyAll()
		cond.Release()
	}
	<-done
	// Output:
	// added 0
	// added 1
	// added 2
	// added 3
	// added 4
	// waiter: list is full: [0 1 2 3 4]
}

// Two goroutines contend for a Lock that main holds and that a timer
// callback releases (asyncio's loop.call_later(delay, lock.release)): a Lock
// has no owner, so anybody may release it. The lock is handed to waiters in
// FIFO order (G4).
func ExampleLock() {
	ctx := context.Background()
	lock := impl.NewLock()
	lock.Acquire(ctx)

	time.AfterFunc(10*time.Millisecond, func() {
		fmt.Println("callback: releasing the lock")
		lock.Release()
	})

	var wg sync.WaitGroup
	aHolds := make(chan struct{})
	wg.Go(func() {
		lock.Acquire(ctx) // waits for the callback
		fmt.Println("A: acquired")
		close(aHolds)
		fmt.Println("A: releasing")
		lock.Release()
	})
	wg.Go(func() {
		<-aHolds          // start contending once A holds the lock
		lock.Acquire(ctx) // waits for A
		fmt.Println("B: acquired")
		lock.Release()
	})
	wg.Wait()
	fmt.Println("locked at the end:", lock.Locked())
	// Output:
	// callback: releasing the lock
	// A: acquired
	// A: releasing
	// B: acquired
	// locked at the end: false
}

// A timeout is a cancellation: a waiter that gives up leaves the queue
// without taking anything (G3), and the next one still gets the permit.
func ExampleSemaphore() {
	sem := impl.NewSemaphore(1)
	sem.Acquire(context.Background())

	ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
	defer cancel()
	err := sem.Acquire(ctx)
	fmt.Println("impatient waiter:", err)

	sem.Release()
	fmt.Println("free permits:", sem.Value())
	// Output:
	// impatient waiter: context deadline exceeded
	// free permits: 1
}

// Releasing a BoundedSemaphore more often than it was acquired is reported
// to the faulty call, at once (G12).
func ExampleBoundedSemaphore() {
	sem := impl.NewBoundedSemaphore(1)
	sem.Acquire(context.Background())
	fmt.Println(sem.Release())
	err := sem.Release()
	fmt.Println(err, errors.Is(err, impl.ErrReleasedTooOften))
	// Output:
	// <nil>
	// impl: bounded semaphore released too many times true
}

// An Event releases its waiters once set; after Clear, waiting blocks again
// (here until a timeout, which is a cancellation).
func ExampleEvent() {
	ctx := context.Background()
	ev := impl.NewEvent()
	go ev.Set()
	ev.Wait(ctx)
	fmt.Println("released, set:", ev.IsSet())

	ev.Clear()
	tctx, cancel := context.WithTimeout(ctx, time.Millisecond)
	defer cancel()
	fmt.Println("after Clear:", ev.Wait(tctx))
	// Output:
	// released, set: true
	// after Clear: context deadline exceeded
}
