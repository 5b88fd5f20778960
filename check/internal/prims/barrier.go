package prims

import (
	"context"
	"fmt"
	"reflect"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
)

var barrierDescriptor = Descriptor{
	Primitive: model.Barrier,
	Sentinels: []ErrAs{{Err: model.BrokenBarrier, Values: []error{impl.ErrBrokenBarrier}}},
	Optional: map[model.Kind][]reflect.Type{
		model.Reset:    {is[resetter]()},
		model.Abort:    {is[aborter]()},
		model.Broken:   {is[brokenTeller]()},
		model.NWaiting: {is[waitingTeller]()},
	},
	Builtin: func() harness.Target {
		return Barrier("impl", func(rt sched.Runtime, parties int) *impl.Barrier {
			return impl.NewBarrier(parties, impl.WithRuntime(rt))
		})
	},
	// Programs have up to 4 tasks and parties are drawn from 1 to 3, so
	// that cycles trip, often with a party cancelled, reset or held in the
	// wake window; a wait again is a party coming back for the next cycle.
	Fragments: []Fragment{
		{10, Ops(model.Wait)},
		{4, Ops(model.Wait, model.Wait)},
		{3, Ops(model.Reset)},
		{1, Ops(model.Abort)},
		{1, Ops(model.Broken)},
		{1, Ops(model.NWaiting)},
	},
	// Shrinking may lower parties, or take away a wait and a party with it.
	Params: []ParamGen{{Key: "parties", Lo: 1, Hi: 3, Trades: map[model.Kind]int{model.Wait: -1}}},
	Invariants: history.Invariants{
		Check: barrierIndices,
	},
}

// Barrier adapts a Barrier implementation for parties parties.
func Barrier[B BarrierCore](name string, mk func(rt sched.Runtime, parties int) B, errs ...ErrAs) harness.Target {
	return harness.Target{Name: name, Primitive: model.Barrier, Ops: opsOf(model.Barrier, reflect.TypeFor[B]()),
		New: func(rt sched.Runtime, p model.Params) harness.Instance {
			return &barrierInstance{b: mk(rt, p["parties"]), errs: withSentinels(model.Barrier, errs)}
		}}
}

type barrierInstance struct {
	b    BarrierCore
	errs []ErrAs
}

func (x *barrierInstance) Do(ctx context.Context, op model.Op) model.Result {
	switch op.Kind {
	case model.Wait:
		i, err := x.b.Wait(ctx)
		if err != nil {
			return errResult(op, err, x.errs)
		}
		if i < 0 {
			panic(fmt.Sprintf("wait returned index %d with a nil error (want an index >= 0)", i))
		}
		return model.Result{Int: i}
	case model.Reset:
		if r, ok := x.b.(resetter); ok {
			r.Reset()
			return model.Result{}
		}
	case model.Abort:
		if a, ok := x.b.(aborter); ok {
			a.Abort()
			return model.Result{}
		}
	case model.Broken:
		if t, ok := x.b.(brokenTeller); ok {
			return boolResult(t.Broken())
		}
	case model.NWaiting:
		if t, ok := x.b.(waitingTeller); ok {
			return model.Result{Int: t.Waiting()}
		}
	}
	return unsupported(model.Barrier, op)
}

// barrierIndices is the go dialect's index invariant (G18): every index a
// wait returns is in [0, parties), and the indices of one cycle are
// distinct. A history does not say which cycle a wait belonged to, so the
// invariant checks what every linearization implies:
//
//   - A cycle trips at one point, inside the call of each of its parties
//     (each called before the trip and returns after it) and in particular
//     inside its tripping party's call, which returns parties-1 (a released
//     party gets less). So for each index i, the waits that returned i and
//     lie wholly within a stretch of the history, being in distinct cycles,
//     are at most as many as the trips within that stretch, which are at
//     most the calls that returned parties-1 overlapping the stretch (or
//     never returned, if the history was cut).
//   - Every cycle that trips releases one party of each index, and a
//     released party returns its index (G18), so over a whole history
//     every index is returned as often as parties-1, up to the waits that
//     never returned.
func barrierIndices(h []history.Event, p model.Params, d model.Dialect, name func(int) string) (int, string) {
	if d != model.Go {
		return -1, "" // asyncio's index is count at entry: it can repeat (gh-155233)
	}
	parties := p["parties"]
	type wait struct{ call, ret, index int }
	var waits []wait // returned ok, with their call and return positions
	open := map[int]int{}
	var unreturned []int // calls of waits that never returned
	for i, e := range h {
		if e.Op.Kind != model.Wait {
			continue
		}
		switch e.Kind {
		case history.Call:
			open[e.Task] = i
		case history.Return:
			c := open[e.Task]
			delete(open, e.Task)
			if e.Result.Err != model.OK {
				continue
			}
			if e.Result.Int < 0 || e.Result.Int >= parties {
				return i, fmt.Sprintf("%s's wait returned index %d at step %d in a barrier of %d parties", name(e.Task), e.Result.Int, i+1, parties)
			}
			waits = append(waits, wait{c, i, e.Result.Int})
		}
	}
	for _, c := range open {
		unreturned = append(unreturned, c)
	}
	// trippers counts the calls that may have tripped a cycle inside
	// [a, b]: those that returned parties-1 overlapping it, and those that
	// never returned and began before b.
	trippers := func(a, b int) int {
		n := 0
		for _, w := range waits {
			if w.index == parties-1 && w.call <= b && w.ret >= a {
				n++
			}
		}
		for _, c := range unreturned {
			if c <= b {
				n++
			}
		}
		return n
	}
	for _, x := range waits {
		if x.index == parties-1 {
			continue
		}
		for _, y := range waits {
			if y.index != x.index || y.ret < x.ret {
				continue
			}
			// The stretch from the earlier call to y's return.
			a, b := min(x.call, y.call), y.ret
			within := 0
			for _, w := range waits {
				if w.index == x.index && w.call >= a && w.ret <= b {
					within++
				}
			}
			if within > trippers(a, b) {
				return b, fmt.Sprintf("%d waits returned index %d within one stretch of the history that holds at most %d trips: an index repeated in a cycle",
					within, x.index, trippers(a, b))
			}
		}
	}
	count := make([]int, parties)
	for _, w := range waits {
		count[w.index]++
	}
	for i := 0; i < parties-1; i++ {
		if diff := count[i] - count[parties-1]; diff > len(unreturned) || -diff > len(unreturned) {
			return len(h) - 1, fmt.Sprintf("index %d returned %d times but index %d (the tripping party's) %d times: a cycle tripped short of %d parties, or released a party twice",
				i, count[i], parties-1, count[parties-1], parties)
		}
	}
	return -1, ""
}
