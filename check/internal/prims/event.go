package prims

import (
	"context"
	"reflect"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

var eventDescriptor = Descriptor{
	Primitive: model.Event,
	Optional: map[model.Kind][]reflect.Type{
		model.Clear: {is[clearer]()},
		model.IsSet: {is[isSetTeller]()},
	},
	Builtin: func() harness.Target {
		return Event("impl", func(rt sched.Runtime) *impl.Event { return impl.NewEvent(impl.WithRuntime(rt)) })
	},
	Fragments: []Fragment{
		{6, Ops(model.Wait)},
		{4, Ops(model.Set)},
		{2, Ops(model.Clear)},
		{1, Ops(model.IsSet)},
	},
}

// Event adapts an Event implementation.
func Event[E EventCore](name string, mk func(rt sched.Runtime) E, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Event, Ops: opsOf(model.Event, reflect.TypeFor[E]()),
		New: func(rt sched.Runtime, _ model.Params) harness.Instance {
			return &eventInstance{e: mk(rt), errs: withSentinels(model.Event, errs)}
		}}
}

type eventInstance struct {
	e    EventCore
	errs []ErrAs
}

func (x *eventInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Wait:
		return errResult(op, x.e.Wait(ctx), x.errs)
	case model.Set:
		x.e.Set()
		return model.Result{}
	case model.Clear:
		if c, ok := x.e.(clearer); ok {
			c.Clear()
			return model.Result{}
		}
	case model.IsSet:
		if t, ok := x.e.(isSetTeller); ok {
			return boolResult(t.IsSet())
		}
	}
	return unsupported(model.Event, op)
}
