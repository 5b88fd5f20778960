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

// Recorded is a Source that returns recorded draws in order (reduced modulo
// n, so that a shrunk or edited list stays valid), then zeros.
type Recorded struct {
	Draws []int
	next  int
}

// Intn returns the next recorded draw.
func (r *Recorded) Intn(n int) int {
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

// Uniform returns the strategy that picks uniformly among the enabled
// choices (a task's grant and its cancel are two of them).
//
// The draw k is mapped to a choice by counting cyclically from the task
// that ran last: k = 0 keeps running the same task when it can. The
// distribution is uniform either way, but a source that shrinks its draws
// toward 0 (rapid) then shrinks toward fewer context switches.
func Uniform(src Source) Strategy { return &random{src: src, last: -1} }

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
