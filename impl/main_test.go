//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"flag"
	"runtime"
	"sync"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
)

func TestMain(m *testing.M) {
	flag.Parse()
	// Each benchmark runs 200ms unless -benchtime says otherwise, so that
	// "go test -run '^$' -bench . -count 5 ./impl/..." takes a minute or
	// two rather than five.
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.benchtime" })
	if !set {
		flag.Set("test.benchtime", "200ms")
	}
	goleak.VerifyTestMain(m)
}

// testRuntime is a minimal sched.Runtime for tests: it does not serialise
// goroutines (the primitives' own mutexes do that, as in production), but it
// decides when a parked task resumes. A task is named by its context
// (named); hold keeps a named task parked even after it was woken or
// cancelled, which opens the wake window at will, and resume lets it go,
// saying which of the two it observes when both happened (the scenario
// language's "sees grant" / "sees cancel").
//
// Parked tasks block on channels made inside the synctest bubble, so
// synctest.Wait tells when everybody is parked.
type testRuntime struct {
	// jitter makes every Mutex.Lock a runtime.Gosched first, which widens
	// the windows between a primitive's internal steps for stress tests.
	jitter bool

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever a wake may have happened
	held     map[string]bool
	seeGrant map[string]bool
}

func newTestRuntime() *testRuntime {
	return &testRuntime{
		changed:  make(chan struct{}),
		held:     map[string]bool{},
		seeGrant: map[string]bool{},
	}
}

type taskKey struct{}

// named returns ctx labelled with a task name for the test runtime.
func named(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, taskKey{}, name)
}

func (r *testRuntime) poke() {
	r.mu.Lock()
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

func (r *testRuntime) Lock(*sched.Mutex) {
	if r.jitter {
		runtime.Gosched()
	}
}

// Unlock: every Wake happens under a primitive's mutex, so its Unlock is the
// moment parked tasks must look at their slots again.
func (r *testRuntime) Unlock(*sched.Mutex) { r.poke() }

func (r *testRuntime) Yield(string) {}

func (r *testRuntime) Park(ctx context.Context, s *sched.Slot) error {
	name, _ := ctx.Value(taskKey{}).(string)
	if r.jitter {
		runtime.Gosched()
	}
	for {
		r.mu.Lock()
		ch, held, grant := r.changed, r.held[name], r.seeGrant[name]
		r.mu.Unlock()
		if held {
			<-ch
			continue
		}
		woken, err := s.Woken(), ctx.Err()
		switch {
		case woken && err != nil:
			if grant {
				return nil
			}
			return err
		case woken:
			return nil
		case err != nil:
			return err
		}
		select {
		case <-ch:
		case <-ctx.Done():
		}
	}
}

// hold keeps task name parked until resume.
func (r *testRuntime) hold(name string) {
	r.mu.Lock()
	r.held[name] = true
	r.mu.Unlock()
	r.poke()
}

// resume lets task name run again; seeGrant says what it observes if it was
// both woken and cancelled.
func (r *testRuntime) resume(name string, seeGrant bool) {
	r.mu.Lock()
	delete(r.held, name)
	r.seeGrant[name] = seeGrant
	r.mu.Unlock()
	r.poke()
}

// call is a blocking call running in its own goroutine.
type call struct {
	name   string
	ctx    context.Context
	cancel context.CancelFunc
	done   chan error
}

// start runs f(ctx) in a new goroutine, with a cancellable context named
// name, and waits until it has returned or parked.
func start(name string, f func(ctx context.Context) error) *call {
	ctx, cancel := context.WithCancel(named(context.Background(), name))
	c := &call{name: name, ctx: ctx, cancel: cancel, done: make(chan error, 1)}
	go func() {
		c.done <- f(ctx)
		cancel()
	}()
	synctest.Wait()
	return c
}

// blocked fails the test unless the call is still in flight.
func (c *call) blocked(t *testing.T) {
	t.Helper()
	synctest.Wait()
	select {
	case err := <-c.done:
		t.Fatalf("%s returned %v, want it blocked", c.name, err)
	default:
	}
}

// returned fails the test unless the call has returned want.
func (c *call) returned(t *testing.T, want error) {
	t.Helper()
	synctest.Wait()
	select {
	case err := <-c.done:
		if !errors.Is(err, want) && err != want {
			t.Fatalf("%s returned %v, want %v", c.name, err, want)
		}
		c.done <- err // keep it for a later look
	default:
		t.Fatalf("%s is blocked, want it to return %v", c.name, want)
	}
}

// modes runs a test in production and under the test runtime (rt is nil in
// production), each in its own synctest bubble.
func modes(t *testing.T, f func(t *testing.T, rt *testRuntime, opts []impl.Option)) {
	t.Run("production", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) { f(t, nil, nil) })
	})
	t.Run("runtime", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			rt := newTestRuntime()
			f(t, rt, []impl.Option{impl.WithRuntime(rt)})
		})
	})
}

// controlled runs a test that needs the wake window under the test runtime.
func controlled(t *testing.T, f func(t *testing.T, rt *testRuntime, opts []impl.Option)) {
	synctest.Test(t, func(t *testing.T) {
		rt := newTestRuntime()
		f(t, rt, []impl.Option{impl.WithRuntime(rt)})
	})
}

// cancelled returns a context that is already done.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func check(t *testing.T, what string, got, want any) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %v, want %v", what, got, want)
	}
}
