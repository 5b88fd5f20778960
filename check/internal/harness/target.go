package harness

import (
	"context"
	"slices"
	"time"

	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

// Instance is one primitive instance under test (for a Condition program: one
// Lock and the Conditions that share it), driven one call at a time.
type Instance interface {
	// Do makes the call op with ctx and reports what it returned. An error
	// the checker has no name for is a panic (reported with its stack).
	Do(ctx context.Context, op model.Op) model.Result
}

// TaskInstance is an Instance that is told which task makes each call
// (a Weighted semaphore's counts the tokens each task holds, to refuse a
// release of more). The runner calls DoTask instead of Do.
type TaskInstance interface {
	DoTask(ctx context.Context, task int, op model.Op) model.Result
}

// Call makes op on inst for task: DoTask when inst is a TaskInstance,
// Do otherwise.
func Call(inst Instance, ctx context.Context, task int, op model.Op) model.Result {
	if ti, ok := inst.(TaskInstance); ok {
		return ti.DoTask(ctx, task, op)
	}
	return inst.Do(ctx, op)
}

// Target is an implementation the checker can instantiate: the built-in one,
// a mutant, or a user's own.
type Target struct {
	// Name identifies the target in reports ("impl", a mutant's name, ...).
	Name      string
	Primitive model.Primitive
	// New builds a fresh instance. rt is the controlled scheduler; an
	// implementation built on impl/sched passes it to its sched.Mutex.
	New func(rt sched.Runtime, p model.Params) Instance
	// Ops lists the ops the instance implements (nil: every op of the
	// primitive); programs use only these.
	Ops []model.Kind
	// StepTimeout is how long a task may run between two scheduling
	// points before it is reported as blocked outside the hooks (0: the
	// scheduler's default, scheduler.DefaultStepTimeout; negative: never).
	StepTimeout time.Duration
}

// Supports reports whether the target implements op kind k.
func (t *Target) Supports(k model.Kind) bool {
	return t.Ops == nil || slices.Contains(t.Ops, k)
}
