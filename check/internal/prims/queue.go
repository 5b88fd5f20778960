package prims

import (
	"context"
	"fmt"
	"maps"
	"reflect"
	"slices"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

var queueDescriptor = queueDesc(model.Queue, func(rt sched.Runtime, n int) *impl.Queue[int] {
	return impl.NewQueue[int](n, impl.WithRuntime(rt))
})

var lifoQueueDescriptor = queueDesc(model.LifoQueue, func(rt sched.Runtime, n int) *impl.Queue[int] {
	return impl.NewLifoQueue[int](n, impl.WithRuntime(rt))
})

var priorityQueueDescriptor = queueDesc(model.PriorityQueue, func(rt sched.Runtime, n int) *impl.Queue[int] {
	return impl.NewPriorityQueue(n, func(a, b int) bool { return a < b }, impl.WithRuntime(rt))
})

func queueDesc(p model.Primitive, mk func(rt sched.Runtime, maxsize int) *impl.Queue[int]) Descriptor {
	return Descriptor{
		Primitive: p,
		Sentinels: []ErrAs{
			{Err: model.QueueFull, Values: []error{impl.ErrQueueFull}},
			{Err: model.QueueEmpty, Values: []error{impl.ErrQueueEmpty}},
			{Err: model.QueueShutDown, Values: []error{impl.ErrQueueShutDown}},
			{Err: model.TaskDoneTooOften, Values: []error{impl.ErrTaskDoneTooOften}},
		},
		Optional: map[model.Kind][]reflect.Type{
			model.PutNowait:   {is[putNowaiter]()},
			model.GetNowait:   {is[getNowaiter]()},
			model.TaskDone:    {is[taskDoner]()},
			model.Join:        {is[joiner]()},
			model.Shutdown:    {is[shutdowner]()},
			model.ShutdownNow: {is[shutdowner]()},
			model.Qsize:       {is[lenTeller]()},
			model.Empty:       {is[emptyTeller]()},
			model.Full:        {is[fullTeller]()},
		},
		Builtin:   func() harness.Target { return QueueOf(p, "impl", mk) },
		Fragments: queueFragments,
		Args: map[model.Kind][]int{
			model.Put:       {1, 2, 3, 4},
			model.PutNowait: {1, 2, 3, 4},
		},
		// maxsize 1 to 3: small enough that puts block (0, unbounded, is
		// not drawn: a put never blocks there).
		Params:     []ParamGen{{Key: "maxsize", Lo: 1, Hi: 3}},
		Invariants: history.Invariants{Check: queueInvariant(p)},
	}
}

// What users write: producers (put), consumers (get, task_done), a join
// waiting for the work, the non-blocking calls and shutdown now and then.
var queueFragments = []Fragment{
	{8, Ops(model.Put)},
	{6, Ops(model.Get, model.TaskDone)},
	{4, Ops(model.Get)},
	{3, Ops(model.Put, model.Join)},
	{2, Ops(model.Join)},
	{2, Ops(model.PutNowait)},
	{2, Ops(model.GetNowait)},
	{1, Ops(model.TaskDone)},
	{1, Ops(model.Shutdown)},
	{1, Ops(model.ShutdownNow)},
	{1, Ops(model.Qsize)},
	{1, Ops(model.Empty)},
	{1, Ops(model.Full)},
}

// QueueCore is what a queue of ints must have to be checked.
type QueueCore interface {
	Put(ctx context.Context, v int) error
	Get(ctx context.Context) (int, error)
}

// The queues' optional methods, one interface each.
type (
	putNowaiter interface{ PutNowait(v int) error }
	getNowaiter interface{ GetNowait() (int, error) }
	taskDoner   interface{ TaskDone() error }
	joiner      interface {
		Join(ctx context.Context) error
	}
	shutdowner  interface{ Shutdown(immediate bool) }
	lenTeller   interface{ Len() int }
	emptyTeller interface{ Empty() bool }
	fullTeller  interface{ Full() bool }
)

// QueueOf adapts a queue implementation (Queue, LifoQueue or
// PriorityQueue, as p says) made with maxsize.
func QueueOf[Q QueueCore](p model.Primitive, name string, mk func(rt sched.Runtime, maxsize int) Q, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: p, Ops: opsOf(p, reflect.TypeFor[Q]()),
		New: func(rt sched.Runtime, ps model.Params) harness.Instance {
			return &queueInstance{p: p, q: mk(rt, ps["maxsize"]), errs: withSentinels(p, errs)}
		}}
}

