package check_test

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
)

// Three primitives as Go developers write them, on sync.Mutex, channels
// and sync.Cond rather than impl/sched, adapted to check's constructors the
// way a user would. Under the controlled scheduler each blocks outside the
// hooks the first time it has to wait; the check must say so, quickly,
// instead of hanging the test.

// xsyncWeighted is golang.org/x/sync/semaphore.Weighted as a Semaphore.
type xsyncWeighted struct{ w *semaphore.Weighted }

func (s xsyncWeighted) Acquire(ctx context.Context) error { return s.w.Acquire(ctx, 1) }
func (s xsyncWeighted) Release()                          { s.w.Release(1) }

// plainChanSem is the buffered-channel semaphore.
type plainChanSem struct{ ch chan struct{} }

func (s plainChanSem) Acquire(ctx context.Context) error {
	select {
	case s.ch <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s plainChanSem) Release() {
	select {
	case <-s.ch:
	default: // a release with nothing held: ignored
	}
}

// plainCondEvent is an Event on sync.Cond (which knows no context).
type plainCondEvent struct {
	mu  sync.Mutex
	c   *sync.Cond
	set bool
}

func newPlainCondEvent() *plainCondEvent {
	e := &plainCondEvent{}
	e.c = sync.NewCond(&e.mu)
	return e
}

func (e *plainCondEvent) Wait(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	for !e.set {
		e.c.Wait()
	}
	return nil
}

func (e *plainCondEvent) Set() {
	e.mu.Lock()
	e.set = true
	e.mu.Unlock()
	e.c.Broadcast()
}

// TestForeignPrimitivesFailFast: each foreign primitive fails the check
// with the "blocked outside" verdict well within 5 s (the default step
// timeout is 1 s), naming the call and showing where its goroutine
// blocked, and the check returns.
func TestForeignPrimitivesFailFast(t *testing.T) {
	for _, tc := range []struct {
		target check.Target
		frame  string // a frame of the blocked goroutine's stack
	}{
		{check.Semaphore("x/sync-weighted", func(_ sched.Runtime, v int) xsyncWeighted {
			return xsyncWeighted{semaphore.NewWeighted(int64(v))}
		}), "semaphore.(*Weighted).Acquire"},
		{check.Semaphore("chan-semaphore", func(_ sched.Runtime, v int) plainChanSem {
			return plainChanSem{make(chan struct{}, v)}
		}), "plainChanSem.Acquire"},
		{check.Event("cond-event", func(sched.Runtime) *plainCondEvent { return newPlainCondEvent() }), "sync.(*Cond).Wait"},
	} {
		t.Run(tc.target.Name(), func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			page := filepath.Join(t.TempDir(), "r.html")
			res, err := check.Run(tc.target, check.Options{Seed: 1, Runs: 500, HTML: page})
			took := time.Since(start)
			if err != nil || !res.Failed || res.Property != "blocked-outside-hooks" {
				t.Fatalf("want a blocked-outside-hooks failure, got %v, %+v", err, res)
			}
			if took > 5*time.Second {
				t.Errorf("took %v, want under 5s", took)
			}
			for _, want := range []string{"blocked outside impl/sched", "call 1 of", "stress mode", tc.frame} {
				if !strings.Contains(res.Message, want) {
					t.Errorf("the message lacks %q:\n%s", want, res.Message)
				}
			}
			checkHTML(t, page, res, strings.Fields(res.Message)[0][:2]) // "T1's ..."
		})
	}
}

// goLock is impl's Lock, on the checker's runtime as it should be, but it
// acquires in a goroutine of its own and waits for it on a channel: the
// goroutine's hooks run in the task's name while the task blocks outside
// them.
type goLock struct{ l *impl.Lock }

func (g goLock) Acquire(ctx context.Context) error {
	done := make(chan error)
	go func() { done <- g.l.Acquire(ctx) }()
	return <-done
}

func (g goLock) Release() error { return g.l.Release() }

// TestOwnGoroutineReported: a target whose calls start goroutines that
// touch its sched objects is reported (as a misuse of the hooks, or as a
// task blocked outside them), quickly, and the check returns.
func TestOwnGoroutineReported(t *testing.T) {
	target := check.Lock("go-lock", func(rt sched.Runtime) goLock {
		return goLock{impl.NewLock(impl.WithRuntime(rt))}
	})
	start := time.Now()
	res, err := check.Run(target, check.Options{Seed: 1, Runs: 200})
	if err != nil || !res.Failed || (res.Property != "misuse" && res.Property != "blocked-outside-hooks") {
		t.Fatalf("want a misuse or blocked-outside-hooks failure, got %v, %+v", err, res)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v, want under 5s", took)
	}
	t.Logf("%s: %.300s", res.Property, res.Message)
}
