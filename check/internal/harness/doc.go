// Package harness runs programs against implementations under the
// controlled scheduler (check/internal/scheduler) and against the reference models
// (model): the targets (the built-in primitives, mutants, a user's own),
// the harness that turns a program's tasks into scheduler tasks and records
// the history of calls, returns and cancels, and the scenario runner that
// follows a scenario's schedule in lockstep with the model.
package harness