type queueInstance struct {
	p    model.Primitive
	q    QueueCore
	errs []ErrAs
}

func (x *queueInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Put:
		return errResult(op, x.q.Put(ctx, op.Arg), x.errs)
	case model.Get:
		return x.item(op)(x.q.Get(ctx))
	case model.PutNowait:
		if q, ok := x.q.(putNowaiter); ok {
			return errResult(op, q.PutNowait(op.Arg), x.errs)
		}
	case model.GetNowait:
		if q, ok := x.q.(getNowaiter); ok {
			return x.item(op)(q.GetNowait())
		}
	case model.TaskDone:
		if q, ok := x.q.(taskDoner); ok {
			return errResult(op, q.TaskDone(), x.errs)
		}
	case model.Join:
		if q, ok := x.q.(joiner); ok {
			return errResult(op, q.Join(ctx), x.errs)
		}
	case model.Shutdown, model.ShutdownNow:
		if q, ok := x.q.(shutdowner); ok {
			q.Shutdown(op.Kind == model.ShutdownNow)
			return model.Result{}
		}
	case model.Qsize:
		if q, ok := x.q.(lenTeller); ok {
			return model.Result{Int: q.Len()}
		}
	case model.Empty:
		if q, ok := x.q.(emptyTeller); ok {
			return boolResult(q.Empty())
		}
	case model.Full:
		if q, ok := x.q.(fullTeller); ok {
			return boolResult(q.Full())
		}
	}
	return unsupported(x.p, op)
}

// item maps what a get returned: the item, or its error's class.
func (x *queueInstance) item(op model.Op) func(int, error) model.Result {
	return func(v int, err error) model.Result {
		if err != nil {
			return errResult(op, err, x.errs)
		}
		return model.Result{Int: v}
	}
}

// queueInvariant is the queues' own history invariant. Each clause holds
// in every linearization, whatever the dialect:
//
//   - an item is got only as often as puts of it may have succeeded: puts
//     of it called so far, less those that returned an error (nothing is
//     duplicated or made up);
//   - a put that returns an error after its item was got breaks the same
//     count (it reports failure although its item was enqueued);
//   - task_done succeeds only as often as puts may have succeeded (the
//     unfinished count is never negative);
//   - the discipline (first in first out, last in first out, least first)
//     on the items put once: see order.
func queueInvariant(p model.Primitive) func([]history.Event, model.Params, model.Dialect, func(int) string) (int, string) {
	return func(h []history.Event, _ model.Params, _ model.Dialect, name func(int) string) (int, string) {
		type count struct{ called, failed, got int }
		items := map[int]*count{}
		of := func(x int) *count {
			if items[x] == nil {
				items[x] = &count{}
			}
			return items[x]
		}
		var putsCalled, putsFailed, done int
		lastGot := map[int]int{} // item -> the step its (last) get returned
		for i, e := range h {
			isPut := e.Op.Kind == model.Put || e.Op.Kind == model.PutNowait
			isGet := e.Op.Kind == model.Get || e.Op.Kind == model.GetNowait
			switch {
			case e.Kind == history.Call && isPut:
				of(e.Op.Arg).called++
				putsCalled++
			case e.Kind != history.Return:
			case isPut && e.Result.Err != model.OK:
				c := of(e.Op.Arg)
				c.failed++
				putsFailed++
				if c.got > c.called-c.failed {
					return i, fmt.Sprintf("%s's %s %d returned %s at step %d, but item %d was got %s, which leaves %s of it that may have succeeded: the put reports failure although its item was enqueued",
						name(e.Task), e.Op.Kind, e.Op.Arg, e.Result.Err, i+1, e.Op.Arg, times(c.got), times(c.called-c.failed))
				}
			case isGet && e.Result.Err == model.OK:
				x := e.Result.Int
				c := of(x)
				c.got++
				lastGot[x] = i
				if c.got > c.called-c.failed {
					return i, fmt.Sprintf("%s's %s returned %d at step %d, the %s time item %d was got, but only %s of it may have succeeded by then: an item was duplicated or made up",
						name(e.Task), e.Op.Kind, x, i+1, ordinal(c.got), x, puts(c.called-c.failed))
				}
			case e.Op.Kind == model.TaskDone && e.Result.Err == model.OK:
				done++
				if done > putsCalled-putsFailed {
					return i, fmt.Sprintf("%s's taskdone returned ok at step %d, the %s to succeed, but only %s may have succeeded by then: the unfinished count went negative",
						name(e.Task), i+1, ordinal(done), puts(putsCalled-putsFailed))
				}
			}
		}
		return order(p, h, name)
	}
}

