package stress

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/report"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// Search configures Run: the programs, the budget, the minimization.
type Search struct {
	Config
	Gen  explore.GenConfig
	Seed uint64
	// Program, when set, is run every time instead of generated programs
	// (a scenario's, explore.ProgramOf): the runs differ in their timing,
	// cancel delays and yields only.
	Program *explore.Program
	// Budget bounds the search (not the minimization); zero: 1,000 runs.
	Budget explore.Budget
	// Attempts is how many times a smaller candidate program is run before
	// it is given up as passing (default 200); Repro how many runs of the
	// minimized program measure its reproduction rate (default 1,000).
	// MinimizeTime bounds both together (default 10 s; negative: neither).
	Attempts, Repro int
	MinimizeTime    time.Duration
	// Progress, when set, is called after every run of the search.
	Progress func(programs, runs int)
}

// Counterexample is a failing program, with the run that failed.
type Counterexample struct {
	Program explore.Program
	Run     *Execution
	Failure *explore.Failure
}

// Result is what Run found.
type Result struct {
	Seed uint64
	// Programs and Runs count the search (one run per program); Cancels
	// the cancels delivered to calls in flight; Settled the runs that
	// ended with calls blocked that the model lets wait.
	Programs, Runs, Cancels, Settled int
	Elapsed                          time.Duration
	// Found is the first failure; FoundAfter the runs up to and including
	// it.
	Found      *Counterexample
	FoundAfter int
	// Minimal is Found minimized (tasks, calls, cancels removed and
	// arguments lowered while the smaller program still fails at least
	// once in Attempts runs, with the same property); it reproduced in
	// Reproduced of Attempted runs.
	Minimal               *Counterexample
	Reproduced, Attempted int
	MinimizeRuns          int
	MinimizeTime          time.Duration
}

// Failed reports whether Run found a failure.
func (r *Result) Failed() bool { return r.Found != nil }

