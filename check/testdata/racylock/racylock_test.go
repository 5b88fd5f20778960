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
// wants), on sync.Mutex and channels.
type racyLock struct {
	mu      sync.Mutex
	locked  bool
	waiters []chan struct{} // each closed when the lock is handed to it
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
	ch := make(chan struct{})
	l.waiters = append(l.waiters, ch)
	l.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		select {
		case <-ch: // handed the lock meanwhile: pass it on (G3)
			l.release()
		default:
			l.waiters = slices.DeleteFunc(l.waiters, func(c chan struct{}) bool { return c == ch })
		}
		return ctx.Err()
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

// release, with mu held, hands the lock to the first waiter or frees it.
func (l *racyLock) release() {
	if len(l.waiters) > 0 {
		close(l.waiters[0])
		l.waiters = l.waiters[1:]
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
