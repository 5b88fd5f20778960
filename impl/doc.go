// Package impl holds syncheck's production synchronization primitives: Lock,
// Event, Condition, Semaphore, BoundedSemaphore, Queue (first in first
// out, last in first out, or by priority) and Barrier, with the semantics of Python's
// asyncio primitives carried over to goroutines and contexts. (The Queue is
// not under the checker yet: it has no model.)
//
// The exact semantics are the "Go dialect" of specs/README.md (G1-G19); each
// doc comment names the rules it implements where they differ from asyncio.
// In short:
//
//   - Every blocking call takes a context.Context, and cancelling it is
//     asyncio's task.cancel() for that call only (G1). A call that can
//     complete without blocking does so even with a done context; one that
//     would block returns ctx.Err() at once, without side effects (G2).
//   - Waiters are served in FIFO order and grants are hand-offs: a released
//     Lock or permit goes to the first waiter directly, so a newcomer never
//     overtakes a waiter that was granted but has not resumed (G4, G11).
//   - Nothing is lost or duplicated by a cancellation (G3): a waiter that
//     observes its cancellation after it was granted passes the grant on (the
//     Lock or permit to the next waiter, a Condition notification to the next
//     unnotified waiter) and returns ctx.Err(); one that observes the grant
//     first keeps it and returns nil. Which of the two happens is decided by
//     the select inside sched.Slot.Wait (or, under check, by the scheduler).
//   - Misuse returns a sentinel error matched with errors.Is and changes
//     nothing (G13): ErrNotLocked, ErrReleasedTooOften, ErrTaskDoneTooOften;
//     a Queue's ErrQueueFull, ErrQueueEmpty and ErrQueueShutDown, and a
//     Barrier's ErrBrokenBarrier, say why a call could not complete.
//   - Each type states its guarantee in the terms of the Go memory model, as
//     package sync does: a Lock's Release synchronizes before the next
//     Acquire returns, a Set before the Waits it unblocks, a Notify before
//     the Waits it wakes, a semaphore's Release before the Acquire that
//     receives its permit, a Queue's Put before the Get that returns its
//     item, every Wait of a Barrier's cycle before the return of every
//     Wait of that cycle that returns an index.
//   - The zero Lock and the zero Event are ready to use. A Condition, a
//     Semaphore, a BoundedSemaphore, a Queue and a Barrier must be made with
//     NewCondition, NewSemaphore, NewBoundedSemaphore, NewQueue (or
//     NewLifoQueue, NewPriorityQueue) and NewBarrier.
//
// Every primitive keeps its state under a sched.Mutex and parks its waiters
// on sched.Slots, so that WithRuntime can put it under syncheck's controlled
// scheduler, which then decides every interleaving, including those inside
// the wake window (a waiter granted but not yet resumed). In production (no
// runtime) the hooks are a sync.Mutex and a channel. Uncontended paths are
// single atomic operations on a state word; the mutex is only taken when
// somebody waits, and the state machine is the same with and without a
// runtime (in production a contended Lock retries its fast path briefly
// before queueing, which changes how often it tries, not what it may do).
package impl