// Run generates programs for target and runs each once in stress mode,
// until the budget is spent or a run fails; then it minimizes the failing
// program and measures how often the minimal one fails.
func Run(target harness.Target, s Search) Result {
	s.Config = s.Config.withDefaults()
	if s.Budget.Executions <= 0 && s.Budget.Time <= 0 {
		s.Budget.Executions = 1000
	}
	if s.Attempts <= 0 {
		s.Attempts = 200
	}
	if s.Repro <= 0 {
		s.Repro = 1000
	}
	if s.MinimizeTime == 0 {
		s.MinimizeTime = 10 * time.Second
	}
	if s.Seed == 0 {
		s.Seed = uint64(time.Now().UnixNano())
	}
	gen := explore.Gen(target.Primitive, genConfig(target, s))
	res := Result{Seed: s.Seed}
	start := time.Now()
	var deadline time.Time
	if s.Budget.Time > 0 {
		deadline = start.Add(s.Budget.Time)
	}
	for i := uint64(0); ; i++ {
		if s.Budget.Executions > 0 && res.Runs >= s.Budget.Executions {
			break
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			break
		}
		seed := explore.ProgramSeed(s.Seed, i)
		var prog explore.Program
		if s.Program != nil {
			prog = explore.Clone(s.Program)
		} else {
			prog = gen(scheduler.NewPCG(seed))
		}
		if s.Program == nil && explore.WaitForRacy(&prog) {
			continue
		}
		ex, f := Execute(target, &prog, seed, s.Config)
		res.Programs++
		res.Runs++
		res.Cancels += ex.Cancels
		if ex.Ending == Settled {
			res.Settled++
		}
		if s.Progress != nil {
			s.Progress(res.Programs, res.Runs)
		}
		if f != nil {
			res.Found = &Counterexample{Program: prog, Run: ex, Failure: f}
			res.FoundAfter = res.Runs
			break
		}
	}
	res.Elapsed = time.Since(start)
	if res.Found == nil {
		return res
	}
	res.Minimal = res.Found
	if s.MinimizeTime > 0 {
		m := &minimizer{target: target, s: &s, prop: res.Found.Failure.Property, deadline: time.Now().Add(s.MinimizeTime)}
		mstart := time.Now()
		res.Minimal = m.minimize(res.Found)
		// The reproduction rate, with what is left of the time (at least a
		// tenth of it, so that the rate is measured at all).
		m.deadline = later(m.deadline, time.Now().Add(s.MinimizeTime/10))
		res.Reproduced, res.Attempted, _ = m.rate(&res.Minimal.Program, s.Repro)
		res.MinimizeRuns, res.MinimizeTime = m.runs, time.Since(mstart)
	}
	return res
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

type minimizer struct {
	target   harness.Target
	s        *Search
	prop     judge.Property
	deadline time.Time
	runs     int
	seed     uint64
}

// fails runs prog up to n times and returns the first failure of the
// property being minimized.
func (m *minimizer) fails(prog *explore.Program, n int) *Counterexample {
	for k := 0; k < n && time.Now().Before(m.deadline); k++ {
		m.seed++
		m.runs++
		ex, f := Execute(m.target, prog, explore.ProgramSeed(m.s.Seed^0xface, m.seed), m.s.Config)
		if f != nil && f.Property == m.prop {
			return &Counterexample{Program: *prog, Run: ex, Failure: f}
		}
	}
	return nil
}

// rate runs prog n times (while time is left) and counts its failures of
// the property.
func (m *minimizer) rate(prog *explore.Program, n int) (failed, runs int, last *Counterexample) {
	for k := 0; k < n && time.Now().Before(m.deadline); k++ {
		m.seed++
		m.runs++
		runs++
		ex, f := Execute(m.target, prog, explore.ProgramSeed(m.s.Seed^0xface, m.seed), m.s.Config)
		if f != nil && f.Property == m.prop {
			failed++
			last = &Counterexample{Program: *prog, Run: ex, Failure: f}
		}
	}
	return failed, runs, last
}

// minimize removes tasks, calls and cancels, and simplifies calls, one at a
// time, keeping a smaller program when it fails at least once in Attempts
// runs; greedy, until no candidate fails or the time is up.
func (m *minimizer) minimize(c *Counterexample) *Counterexample {
outer:
	for time.Now().Before(m.deadline) {
		for _, cand := range smaller(&c.Program) {
			if explore.WaitForRacy(&cand) || cand.Validate() != nil {
				continue
			}
			if f := m.fails(&cand, m.s.Attempts); f != nil {
				c = f
				continue outer
			}
			if !time.Now().Before(m.deadline) {
				break outer
			}
		}
		break
	}
	return c
}

// smaller lists the programs one step smaller than p: a task removed, a
// call removed, a cancel removed, a call simplified.
func smaller(p *explore.Program) []explore.Program {
	var out []explore.Program
	if len(p.Tasks) > 1 {
		for i := range p.Tasks {
			out = append(out, explore.WithoutTask(p, i))
		}
	}
	for i, t := range p.Tasks {
		if len(t.Ops) < 2 {
			continue
		}
		for j := range t.Ops {
			q, _ := explore.WithoutCall(p, i, j)
			out = append(out, q)
		}
	}
	for k := range p.Cancels {
		q := explore.Clone(p)
		q.Cancels = slices.Delete(q.Cancels, k, k+1)
		out = append(out, q)
	}
	for i, t := range p.Tasks {
		for j, op := range t.Ops {
			for _, lo := range explore.LowerOp(op) {
				q := explore.Clone(p)
				q.Tasks[i].Ops[j] = lo
				out = append(out, q)
			}
		}
	}
	return out
}

// Report writes c for people: the property, the program (a scenario
// without steps, its cancels as comments), the history of the failing run
// with its timestamps, and how often it reproduces.
func Report(c *Counterexample, reproduced, attempted int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "property violated: %s\n  %s\n", c.Failure.Property, c.Failure.Message)
	for _, v := range c.Failure.Verdicts {
		if v.Status == judge.Fail && v.Property == c.Failure.Property {
			if v.Expected != "" {
				fmt.Fprintf(&b, "  the model allows instead: %s\n", v.Expected)
			}
			for _, s := range v.States {
				fmt.Fprintf(&b, "  a model state there: %s\n", s)
			}
		}
	}
	if p := c.Run.Panic; p != nil {
		fmt.Fprintf(&b, "  where it panicked:\n%s", indent(report.UserFrames([]byte(p.Stack)), "    "))
	}
	fmt.Fprintf(&b, "\ncounterexample (stress mode): %d tasks, %d calls, %d cancels", len(c.Program.Tasks), c.Program.NumOps(), len(c.Program.Cancels))
	if len(c.Program.Cancels) > 0 {
		b.WriteString(" (each delivered at a random moment once its call has started)")
	}
	b.WriteString("\n")
	if attempted > 0 {
		fmt.Fprintf(&b, "reproduces in %d of %d runs (real scheduling: a stress run is not a pure function of its seed)\n", reproduced, attempted)
	}
	fmt.Fprintf(&b, "\n%s\n", indent(c.Program.String(), "  "))
	fmt.Fprintf(&b, "the failing run (%s, %v", c.Run.Ending, c.Run.Elapsed.Round(time.Microsecond))
	if c.Run.Gosched {
		b.WriteString(", with runtime.Gosched between calls")
	}
	b.WriteString("), its history in real time:\n\n")
	report.Table(&b, &c.Program, c.Run.History)
	if len(c.Run.Open) > 0 {
		var names []string
		for _, t := range c.Run.Open {
			names = append(names, c.Program.Tasks[t].Name)
		}
		fmt.Fprintf(&b, "\nstill in a call at the end: %s\n", strings.Join(names, ", "))
	}
	return b.String()
}

func indent(s, pre string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pre + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

// Property is the stress-mode property for rapid: it draws a program (Gen,
// through explore.RapidSource, so rapid shrinks it), runs it once on real
// goroutines and fails with the property and its message when the run
// fails. A failing case reproduces only as often as its timing does.
func Property(target harness.Target, s Search) func(*rapid.T) {
	s.Config = s.Config.withDefaults()
	gen := explore.Gen(target.Primitive, genConfig(target, s))
	return func(t *rapid.T) {
		prog := gen(explore.RapidSource(t, "program"))
		if explore.WaitForRacy(&prog) {
			return
		}
		ex, f := Execute(target, &prog, s.Seed^uint64(prog.NumOps()), s.Config)
		if f != nil {
			t.Logf("%s", Report(&Counterexample{Program: prog, Run: ex, Failure: f}, 0, 0))
			t.Fatal(string(f.Property) + ": " + f.Message)
		}
	}
}

// genConfig is s.Gen with the target's ops that the dialect has.
func genConfig(target harness.Target, s Search) explore.GenConfig {
	g := s.Gen
	if g.Ops == nil {
		g.Ops = target.Ops
	}
	desc := model.Describe(target.Primitive)
	g.Ops = slices.DeleteFunc(slices.Clone(g.Ops), func(k model.Kind) bool {
		o, ok := desc.Op(k)
		return ok && !o.In(s.Dialect)
	})
	return g
}
