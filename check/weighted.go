package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// Weighted makes a target of your weighted semaphore of the given size,
// with golang.org/x/sync/semaphore.Weighted's method set, so that x/sync's
// own type is a target unmodified:
//
//	check.Weighted("x/sync", func(_ sched.Runtime, n int64) *semaphore.Weighted {
//		return semaphore.NewWeighted(n)
//	})
//
// (x/sync's type waits on a sync.Mutex and channels, not on impl/sched's
// hooks, so the controlled scheduler cannot run it: check it in stress
// mode.) TryAcquire(n int64) bool is checked when the type has it. Judge
// x/sync's semantics with Options.Dialect model.XSync. A release of more
// than the calls that returned hold is outside the contract (x/sync
// panics): the target refuses it with model.ReleasedTooOften without
// calling Release.
func Weighted[S interface {
	Acquire(ctx context.Context, n int64) error
	Release(n int64)
}](name string, mk func(rt sched.Runtime, size int64) S) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.Weighted(name, mk, errs...) })
}
