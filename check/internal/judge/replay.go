package judge

import (
	"slices"
	"time"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

// The replay is the same search as porcupine's, done breadth-first along
// the history (Knossos's "linear" strategy): it keeps every configuration
// reachable by some linearization of the events so far, linearizing the
// calls in flight just in time. It is exact and yields the set of model
// states at every event, which is what the messages need (what the model
// allowed instead, who had been granted since when). It runs only to
// explain a failure porcupine found.

type rkind uint8

const (
	rCall rkind = iota
	rReturn
	rCancel
	rPark
)

// rev is one event of the replay: a history event, or a registration
// point (strict only).
type rev struct {
	kind rkind
	task int
	call int // index into calls; -1 for a cancel of nothing
	at   int // history index; for a park, the history index it precedes
}

type replay struct {
	p        *prepared
	sp       *space
	strict   bool
	quiesce  bool
	anyCall  int // the call whose exit accepts any result (diagnosis), -1
	deadline time.Time
	active   []int  // per task: the call in flight (history), -1
	parkSeen []bool // per call: its registration point has passed
	evs      []rev
	steps    int
	timedOut bool
}

// replayResult is how a replay went.
type replayResult struct {
	ok       bool
	timedOut bool
	// fail is the index in evs of the event that left no configuration
	// (len(evs): the quiescence filter at the end); -1 when ok.
	fail int
	// before is the closed set just before the failing event (or, at the
	// end, before the quiescence filter); when ok, the final set.
	before []*cfg
	// lastWaiting[t] is the index in evs after which some configuration
	// last had t's call entered and Waiting, not woken since (anyUnwoken),
	// -1 if none since its call.
	lastWaiting []int
}

func newReplay(p *prepared, v variant, deadline time.Time) *replay {
	r := &replay{p: p, sp: newSpace(p), strict: v.strict && p.parks, quiesce: v.quiesce, anyCall: -1, deadline: deadline}
	r.active = make([]int, p.tasks)
	for i := range r.active {
		r.active[i] = -1
	}
	r.parkSeen = make([]bool, len(p.calls))
	// Merge the history with the registration points.
	var parks []rev
	if r.strict {
		for k := range p.calls {
			if c := &p.calls[k]; c.parkAt >= 0 {
				parks = append(parks, rev{kind: rPark, task: c.task, call: k, at: c.parkAt})
			}
		}
	}
	slices.SortStableFunc(parks, func(a, b rev) int { return a.at - b.at })
	pi := 0
	for i, e := range p.in.History {
		for ; pi < len(parks) && parks[pi].at <= i; pi++ {
			r.evs = append(r.evs, parks[pi])
		}
		ev := rev{task: e.Task, call: p.evCall[i], at: i}
		switch e.Kind {
		case history.Call:
			ev.kind = rCall
		case history.Return:
			ev.kind = rReturn
		default:
			ev.kind = rCancel
		}
		r.evs = append(r.evs, ev)
	}
	for ; pi < len(parks); pi++ {
		r.evs = append(r.evs, parks[pi])
	}
	return r
}

// closeAll returns set closed under every move the calls in flight may
// make: enter, exit (with the result the call will return), and the silent
// resumes.
func (r *replay) closeAll(set []*cfg) []*cfg {
	s := r.sp
	s.epoch++
	out := make([]*cfg, 0, len(set)*2)
	for _, c := range set {
		if c.mark != s.epoch {
			c.mark = s.epoch
			out = append(out, c)
		}
	}
	var tmp []*cfg
	for i := 0; i < len(out); i++ {
		if r.steps++; r.steps&255 == 0 && !r.deadline.IsZero() && time.Now().After(r.deadline) {
			r.timedOut = true
			return out
		}
		c := out[i]
		tmp = tmp[:0]
		for _, k := range r.active {
			if k < 0 {
				continue
			}
			cl := &r.p.calls[k]
			strict := r.strict && cl.parkAt >= 0
			tmp = s.enterMoves(c, cl, strict, false, tmp)
			if !strict || r.parkSeen[k] {
				tmp = s.exitMoves(c, cl, cl.open() || k == r.anyCall, false, tmp)
			}
		}
		tmp = append(tmp, s.closure(c)[1:]...)
		for _, n := range tmp {
			if n.mark != s.epoch {
				n.mark = s.epoch
				out = append(out, n)
			}
		}
	}
	return out
}

// run replays the events before stop (len(evs) for all, then the
// quiescence filter if asked).
func (r *replay) run(stop int) replayResult {
	p := r.p
	res := replayResult{fail: -1, lastWaiting: make([]int, p.tasks)}
	for t := range res.lastWaiting {
		res.lastWaiting[t] = -1
	}
	set := r.closeAll([]*cfg{r.sp.init})
	for i := 0; i < stop && i < len(r.evs); i++ {
		ev := r.evs[i]
		var next []*cfg
		switch ev.kind {
		case rCall:
			r.active[ev.task] = ev.call
			res.lastWaiting[ev.task] = -1
			next = set
		case rCancel:
			if ev.call < 0 {
				next = set
				break
			}
			cl := &p.calls[ev.call]
			var tmp []*cfg
			for _, c := range set {
				tmp = r.sp.cancelMoves(c, cl, tmp)
			}
			next = tmp
		case rReturn:
			cl := &p.calls[ev.call]
			for _, c := range set {
				if st := c.ts[ev.task]; int(st.call) == cl.ord && st.exited {
					next = append(next, c)
				}
			}
			r.active[ev.task] = -1
		case rPark:
			cl := &p.calls[ev.call]
			for _, c := range set {
				if inFlight(c.ts[ev.task], cl.ord) {
					next = append(next, c)
				}
			}
			r.parkSeen[ev.call] = true
		}
		if len(next) == 0 {
			res.fail, res.before = i, set
			return res
		}
		set = r.closeAll(next)
		if r.timedOut {
			res.timedOut = true
			return res
		}
		for t, k := range r.active {
			if k >= 0 && anyUnwoken(set, t, p.calls[k].ord) {
				res.lastWaiting[t] = i
			}
		}
	}
	res.before = set
	if stop < len(r.evs) {
		return res
	}
	if r.quiesce {
		var next []*cfg
		for _, c := range set {
			if r.sp.quiet(c) {
				next = append(next, c)
			}
		}
		if len(next) == 0 {
			res.fail = len(r.evs)
			return res
		}
		res.before = next
	}
	res.ok = true
	return res
}

// anyWaiting reports whether some configuration has t's call ord entered
// and Waiting.
func anyWaiting(set []*cfg, t, ord int) bool {
	for _, c := range set {
		if inFlight(c.ts[t], ord) && c.m.Status(t) == model.Waiting {
			return true
		}
	}
	return false
}

// anyUnwoken reports whether some configuration has t's call ord entered,
// Waiting, and not woken since it registered.
func anyUnwoken(set []*cfg, t, ord int) bool {
	for _, c := range set {
		if st := c.ts[t]; inFlight(st, ord) && !st.woke && c.m.Status(t) == model.Waiting {
			return true
		}
	}
	return false
}

// historyAfter returns the history index of the first history event of
// evs after index i (-1 if none).
func (r *replay) historyAfter(i int) int {
	for j := i + 1; j < len(r.evs); j++ {
		if r.evs[j].kind != rPark {
			return r.evs[j].at
		}
	}
	return -1
}
