package explore

import (
	"sync"
	"sync/atomic"

	"github.com/syncheck/syncheck/check/internal/scheduler"
)

// Shard is one part of a search split across processes or machines: of
// the search's programs (numbered 0, 1, 2, ... in the order a whole search
// explores them), shard K of N takes those whose number is K-1 modulo N,
// in order, and an execution budget of as many judged executions as it
// has programs among the first Budget.Executions. The N shards together
// explore disjoint programs and judge exactly the budget; with a strategy
// that judges one execution per program (all but Exhaustive) they explore
// exactly the programs one whole search would, and the failure of the
// lowest program number among them is the one it would find.
type Shard struct {
	K, N int
}

// whole reports whether s is the whole search.
func (s Shard) whole() bool { return s.N <= 1 }

// index is the number of the j'th program (from 0) of the shard.
func (s Shard) index(j uint64) uint64 {
	if s.whole() {
		return j
	}
	return uint64(s.K-1) + j*uint64(s.N)
}

// Share is the shard's part of a budget of n executions: the number of
// program numbers below n that are its own.
func (s Shard) Share(n int) int {
	if s.whole() || n <= 0 {
		return n
	}
	if n < s.K {
		return 0
	}
	return (n-s.K)/s.N + 1
}

// programRun is one program explored by a worker of a parallel search,
// kept until it is committed in program order.
type programRun struct {
	j     uint64 // the program's place in this search (from 0)
	index uint64 // its number in the whole search (Shard.index)
	seed  uint64
	prog  Program
	o     outcome
	marks []judgeMark
	draws []int
	cut   bool // stopped early (the deadline, or the search ended)
	// skipped: not run, the programs before it filling the budget (the
	// committer never reaches it: the budget is spent first).
	skipped bool
	// panicked is what the worker's exploration panicked with (a bug of
	// the checker's), re-raised on Run's goroutine.
	panicked any
}

// judgeMark is what one judged execution adds to the search's counts: the
// runs of the program so far (Exhaustive re-runs schedules it has judged)
// and its wake-window cancels.
type judgeMark struct {
	runs, windowCancels int
	inconclusive        bool
}

