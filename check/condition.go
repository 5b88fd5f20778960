package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// Condition makes a target of your Condition implementation: mk returns n
// Conditions that share one Lock, whose Acquire, Release (and TryAcquire,
// Locked when present) are that Lock's. NotifyAll() error is checked when
// the type has it; WaitFor(ctx, pred) error too, and when the type has no
// WaitFor but has Locked, the checker derives it from Wait as the Go
// dialect defines it (a lock check, then Wait until pred holds).
func Condition[C interface {
	Acquire(ctx context.Context) error
	Release() error
	Wait(ctx context.Context) error
	Notify(n int) error
}](name string, mk func(rt sched.Runtime, n int) []C) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.Condition(name, mk, errs...) })
}
