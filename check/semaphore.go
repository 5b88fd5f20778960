package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// Semaphore makes a target of your Semaphore implementation with initial
// value v. TryAcquire() bool, Value() int and Locked() bool are checked
// when the type has them.
func Semaphore[S interface {
	Acquire(ctx context.Context) error
	Release()
}](name string, mk func(rt sched.Runtime, v int) S) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.Semaphore(name, mk, errs...) })
}
