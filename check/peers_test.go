package check_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// Go's own primitives, adapted to check's constructors as a user would,
// and judged against the Go dialect. TestPeers prints the README's table of
// verdicts (SYNCHECK_PEERS=1 go test ./check -run TestPeers -v); a
// counterexample here is a finding about a documented semantic difference,
// not a bug in the peer: each row says which.

// mutexLock is sync.Mutex as a Lock: Acquire is Lock, which knows no
// context. held says whether the mutex is locked (an unlock of an unlocked
// sync.Mutex is a fatal error, so a release claims held first).
type mutexLock struct {
	mu   sync.Mutex
	held atomic.Bool
}

func (l *mutexLock) Acquire(context.Context) error {
	l.mu.Lock()
	l.held.Store(true)
	return nil
}

func (l *mutexLock) Release() error {
	if !l.held.CompareAndSwap(true, false) {
		return impl.ErrNotLocked
	}
	l.mu.Unlock()
	return nil
}

// pollLock is sync.Mutex with an Acquire that honours its context, by
// polling TryLock.
type pollLock struct{ mutexLock }

func (l *pollLock) Acquire(ctx context.Context) error {
	for !l.mu.TryLock() {
		if err := ctx.Err(); err != nil {
			return err
		}
		runtime.Gosched()
	}
	l.held.Store(true)
	return nil
}

// condCondition is a sync.Cond on a shared sync.Mutex as a Condition: Wait
// knows no context; Notify(n) signals n times.
type condCondition struct {
	*mutexLock
	c *sync.Cond
}

// newCondConditions makes n Conditions sharing one sync.Mutex.
func newCondConditions(n int) []condCondition {
	l := &mutexLock{}
	cs := make([]condCondition, n)
	for i := range cs {
		cs[i] = condCondition{l, sync.NewCond(&l.mu)}
	}
	return cs
}

func (c condCondition) Wait(context.Context) error {
	if !c.held.CompareAndSwap(true, false) {
		return impl.ErrNotLocked
	}
	c.c.Wait() // unlocks, waits, locks again
	c.held.Store(true)
	return nil
}

func (c condCondition) Notify(n int) error {
	if !c.held.Load() {
		return impl.ErrNotLocked
	}
	for range n {
		c.c.Signal()
	}
	return nil
}

// chanQueue is a buffered channel as a Queue of maxsize its capacity.
type chanQueue chan int

func (q chanQueue) Put(ctx context.Context, v int) error {
	select {
	case q <- v:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (q chanQueue) Get(ctx context.Context) (int, error) {
	select {
	case v := <-q:
		return v, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

func (q chanQueue) Len() int { return len(q) }

// TestPeers prints, for each peer, the verdict of stress mode (the
// controlled scheduler cannot run them: each blocks outside impl/sched,
// TestForeignPrimitivesFailFast) on 20,000 generated programs, seed 1.
func TestPeers(t *testing.T) {
	if os.Getenv("SYNCHECK_PEERS") == "" {
		t.Skip("SYNCHECK_PEERS=1 go test ./check -run TestPeers -v prints the README's table (about a minute)")
	}
	// why is the documented difference a counterexample shows; "" for a
	// peer that is expected to pass.
	peers := []struct {
		target check.Target
		why    string
	}{
		{check.Lock("sync.Mutex", func(sched.Runtime) *mutexLock { return &mutexLock{} }),
			"Lock knows no context: a cancelled acquire stays blocked (G1, G3)"},
		// No queue, so no FIFO: stress mode does not judge fairness.
		{check.Lock("sync.Mutex + TryLock polling", func(sched.Runtime) *pollLock { return &pollLock{} }), ""},
		{check.Semaphore("x/sync semaphore.Weighted", func(_ sched.Runtime, v int) xsyncWeighted {
			// Weighted has a size; a Semaphore has none: room for every
			// release a program makes, taken at the start.
			const room = 1 << 30
			w := semaphore.NewWeighted(room + int64(v))
			w.TryAcquire(room)
			return xsyncWeighted{w}
		}), "x/sync fails an acquire whose context is done even with a permit free (its documented choice); the Go dialect takes the fast path (G2)"},
		// Unmodified, as a weighted semaphore judged by x/sync's own rules.
		{check.Weighted("x/sync semaphore.Weighted", func(_ sched.Runtime, n int64) *semaphore.Weighted {
			return semaphore.NewWeighted(n)
		}), ""},
		{check.BoundedSemaphore("buffered channel", func(_ sched.Runtime, v int) chanSem { return newChanSem(v) }), ""},
		{check.Event("sync.Cond event", func(sched.Runtime) *condEvent { return newCondEvent() }), ""},
		{check.Condition("sync.Cond", func(_ sched.Runtime, n int) []condCondition { return newCondConditions(n) }),
			"Wait knows no context: a cancelled wait stays blocked (G7, G9)"},
		{check.Queue("buffered channel", func(_ sched.Runtime, maxsize int) chanQueue { return make(chanQueue, maxsize) }),
			"select picks at random among ready cases: a put or get whose context is done may return cancelled though it could complete, where the Go dialect completes a call that need not wait (G2)"},
	}
	fmt.Println("| peer | as | mode | executions | verdict | counterexample | why |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, p := range peers {
		start := time.Now()
		var dialect model.Dialect // the Go dialect, but x/sync's for a weighted semaphore
		if p.target.Primitive() == model.Weighted {
			dialect = model.XSync
		}
		r, err := check.Run(p.target, check.Options{Mode: "stress", Runs: 20000, Seed: 1, ShrinkTime: 10 * time.Second, Dialect: dialect})
		verdict, cx, why := "no counterexample", "", ""
		switch {
		case err != nil:
			verdict = "no verdict: " + err.Error()
		case r.Failed:
			verdict = fmt.Sprintf("%s (reproduces in %d of %d runs)", r.Property, r.Reproduced, r.Attempts)
			cx = strings.ReplaceAll(r.Message, "|", `\|`)
			if i := strings.IndexByte(cx, '\n'); i >= 0 {
				cx = cx[:i]
			}
			why = p.why
		}
		as := string(p.target.Primitive())
		if dialect != "" {
			as += " (dialect " + string(dialect) + ")"
		}
		fmt.Printf("| %s | %s | stress | %d | %s | %s | %s |\n", p.target.Name(), as, r.Executions, verdict, cx, why)
		if err == nil && r.Failed != (p.why != "") {
			t.Errorf("%s: failed %v, expected %v", p.target.Name(), r.Failed, p.why != "")
		}
		t.Logf("%s: %v", p.target.Name(), time.Since(start).Round(time.Millisecond))
	}
}
