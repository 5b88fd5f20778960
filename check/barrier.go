package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
)

// Barrier makes a target of your Barrier implementation for parties
// parties: Wait returns the party's index in its cycle with a nil error,
// or an error (the context's, impl.ErrBrokenBarrier or your own mapped
// with MapErr). Reset(), Abort(), Broken() bool and Waiting() int are
// checked when the type has them.
func Barrier[B interface {
	Wait(ctx context.Context) (int, error)
}](name string, mk func(rt sched.Runtime, parties int) B) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.Barrier(name, mk, errs...) })
}
