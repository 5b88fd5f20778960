package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// BoundedSemaphore makes a target of your BoundedSemaphore implementation
// with initial value (and bound) v: Release must return an error when it
// would raise the value above v (impl.ErrReleasedTooOften, or your own
// mapped with MapErr).
func BoundedSemaphore[S interface {
	Acquire(ctx context.Context) error
	Release() error
}](name string, mk func(rt sched.Runtime, v int) S) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target {
		return prims.BoundedSemaphore(name, mk, errs...)
	})
}
