// Package explore generates test programs, explores their schedules under
// the controlled scheduler, judges every execution against the model, and
// shrinks failures (see README.md, "How it checks").
//
// # Programs
//
// A Program is a primitive, its parameters (a semaphore's value, the number
// of Conditions sharing a Condition program's Lock), 1..4 tasks T1..Tn each
// making a short list of calls, and Cancels: Cancel{Task, Call} cancels the
// context of that call. Gen draws programs from a scheduler.Source (a
// seeded PCG in Run, rapid's stream under Property), sizes small-first:
// the parameters, the number of tasks, then each task as a list of
// fragments, the patterns users write, from the primitive's check-side
// descriptor (acquire/release pairs; for Condition acquire,wait,release /
// acquire,notify N,release / acquire,waitfor K,release / producers that add
// and notify; several Conditions over one Lock now and then; semaphore
// values 0..2), weighted toward meaningful programs with some misuse, and
// the task's cancels, mostly on its blocking calls, sometimes on any call,
// and now and then a call whose context is done from the start.
//
// # Actions, cancels, schedules
//
// A run is driven one Action at a time: the scheduler's enabled choices
// (run task T from its scheduling point to its next one; a parked task both
// woken and cancelled offers two: it sees the grant or the cancel) plus the
// deliverable cancels. A cancel becomes deliverable when its call starts
// and stays so until delivered, at most once; delivered while the call is
// in flight it cancels the call's context (wherever the task stands: before
// it parks, parked, or woken and not yet resumed, the wake window);
// delivered after the call returned it changes nothing (G1). The run ends
// when no action would change anything (every task done, or quiescent with
// only cancels of returned calls left), at MaxSteps (a livelock), or when a
// task panics. The Schedule (every action taken) replays the run exactly
// (RunSchedule); the Execution also has the scheduler's trace with the named
// points, the history, the preemptions and the cancels that landed in a
// wake window.
//
// A preemption is running another task while the one that ran last could
// go on; delivering a cancel is not one.
//
// # Strategies
//
// A Strategy explores a program's schedules through a Runner; every random
// decision comes from one scheduler.Source, so a run is a pure function of
// (program, source): with scheduler.NewPCG, of a seed; with
// RapidSource, of rapid's draws.
//
//   - Random: uniform over the enabled actions. A draw of 0 keeps the last
//     task running and delivers nothing, so rapid, shrinking draws toward
//     0, removes context switches and cancels.
//   - PCT(d): probabilistic concurrency testing with depth d, extended to
//     cancels (each delivered from a uniformly drawn step on). For n tasks
//     and k steps, one run finds a bug of depth d with probability at least
//     1/(n·k^(d-1)); see PCT.
//   - WakeWindow: Random for the tasks, but cancels and the wake window are
//     decided on purpose: when a parked task is seen woken, whether to hold
//     it back (others run meanwhile) and whether to deliver its call's
//     cancel now; when a task parks, whether to cancel it while it waits;
//     rarely a stray cancel anywhere. The default strategy.
//   - Exhaustive(k, max): every schedule with at most k preemptions, by
//     stateless depth-first search replaying prefixes, with the bound
//     raised from 0 (the first failure found has the fewest preemptions);
//     Coverage reports the schedules judged and whether the space was
//     exhausted.
//   - Mix: one of several strategies per program, drawn from the source.
//
// # The property, Run, shrinking
//
// Property(target, cfg) is a rapid property: it draws a program and its
// schedules, runs them, judges each execution with judge.Judge (scheduler
// verdicts first: a panic, a deadlock on the primitive's own mutex, a
// livelock), and fails with "property: message" when a verdict is Fail;
// Inconclusive verdicts are counted (Config.Stats), never failures. Use it
// with rapid.Check or rapid.MakeFuzz.
//
// Run(target, cfg, budget) is the loop for Verify and the command line,
// with no process-global state: the i'th program and its schedules are
// drawn from a PCG seeded with ProgramSeed(cfg.Seed, i), until the budget
// (executions and/or wall time) is spent or an execution fails. The failure
// is then shrunk: its recorded draws are edited (runs of them deleted,
// values zeroed and lowered) and replayed, as rapid and Hypothesis shrink;
// programs no larger than the best so far are searched for a smaller
// failure; then polish removes tasks, calls (one or two in a row),
// cancels, merges tasks (one task's calls inserted anywhere in another's),
// lowers arguments and parameters, trades calls for parameters (a
// release for a semaphore's initial permit), and for each candidate
// replays the adapted schedule or searches the candidate's schedules
// (exhaustively up to two preemptions, then WakeWindow samples), keeping
// any failing candidate that is smaller in (tasks, calls, preemptions);
// and the preemptions of the result are minimized by an exhaustive search
// of its program. The Result has the first failure as found (with the seed
// that reproduces it as a Run's first program), the minimal
// Counterexample, and what the search and the shrinking cost.
package explore
