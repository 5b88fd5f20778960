package check_test

import (
	"strings"
	"testing"

	"golang.org/x/sync/semaphore"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// x/sync's own type is a target as it is (it waits on a sync.Mutex and
// channels, so it is checked in stress mode, not here).
var _ = check.Weighted("x/sync", func(_ sched.Runtime, n int64) *semaphore.Weighted {
	return semaphore.NewWeighted(n)
})

// The port of x/sync's Weighted with x/sync's own choices passes against
// the x/sync dialect, and fails against go (a done ctx fails first even
// when the tokens are free): the dialect says what x/sync's source does.
func TestWeightedPortXSync(t *testing.T) {
	port := check.Weighted("x/sync-port", func(rt sched.Runtime, n int64) *prims.WeightedPort {
		return prims.NewWeightedPort(rt, n, true)
	})
	check.Verify(t, port, check.Options{Dialect: model.XSync, Runs: 3000, Seed: 1, ShrinkTime: -1})
	r, err := check.Run(port, check.Options{Runs: 3000, Seed: 1, ShrinkTime: -1})
	if !r.Failed {
		t.Errorf("x/sync's choices pass against the go dialect: %v", err)
	}
}

// A dialect the primitive lacks is refused.
func TestWeightedDialectOption(t *testing.T) {
	target, err := check.Builtin(model.Weighted)
	if err != nil {
		t.Fatal(err)
	}
	_, err = check.Run(target, check.Options{Dialect: model.Asyncio311, Runs: 1})
	if err == nil || !strings.Contains(err.Error(), "weighted has no dialect asyncio-3.11 (want go, x/sync)") {
		t.Errorf("Run under asyncio-3.11: %v", err)
	}
}
