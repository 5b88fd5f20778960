package check

import (
	"context"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// LifoQueue makes a target of your queue of ints that gives items out last in, first out (asyncio.LifoQueue),
// holding at most maxsize items (unbounded when maxsize is 0).
// PutNowait(int) error, GetNowait() (int, error), TaskDone() error,
// Join(ctx) error, Shutdown(immediate bool), Len() int, Empty() bool and
// Full() bool are checked when the type has them.
func LifoQueue[Q interface {
	Put(ctx context.Context, v int) error
	Get(ctx context.Context) (int, error)
}](name string, mk func(rt sched.Runtime, maxsize int) Q) Target {
	return newTarget(func(errs []prims.ErrAs) harness.Target { return prims.QueueOf(model.LifoQueue, name, mk, errs...) })
}
