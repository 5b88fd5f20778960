// Package racylock is a Lock with a data race, for check's
// TestStressFindsDataRace: it runs this test under go test -race, where
// stress mode's real goroutines let the race detector see Locked() read
// the state that Acquire and Release write under the mutex. Without -race
// the lock behaves (a racy read of a bool), and the test passes.
package racylock

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
)

// racyLock hands the lock to its first waiter (FIFO, as the Go dialect
// wants), on sync.Mutex and channels. A lock has no owner (G4): a release
// while the waiter it was handed to has not resumed ends that waiter's
// hold, which commits its grant: it returns nil even if it then sees its
// cancel. (The first version passed a committed grant on again, releasing
// the lock twice; stress mode found that too.)
type racyLock struct {
	mu      sync.Mutex
	locked  bool
	waiters []*waiter
	grantee *waiter // handed the lock, not resumed yet
}

type waiter struct {
	ch        chan struct{} // closed when the lock is handed to it
	committed bool          // released by another task before it resumed
}

func (l *racyLock) Acquire(ctx context.Context) error {
	l.mu.Lock()
	if !l.locked && len(l.waiters) == 0 {
		l.locked = true
		l.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return err
	}
	w := &waiter{ch: make(chan struct{})}
	l.waiters = append(l.waiters, w)
	l.mu.Unlock()
	var err error
	select {
	case <-w.ch:
	case <-ctx.Done():
		err = ctx.Err()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-w.ch: // handed the lock
		if w.committed {
			return nil
		}
		l.grantee = nil
		if err != nil {
			l.release() // cancelled: pass the lock on (G3)
		}
		return err
	default:
		l.waiters = slices.DeleteFunc(l.waiters, func(x *waiter) bool { return x == w })
		return err
	}
}

func (l *racyLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return impl.ErrNotLocked
	}
	l.release()
	return nil
}

// release, with mu held, ends the current hold and hands the lock to the
// first waiter or frees it.
func (l *racyLock) release() {
	if l.grantee != nil {
		l.grantee.committed = true
		l.grantee = nil
	}
	if len(l.waiters) > 0 {
		l.grantee = l.waiters[0]
		l.waiters = l.waiters[1:]
		close(l.grantee.ch)
		return
	}
	l.locked = false
}

// Locked reads the state without the mutex: the data race.
func (l *racyLock) Locked() bool { return l.locked }

func TestRacyLock(t *testing.T) {
	check.Verify(t, check.Lock("racylock", func(sched.Runtime) *racyLock { return new(racyLock) }),
		check.Options{Mode: "stress", Runs: 3000, Seed: 1})
}
