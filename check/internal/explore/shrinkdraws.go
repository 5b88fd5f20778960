package explore

import "github.com/syncheck/syncheck/check/internal/scheduler"

// Shrinking the draws, as rapid and Hypothesis do: a program and its
// schedules are a pure function of the numbers drawn from the Source, so a
// failure shrinks by editing the recorded draws (deleting runs of them,
// zeroing them, lowering them) and replaying the edited list: the program
// is drawn again from it (sizes and fragments drawn small-first, so a lower
// draw is a smaller program) and its schedules explored with the strategy
// drawing from what follows. An edit is kept when the replay fails with a
// smaller counterexample, or one of the same size drawn from a shortlex
// smaller list; the order is well founded, so shrinking ends.

// drawn is a counterexample with the draws that produce it.
type drawn struct {
	c     *Counterexample
	draws []int
}

func (p *prop) shrinkDraws(best drawn) drawn {
	for improved := true; improved && !p.rec.spent(); {
		improved = false
		for _, k := range []int{8, 4, 2, 1} {
			for i := len(best.draws) - k; i >= 0 && !p.rec.spent(); i-- {
				if i+k > len(best.draws) {
					continue
				}
				cand := append(append([]int(nil), best.draws[:i]...), best.draws[i+k:]...)
				if d, ok := p.tryDraws(cand, best); ok {
					best, improved = d, true
				}
			}
		}
		for i := len(best.draws) - 1; i >= 0 && !p.rec.spent(); i-- {
			if i >= len(best.draws) {
				continue
			}
			v := best.draws[i]
			for _, lower := range []int{0, v / 2, v - 1} {
				if lower < 0 || lower >= v {
					continue
				}
				cand := append([]int(nil), best.draws...)
				cand[i] = lower
				if d, ok := p.tryDraws(cand, best); ok {
					best, improved = d, true
					break
				}
			}
		}
	}
	return best
}

// tryDraws replays draws and reports the counterexample they give when it
// is smaller than best.
func (p *prop) tryDraws(draws []int, best drawn) (drawn, bool) {
	src := &scheduler.Recorder{Src: &scheduler.Recorded{Draws: draws}}
	prog := p.gen(src)
	if WaitForRacy(&prog) {
		return drawn{}, false
	}
	limit := sizeOf(best.c)
	size := Size{Tasks: len(prog.Tasks), Ops: prog.NumOps()}
	if limit.Less(size) {
		return drawn{}, false
	}
	accept := func(ex *Execution, _ *Failure) bool {
		size.Preemptions = ex.Preemptions
		return !limit.Less(size)
	}
	o := p.exploreWith(p.cfg.Strategy, &prog, src, accept)
	if o.fail == nil {
		return drawn{}, false
	}
	if !size.Less(limit) && !shortlexLess(src.Draws, best.draws) {
		return drawn{}, false
	}
	return drawn{newCounterexample(&prog, o.fail, o.ex), src.Draws}, true
}

func shortlexLess(a, b []int) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}