// searchParallel is Run's search with workers exploring programs at the
// same time. Each worker explores whole programs on its own copy of the
// property; their results are committed in program order into rec,
// exactly as the one-worker loop would have counted them: a program that
// the budget cuts short is committed up to the execution where the
// one-worker search would have stopped (a failure after that point is
// not one), and the first failure ends the commits. So the result, the
// counterexample included, is the same for every number of workers; with
// a time budget only what the time allows differs, as it does between
// two one-worker runs.
func (p *prop) searchParallel(workers int, seed uint64, shard Shard) {
	rec := p.rec
	var (
		next    atomic.Uint64 // the next program to hand out
		stopAt  atomic.Uint64 // programs from this one on are not needed
		results = make(chan *programRun, workers)
		wg      sync.WaitGroup
		// ahead bounds the programs run but not committed yet, so that a
		// worker stuck on a long program does not leave the others to
		// pile up results behind it.
		ahead = make(chan struct{}, 16*workers)
		// committed and wantA are the committer's counts (schedules
		// committed, the next program to commit), for workers to stop a
		// program that can no longer fit in the budget: each program
		// before it judges at least one schedule. The committer raises
		// wantA before committed, and workers load committed first, so
		// that a worker may miss a commit but never counts one twice.
		committed atomic.Int64
		wantA     atomic.Uint64
		budget    = int64(rec.budget.Executions)
		// judging holds, for each program run but not committed, the
		// executions it has judged so far (slot j mod its length: at most
		// cap(ahead) programs are run and not committed, so a program
		// keeps its slot until it is committed). A program before j will
		// be counted with at least what it has judged, and at least 1.
		judging = make([]progressSlot, cap(ahead))
	)
	stopAt.Store(^uint64(0))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := *p
			for {
				ahead <- struct{}{}
				j := next.Add(1) - 1
				if j >= stopAt.Load() {
					<-ahead
					return
				}
				wrec := &recorder{start: rec.start, deadline: rec.deadline, trace: true,
					stop: func() bool { return j >= stopAt.Load() }}
				if budget > 0 {
					slot := &judging[j%uint64(len(judging))]
					slot.claim(j)
					wrec.full = func(judged int) bool {
						slot.n.Store(int64(judged))
						c := committed.Load()
						sum := c + int64(judged)
						for i := wantA.Load(); i < j; i++ {
							sum += judging[i%uint64(len(judging))].atLeast(i)
						}
						return sum >= budget
					}
					if wrec.full(0) {
						// The programs before it fill the budget: one
						// worker would never start it. (Its result is
						// still sent, empty, for the committer to count
						// it off.)
						results <- &programRun{j: j, index: shard.index(j), skipped: true}
						continue
					}
				}
				w.rec = wrec
				pr := &programRun{j: j, index: shard.index(j)}
				pr.seed = ProgramSeed(seed, pr.index)
				func() {
					defer func() {
						if r := recover(); r != nil {
							pr.panicked = r
						}
					}()
					src := &scheduler.Recorder{Src: scheduler.NewPCG(pr.seed)}
					pr.prog = w.gen(src)
					pr.o = w.explore(&pr.prog, src)
					pr.marks, pr.draws = wrec.marks, src.Draws
					pr.cut = wrec.cut
				}()
				results <- pr
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	pending := map[uint64]*programRun{}
	want := uint64(0) // the next program to commit
	done := false
	var panicked any
	for pr := range results {
		if done {
			<-ahead
			continue
		}
		pending[pr.j] = pr
		for !done {
			pr, ok := pending[want]
			if !ok {
				break
			}
			delete(pending, want)
			<-ahead
			if !rec.begin() {
				done = true
				break
			}
			if pr.skipped {
				done = true // unreachable: begin reported the budget spent
				break
			}
			if pr.panicked != nil {
				// Where one worker would have panicked: re-raised
				// once the others are stopped.
				panicked, done = pr.panicked, true
				break
			}
			done = rec.commit(pr)
			want++
			wantA.Store(want)
			committed.Store(int64(rec.schedules))
		}
		if done {
			stopAt.Store(want)
			for range pending {
				<-ahead
			}
			clear(pending)
		}
	}
	if panicked != nil {
		panic(panicked)
	}
}

// progressSlot is a program's judged executions so far, for the workers
// of the programs after it (searchParallel's judging).
type progressSlot struct {
	id atomic.Uint64 // the program's number + 1; 0 while the slot changes hands
	n  atomic.Int64
}

// claim makes the slot program j's, with nothing judged.
func (s *progressSlot) claim(j uint64) {
	s.id.Store(0)
	s.n.Store(0)
	s.id.Store(j + 1)
}

// atLeast is how many executions program i will be counted with at
// least: what the slot says it has judged, when the slot is i's on both
// sides of the read (else, or none yet, 1: every program judges one).
func (s *progressSlot) atLeast(i uint64) int64 {
	id1 := s.id.Load()
	n := s.n.Load()
	if id1 == i+1 && s.id.Load() == i+1 && n > 1 {
		return n
	}
	return 1
}

// commit adds a program explored by a worker to the search's counts, as
// the one-worker search would have: up to the budget, the program's
// failure only if it came within it. It reports whether the search ends
// here.
func (r *recorder) commit(pr *programRun) (end bool) {
	o, marks := pr.o, pr.marks
	if r.budget.Executions > 0 {
		if left := r.budget.Executions - r.schedules; len(marks) >= left {
			if len(marks) > left {
				o.fail, o.ex = nil, nil // beyond the budget: not judged
			}
			marks = marks[:left]
			o.cov.Exhausted = false
			if left > 0 {
				o.cov.Executions = marks[left-1].runs
			} else {
				o.cov.Executions = 0
			}
			o.cov.Schedules = left
		}
	}
	for _, m := range marks {
		r.schedules++
		r.windowCancels += m.windowCancels
		if m.inconclusive {
			r.inconclusive++
		}
	}
	r.progSeed, r.progIndex = pr.seed, pr.index
	r.end(&pr.prog, o)
	r.draws = pr.draws
	return r.first != nil || pr.cut || r.spent()
}
