package impl

import "errors"

// Misuse errors (G13). They are returned, never wrapped, by the call that
// misused the primitive, which then changes nothing; match them with
// errors.Is.
var (
	// ErrNotLocked is returned by Lock.Release on an unlocked Lock, and by
	// Condition.Wait, WaitFor, Notify and NotifyAll when the Condition's Lock
	// is not locked (G6). As in asyncio, only "locked" is checked, not who
	// holds it. asyncio raises RuntimeError instead.
	ErrNotLocked = errors.New("impl: lock is not acquired")

	// ErrReleasedTooOften is returned by BoundedSemaphore.Release when every
	// permit is already free or promised to a granted waiter (G12). asyncio
	// raises ValueError instead, and (since 3.10.8) only at a later,
	// legitimate release.
	ErrReleasedTooOften = errors.New("impl: bounded semaphore released too many times")
)
