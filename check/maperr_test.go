package check_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// errNotHeld is a user's own error value for a release of an unheld lock.
var errNotHeld = errors.New("mylock: not held")

// coreLock is myLock with only the core methods of a Lock, and its own
// error value.
type coreLock struct{ l *myLock }

func (c coreLock) Acquire(ctx context.Context) error { return c.l.Acquire(ctx) }

func (c coreLock) Release() error {
	if err := c.l.Release(); err != nil {
		return errNotHeld
	}
	return nil
}

// TestMapErr: a target's own error value is understood once mapped with
// MapErr; unmapped, the check fails and says how to map it. The target
// has no TryAcquire or Locked, so neither is called.
func TestMapErr(t *testing.T) {
	target := check.Lock("corelock", func(rt sched.Runtime) coreLock { return coreLock{newMyLock(rt, false)} })
	for _, k := range target.Ops() {
		if k == model.TryAcquire || k == model.Locked {
			t.Fatalf("ops %v: the target has no %s", target.Ops(), k)
		}
	}
	r, err := check.Run(target, check.Options{Seed: 1, Runs: 2000, ShrinkTime: -1})
	if err != nil || !r.Failed || !strings.Contains(r.Message, "Target.MapErr") {
		t.Fatalf("unmapped error: failed %v, %q, %v", r.Failed, r.Message, err)
	}
	r, err = check.Run(target.MapErr(model.NotLocked, errNotHeld), check.Options{Seed: 1, Runs: 2000})
	if err != nil || r.Failed {
		t.Fatalf("mapped error: %v %s: %s", err, r.Property, r.Message)
	}
}

// TestOnly: Only leaves out an optional method (a stub the user does not
// want checked), never a required one.
func TestOnly(t *testing.T) {
	full := check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) })
	if len(full.Ops()) != 4 {
		t.Fatalf("myLock has all four ops, the target lists %v", full.Ops())
	}
	only := full.Only(model.Locked)
	want := []model.Kind{model.Acquire, model.Release, model.Locked}
	if got := only.Ops(); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("Only(locked): %v, want %v", got, want)
	}
	check.Verify(t, only, check.Options{Seed: 1, Runs: 1000})
}

// TestTooFewExecutions: a search cut short before judging enough
// executions is an error, not a pass.
func TestTooFewExecutions(t *testing.T) {
	_, err := check.Run(check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) }), check.Options{Time: time.Nanosecond})
	if !errors.Is(err, check.ErrTooFewExecutions) {
		t.Fatalf("a search of 1ns: %v", err)
	}
	if _, err := check.Run(check.Lock("mylock", func(rt sched.Runtime) *myLock { return newMyLock(rt, false) }), check.Options{Runs: 10}); err != nil {
		t.Fatalf("10 executions asked, 10 judged: %v", err)
	}
}
