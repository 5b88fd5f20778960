package explore_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// toyLock is a FIFO hand-off lock built on impl/sched the way impl's
// primitives are: a mutex for its state, a slot per blocked call. With
// dropOnCancel it has bpo-27585's bug: a waiter that was granted the lock
// but observes its cancel returns the context's error without passing the
// lock on, so the lock stays locked with nobody holding it and every later
// acquire waits forever (a lost wakeup).
type toyLock struct {
	mu           sched.Mutex
	locked       bool
	waiters      []*sched.Slot
	dropOnCancel bool
}

func toyLockTarget(name string, dropOnCancel bool) harness.Target {
	return prims.Lock(name, func(rt sched.Runtime) prims.LockImpl {
		l := &toyLock{dropOnCancel: dropOnCancel}
		l.mu.SetRuntime(rt)
		return l
	})
}

var (
	goodToy  = toyLockTarget("toy", false)
	buggyToy = toyLockTarget("toy-bpo27585", true)
)

func (l *toyLock) Acquire(ctx context.Context) error {
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
	s := new(sched.Slot)
	s.Init(&l.mu)
	l.waiters = append(l.waiters, s)
	l.mu.Unlock()
	err := s.Wait(ctx)
	if err == nil {
		return nil // handed the lock: it stayed locked for us
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.Woken() {
		if l.dropOnCancel {
			return err // BUG: the lock handed to us is never passed on
		}
		l.handOff()
		return err
	}
	for i, w := range l.waiters {
		if w == s {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			break
		}
	}
	return err
}

// handOff, with mu held, gives the lock to the first waiter or frees it.
func (l *toyLock) handOff() {
	if len(l.waiters) > 0 {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		w.Wake()
		return
	}
	l.locked = false
}

func (l *toyLock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locked || len(l.waiters) > 0 {
		return false
	}
	l.locked = true
	return true
}

func (l *toyLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return impl.ErrNotLocked
	}
	l.handOff()
	return nil
}

func (l *toyLock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}

// lockOracle is a stand-in judge for Lock programs: a quiescence-only
// oracle. From the history it counts the lock's holders (acquires that
// returned ok, tryacquires that returned true, minus releases that returned
// ok); at quiescence, a task parked in acquire while that count is 0 is a
// lost wakeup. It is sound for any Lock that follows the Go dialect.
func lockOracle(in judge.Input, _ judge.Options) []judge.Verdict {
	holders := 0
	for _, h := range in.History {
		if h.Kind != history.Return {
			continue
		}
		switch {
		case h.Op.Kind == model.Acquire && h.Result.Err == model.OK,
			h.Op.Kind == model.TryAcquire && h.Result.Bool:
			holders++
		case h.Op.Kind == model.Release && h.Result.Err == model.OK:
			holders--
		}
	}
	vs := []judge.Verdict{{Property: judge.Quiescence, At: -1}, {Property: judge.Invariant, At: -1}}
	if in.Quiescent && len(in.Parked) > 0 && holders == 0 {
		var names []string
		for _, t := range in.Parked {
			names = append(names, in.Names[t])
		}
		vs[0].Status = judge.Fail
		vs[0].Message = fmt.Sprintf("%s parked in acquire while nobody holds the lock (lost wakeup)", strings.Join(names, ", "))
	}
	if holders < 0 || holders > 1 {
		vs[1].Status = judge.Fail
		vs[1].Message = fmt.Sprintf("%d holders at the end", holders)
	}
	return vs
}

// passJudge passes everything: runs are then checked only for what the
// scheduler itself sees (panics, deadlocks on the primitive's mutex,
// livelocks).
func passJudge(in judge.Input, _ judge.Options) []judge.Verdict { return nil }

func op(k model.Kind) model.Op { return model.Op{Kind: k} }

func task(name string, ops ...model.Op) scenario.Task { return scenario.Task{Name: name, Ops: ops} }
