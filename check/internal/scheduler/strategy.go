package scheduler

import (
	"fmt"
	"math/rand/v2"
)

// Source is where a strategy draws every choice from: Intn returns a number
// in [0, n), n >= 1. A run is a pure function of the program and of what its
// source returns, so a seeded source makes it a function of the seed, and a
// recorded one replays it exactly.
type Source interface {
	Intn(n int) int
}

// PCG is a seeded Source (math/rand/v2's PCG).
type PCG struct {
	r *rand.Rand
}

// NewPCG returns a Source seeded with seed.
func NewPCG(seed uint64) *PCG {
	return &PCG{r: rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))}
}

// Intn returns a uniform number in [0, n).
func (p *PCG) Intn(n int) int { return p.r.IntN(n) }

// Recorder is a Source that records what another Source returned.
type Recorder struct {
	Src   Source
	Draws []int
}

// Intn draws from r.Src and records the result.
func (r *Recorder) Intn(n int) int {
	v := r.Src.Intn(n)
	r.Draws = append(r.Draws, v)
	return v
}

// Replay is a Source that returns recorded draws in order (reduced modulo
// n, so that a shrunk or edited list stays valid), then zeros.
type Replay struct {
	Draws []int
	next  int
}

// Intn returns the next recorded draw.
func (r *Replay) Intn(n int) int {
	if r.next >= len(r.Draws) {
		return 0
	}
	v := r.Draws[r.next]
	r.next++
	if v < 0 {
		v = -v
	}
	return v % n
}

// Strategy picks the next step.
type Strategy interface {
	// Choose returns the index, in enabled, of the choice to take next.
	// enabled is non-empty, in Enabled's order, and valid only during the
	// call. Run calls Choose for every step, even when there is a single
	// choice; a strategy should not draw from its source then.
	Choose(enabled []Choice) int
}

// Random returns the strategy that picks uniformly among the enabled
// choices (a task's grant and its cancel are two of them).
//
// The draw k is mapped to a choice by counting cyclically from the task
// that ran last: k = 0 keeps running the same task when it can. The
// distribution is uniform either way, but a source that shrinks its draws
// toward 0 (rapid) then shrinks toward fewer context switches.
func Random(src Source) Strategy { return &random{src: src, last: -1} }

type random struct {
	src  Source
	last TaskID
}

func (r *random) Choose(en []Choice) int {
	n := len(en)
	if n == 1 {
		r.last = en[0].Task
		return 0
	}
	k := r.src.Intn(n)
	// start: the first choice of the last task, or of the next task after
	// it (cyclically) when it is not enabled.
	start := 0
	for i, c := range en {
		if c.Task >= r.last {
			start = i
			break
		}
	}
	i := (start + k) % n
	r.last = en[i].Task
	return i
}

// PCT returns the probabilistic concurrency testing strategy of Burckhardt,
// Kothari, Musuvathi and Nagarakatte (ASPLOS 2010) for bug depth depth >= 1,
// about steps steps per run and tasks tasks:
//
//   - the tasks get distinct random initial priorities depth, ...,
//     depth+tasks-1;
//   - depth-1 priority change points k_1 .. k_{depth-1} are drawn in
//     [1, steps] (distinct when steps allows);
//   - every step runs the enabled task of highest priority, and the task
//     that runs step k_i gets priority i, lower than every initial one.
//
// For a program of n tasks and at most k steps, each run finds any given bug
// of depth d (d ordering constraints between steps) with probability at
// least 1/(n * k^(d-1)). A bug that needs one preemption has depth 2; the
// wake window (grant, then cancel before the waiter resumes) is typically
// depth 2 or 3.
//
// A task in Park that is both woken and cancelled offers two choices: they
// share the task's priority, and the source picks between them. A task
// spawned beyond the first tasks gets a priority below every initial one
// and above every change point (later ones lower).
func PCT(src Source, depth, steps, tasks int) Strategy {
	if depth < 1 {
		depth = 1
	}
	if steps < 1 {
		steps = 1
	}
	if tasks < 1 {
		tasks = 1
	}
	p := &pct{src: src, prio: make([]int, tasks)}
	// Initial priorities: a random permutation (Fisher-Yates) above every
	// other kind of priority.
	for i := range p.prio {
		p.prio[i] = pctInitial + i
	}
	for i := tasks - 1; i > 0; i-- {
		j := src.Intn(i + 1)
		p.prio[i], p.prio[j] = p.prio[j], p.prio[i]
	}
	p.change = make([]int, depth-1)
	for i := range p.change {
		// Distinct change points while there are enough steps: the j'th
		// step not taken yet, in one draw (never a retry, which a replayed
		// source would repeat forever).
		if steps < depth-1 {
			p.change[i] = 1 + src.Intn(steps)
			continue
		}
		j := src.Intn(steps - i)
		for k := 1; ; k++ {
			if contains(p.change[:i], k) {
				continue
			}
			if j == 0 {
				p.change[i] = k
				break
			}
			j--
		}
	}
	return p
}

const (
	pctInitial = 1 << 30 // initial priorities: pctInitial + rank
	pctSpawned = 1 << 29 // tasks beyond the first: pctSpawned - (order)
)

type pct struct {
	src    Source
	prio   []int // by TaskID
	change []int // change[i] is the step that lowers its task to priority i+1
	step   int
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

func (p *pct) priority(t TaskID) int {
	for int(t) >= len(p.prio) {
		p.prio = append(p.prio, pctSpawned-len(p.prio))
	}
	return p.prio[t]
}

func (p *pct) Choose(en []Choice) int {
	p.step++
	best, bestPrio := 0, -1
	for i, c := range en {
		if pr := p.priority(c.Task); pr > bestPrio {
			best, bestPrio = i, pr
		}
	}
	// The task's second choice (grant, then cancel) follows its first.
	if best+1 < len(en) && en[best+1].Task == en[best].Task && p.src.Intn(2) == 1 {
		best++
	}
	for i, k := range p.change {
		if k == p.step {
			p.prio[en[best].Task] = i + 1
		}
	}
	return best
}

// Script returns the strategy that takes the given choices in order (a
// trace's, through Event.Choice, to replay it). It panics when a scripted
// choice is not enabled or the script is exhausted: the replay diverged.
func Script(choices []Choice) Strategy { return &script{choices: choices} }

type script struct {
	choices []Choice
	next    int
}

func (s *script) Choose(en []Choice) int {
	if s.next >= len(s.choices) {
		panic(fmt.Sprintf("scheduler: script exhausted after %d choices", len(s.choices)))
	}
	c := s.choices[s.next]
	s.next++
	for i, e := range en {
		if e == c {
			return i
		}
	}
	panic(fmt.Sprintf("scheduler: scripted choice %d (%+v) is not enabled (enabled: %v): the replay diverged", s.next-1, c, en))
}

// Choices returns the choices that replay trace.
func Choices(trace []Event) []Choice {
	cs := make([]Choice, len(trace))
	for i, e := range trace {
		cs[i] = e.Choice()
	}
	return cs
}
