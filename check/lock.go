package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// Lock makes a target of your Lock implementation. mk builds a fresh,
// unlocked one on rt: build its state's sched.Mutex on rt (SetRuntime) so
// that the checker controls its interleavings. Release must return an
// error for a release of an unlocked lock (impl.ErrNotLocked, or your own
// mapped with MapErr). TryAcquire() bool and Locked() bool are checked
// when the type has them.
func Lock[L interface {
	Acquire(ctx context.Context) error
	Release() error
}](name string, mk func(rt sched.Runtime) L) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.Lock(name, mk, errs...) })
}