// order checks primitive p's discipline on the items put once (and got at
// most once; an item put twice is ambiguous and not judged). If item b was
// in the queue all through a get G that returned a (b's put returned
// before G was called, and b was got only by a get called after G
// returned, or never), then G taking a breaks the discipline when b should
// have come out first: a Queue's b was put before a was (b's put returned
// before a's was called), a LifoQueue's after a was (a's put returned
// before b's was called), a PriorityQueue's b is less than a. An immediate
// shutdown called before G returned may have dropped b: such pairs are
// not judged.
func order(p model.Primitive, h []history.Event, name func(int) string) (int, string) {
	items := map[int]*span{}
	puts, gets := map[int]int{}, map[int]int{}
	var getters []*span   // every successful get, by its own span
	open := map[int]int{} // task -> the step of its call in flight
	firstDrop := len(h)   // the first shutdownnow's call
	for i, e := range h {
		switch e.Kind {
		case history.Call:
			open[e.Task] = i
			if e.Op.Kind == model.ShutdownNow {
				firstDrop = min(firstDrop, i)
			}
		case history.Return:
			call := open[e.Task]
			switch {
			case e.Op.Kind == model.Put || e.Op.Kind == model.PutNowait:
				puts[e.Op.Arg]++
				if e.Result.Err == model.OK {
					s := spanOf(items, e.Op.Arg)
					s.putCall, s.putRet = call, i
				}
			case (e.Op.Kind == model.Get || e.Op.Kind == model.GetNowait) && e.Result.Err == model.OK:
				x := e.Result.Int
				gets[x]++
				s := spanOf(items, x)
				s.getCall, s.getRet, s.getTask = call, i, e.Task
				getters = append(getters, &span{item: x, getCall: call, getRet: i, getTask: e.Task})
			}
		}
	}
	unique := func(x int) bool { return puts[x] == 1 && gets[x] <= 1 && items[x] != nil && items[x].putRet >= 0 }
	keys := slices.Sorted(maps.Keys(items)) // deterministic: the first get, then the least b
	for _, g := range getters {
		a := g.item
		if g.getRet > firstDrop {
			continue
		}
		for _, b := range keys {
			sb := items[b]
			if b == a || !unique(b) || sb.putRet > g.getCall || (sb.getRet >= 0 && sb.getCall < g.getRet) {
				continue
			}
			var why string
			switch p {
			case model.Queue:
				if unique(a) && sb.putRet < items[a].putCall {
					why = fmt.Sprintf("%d was put first (its put returned at step %d, before %d's put was called at step %d): first in, first out", b, sb.putRet+1, a, items[a].putCall+1)
				}
			case model.LifoQueue:
				if unique(a) && items[a].putRet < sb.putCall {
					why = fmt.Sprintf("%d was put last (its put was called at step %d, after %d's put returned at step %d): last in, first out", b, sb.putCall+1, a, items[a].putRet+1)
				}
			case model.PriorityQueue:
				if b < a {
					why = fmt.Sprintf("%d is less: least first", b)
				}
			}
			if why != "" {
				return g.getRet, fmt.Sprintf("%s's %s returned %d at step %d while %d was in the queue all along (put by step %d, not got before step %d), and %s",
					name(g.getTask), h[g.getRet].Op.Kind, a, g.getRet+1, b, sb.putRet+1, g.getRet+1, why)
			}
		}
	}
	return -1, ""
}

// span is where an item's put and get happened in a history (-1: never).
type span struct{ item, putCall, putRet, getCall, getRet, getTask int }

func spanOf(m map[int]*span, x int) *span {
	if m[x] == nil {
		m[x] = &span{x, -1, -1, -1, -1, -1}
	}
	return m[x]
}

// times writes "once", "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}

// puts writes "no put", "1 put", "2 puts".
func puts(n int) string {
	switch {
	case n <= 0:
		return "no put"
	case n == 1:
		return "1 put"
	}
	return fmt.Sprintf("%d puts", n)
}

// ordinal writes 1st, 2nd, 3rd, 4th, ...
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
