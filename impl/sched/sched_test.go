//go:build go1.25

package sched_test

import (
	"context"
	"errors"
	"flag"
	"testing"
	"testing/synctest"

	"go.uber.org/goleak"

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

func TestSlotWokenFirst(t *testing.T) {
	var m sched.Mutex
	s := new(sched.Slot)
	s.Init(&m)
	if s.Woken() {
		t.Fatal("fresh slot is woken")
	}
	m.Lock()
	s.Wake()
	m.Unlock()
	if !s.Woken() {
		t.Fatal("Woken() = false after Wake")
	}
	// Both woken and cancelled: the wake came first, so Wait sees it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Wait(ctx); err != nil {
		t.Fatalf("Wait after Wake = %v, want nil", err)
	}
}

func TestSlotParked(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m sched.Mutex
		s := new(sched.Slot)
		s.Init(&m)
		data := 0
		done := make(chan error)
		go func() {
			err := s.Wait(context.Background())
			if data != 42 { // the waker's writes happen before Wait returns nil
				t.Errorf("data = %d after Wait", data)
			}
			done <- err
		}()
		synctest.Wait() // parked
		m.Lock()
		data = 42
		s.Wake()
		s.Wake() // a second Wake is harmless
		m.Unlock()
		if err := <-done; err != nil {
			t.Fatalf("Wait = %v, want nil", err)
		}
	})
}

func TestSlotCancelThenWaitAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var m sched.Mutex
		s := new(sched.Slot)
		s.Init(&m)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() { done <- s.Wait(ctx) }()
		synctest.Wait()
		cancel()
		if err := <-done; !errors.Is(err, context.Canceled) {
			t.Fatalf("Wait = %v, want context.Canceled", err)
		}
		if s.Woken() {
			t.Fatal("cancelled slot is woken")
		}
		// Waiting again on the same slot still sees a later Wake.
		go func() { done <- s.Wait(context.Background()) }()
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("second Wait returned %v before any Wake", err)
		default:
		}
		m.Lock()
		s.Wake()
		m.Unlock()
		if err := <-done; err != nil {
			t.Fatalf("second Wait = %v, want nil", err)
		}
		// Init makes it fresh again.
		s.Init(&m)
		if s.Woken() {
			t.Fatal("Woken() after Init")
		}
	})
}

// recorder is a Runtime that logs the hooks it sees.
type recorder struct {
	log []string
}

func (r *recorder) Lock(*sched.Mutex)   { r.log = append(r.log, "lock") }
func (r *recorder) Unlock(*sched.Mutex) { r.log = append(r.log, "unlock") }
func (r *recorder) Yield(p string)      { r.log = append(r.log, "yield "+p) }
func (r *recorder) Park(ctx context.Context, s *sched.Slot) error {
	r.log = append(r.log, "park")
	if s.Woken() {
		return nil
	}
	return ctx.Err()
}

func TestRuntimeHooks(t *testing.T) {
	rt := &recorder{}
	var m sched.Mutex
	m.SetRuntime(rt)
	if m.Runtime() != rt {
		t.Fatal("Runtime() does not return the runtime set")
	}
	m.Lock()
	s := new(sched.Slot)
	s.Init(&m)
	m.Unlock()
	m.Yield("here")
	// Under a runtime even a woken slot parks: Park is the scheduling point
	// where the runtime may hold a woken waiter back.
	s.Wake()
	if err := s.Wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	want := []string{"lock", "unlock", "yield here", "park"}
	if len(rt.log) != len(want) {
		t.Fatalf("hooks %q, want %q", rt.log, want)
	}
	for i := range want {
		if rt.log[i] != want[i] {
			t.Fatalf("hooks %q, want %q", rt.log, want)
		}
	}
	m.SetRuntime(nil)
	m.Lock()
	m.Unlock()
	if len(rt.log) != len(want) {
		t.Fatalf("production mutex called the runtime: %q", rt.log)
	}
}
