package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// Event makes a target of your Event implementation. Clear() and
// IsSet() bool are checked when the type has them.
func Event[E interface {
	Wait(ctx context.Context) error
	Set()
}](name string, mk func(rt sched.Runtime) E) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.Event(name, mk, errs...) })
}
