package explore

import (
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"pgregory.net/rapid"
)

// RapidSource returns a Source that draws every choice from t (as
// rapid.IntRange(0, n-1), labelled label), so that rapid records, replays
// and shrinks the schedule together with the rest of the test case. With
// Random, a draw of 0 keeps running the same task: rapid's shrinking toward
// 0 then removes context switches.
func RapidSource(t *rapid.T, label string) scheduler.Source {
	return &rapidSource{t: t, label: label}
}

type rapidSource struct {
	t     *rapid.T
	label string
	gens  []*rapid.Generator[int] // gens[n]: IntRange(0, n-1)
}

func (r *rapidSource) Intn(n int) int {
	for n >= len(r.gens) {
		r.gens = append(r.gens, nil)
	}
	g := r.gens[n]
	if g == nil {
		g = rapid.IntRange(0, n-1)
		r.gens[n] = g
	}
	return g.Draw(r.t, r.label)
}
