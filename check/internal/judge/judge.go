// Package judge decides whether one recorded execution is correct with
// respect to the reference model: linearizability (porcupine),
// quiescence (lost wakeups and deadlocks at the end of a run), invariants
// stated by the model, and FIFO fairness. Each judge gives its own verdict
// with a one-sentence message.
//
// # How a history is checked
//
// A call [c, r] of the history is two porcupine operations confined to its
// interval: enter (the model's Invoke: the call registers, or completes at
// once and its result is kept until the exit) and exit (its result, from a
// Resume that completes the call or from the result kept at the enter). The
// model orders them per task. A call still in flight at the end has an
// optional enter and an optional exit with any result. A cancel is an
// instantaneous operation at its index: the model's Cancel if the call
// registered, else a done context for its enter (G2). The internal
// transitions the history does not show (a Condition waiter that wakes and
// queues again on the lock, a wait_for whose predicate is still false) are
// an epsilon closure: porcupine's states are sets of configurations (model
// state plus per-task bookkeeping) closed under them, interned by
// Model.Key plus the bookkeeping.
//
// Quiescence is one more operation, after everything, in the same search:
// every task parked in the implementation must be registered and Waiting
// in the model, every other task idle. Fairness is the same search again
// with each blocking call's enter confined to [call, park] (Input.Parks,
// the registration points): the model's FIFO queues then follow the order
// in which the waiters really queued, and a newcomer served ahead of a
// granted or earlier waiter no longer linearizes. Invariant reads the
// history directly. Failures are explained by a replay (the same search,
// breadth first) that yields the model states at every event.
package judge

import (
	"time"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

// Input is one execution to judge.
type Input struct {
	Primitive model.Primitive
	Dialect   model.Dialect
	Params    model.Params
	// Tasks is the number of tasks; their names (for messages) are Names.
	Tasks int
	Names []string
	// History is every call, return and cancel, in the global order the
	// controlled scheduler imposed.
	History []history.Event
	// Quiescent: the run ended with nothing enabled. Parked then lists the
	// tasks parked inside a call. When the run ended otherwise (all done,
	// or cut at a step bound), Quiescent is false.
	Quiescent bool
	Parked    []int
	// Parks are the registration points of the blocking calls: for every
	// call that parked inside the implementation, where it first parked.
	// A task parks only after it has registered (queued its waiter record),
	// so the call's enter is confined to [call, park] and its exit to
	// [park, return]. The Fairness judge uses them (registration order is
	// what FIFO is about); Linearizability and Quiescence do not.
	// ParksKnown says Parks is complete (NewInput sets both); without it
	// Fairness is Skipped.
	Parks      []history.Park
	ParksKnown bool
	// Invariants says which history invariants hold for the primitive
	// (its check-side descriptor's); the zero value checks none.
	Invariants history.Invariants
}

// Property names what a verdict is about.
type Property string

const (
	Linearizability Property = "linearizability"
	Quiescence      Property = "quiescence"
	Invariant       Property = "invariant"
	Fairness        Property = "fairness"
)

// Status is a verdict's answer.
type Status uint8

const (
	Pass Status = iota
	Fail
	// Inconclusive: the judge could not decide (porcupine's Unknown, a
	// timeout, a malformed input). Never reported as a pass.
	Inconclusive
	// Skipped: the judge does not apply to this execution (Message says
	// why): Quiescence of a run cut with calls in flight, Quiescence and
	// Fairness of a history that is not linearizable at all, Fairness
	// without park points.
	Skipped
)

func (s Status) String() string {
	return [...]string{"pass", "fail", "inconclusive", "skipped"}[s]
}

// Verdict is one judge's answer.
type Verdict struct {
	Property Property
	Status   Status
	// Message says in one sentence what went wrong ("" on Pass).
	Message string
	// Expected says what the model allowed instead, when that is known.
	Expected string
	// At is the index in History where it went wrong, or -1. Messages
	// number events from 1: "step N" is History[N-1].
	At int
	// Tasks are the tasks it blames, for reports to mark: the one whose
	// return the model does not allow, the ones parked forever. Nil when
	// it names none (or the task of History[At] is the one).
	Tasks []int
	// States describes (with the tasks' names) the model states still
	// possible where it went wrong: before the event At for
	// Linearizability and Fairness, at the end for Quiescence. Empty when
	// there is nothing to show.
	States []string
}

// Options tune the judges.
type Options struct {
	// Timeout bounds the linearizability search (default 1s).
	Timeout time.Duration
}
