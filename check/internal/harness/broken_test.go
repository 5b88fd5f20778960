package harness_test

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
)

// forgetfulLock releases without handing the lock to its first waiter: the
// waiter stays parked although the lock is free (a lost wakeup).
var forgetfulLock = prims.Lock("forgetful", func(rt sched.Runtime) prims.LockImpl {
	l := &brokenLock{}
	l.mu.SetRuntime(rt)
	return l
})

type brokenLock struct {
	mu      sched.Mutex
	locked  bool
	waiters []*sched.Slot
}

func (l *brokenLock) Acquire(ctx context.Context) error {
	l.mu.Lock()
	if !l.locked && len(l.waiters) == 0 {
		l.locked = true
		l.mu.Unlock()
		return nil
	}
	s := new(sched.Slot)
	s.Init(&l.mu)
	l.waiters = append(l.waiters, s)
	l.mu.Unlock()
	err := s.Wait(ctx)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil && !s.Woken() {
		for i, w := range l.waiters {
			if w == s {
				l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			}
		}
		return err
	}
	l.locked = true
	return nil
}

func (l *brokenLock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locked || len(l.waiters) > 0 {
		return false
	}
	l.locked = true
	return true
}

func (l *brokenLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return impl.ErrNotLocked
	}
	l.locked = false // BUG: the first waiter is never woken
	return nil
}

func (l *brokenLock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}
