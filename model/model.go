// Package model holds the sequential reference models of the primitives: the
// executable specification that check judges implementations against.
//
// A model is a pure value: no goroutines, no time. Tasks are small integers.
// Every primitive is some state plus FIFO queues of waiter slots, one slot per
// blocked call, each WAITING, GRANTED (woken, owner has not resumed) or
// ABANDONED (cancelled while waiting; asyncio dialects only), as in
// specs/asyncio.md §1 and §11.
//
// Transitions are nondeterministic where the specification allows a choice
// (a Go waiter cancelled after it was granted may return success or the
// context's error): each transition returns every allowed successor, and the
// observed results select among them.
//
// Comments in this package cite the asyncio reference, specs/asyncio.md, by
// section as §N (§4 is Condition), its probes by ID (C1, L3, S6, ...; its
// §10), and the Go dialect's rules in specs/README.md as G1-G20.
//
// Dialects: go (the default) and CPython's asyncio-3.11 and asyncio-3.13
// for every primitive but Weighted, whose dialects are go and x/sync
// (golang.org/x/sync's semaphore.Weighted): Descriptor.Dialects says which
// a primitive has, and New refuses the others.
package model

import (
	"fmt"
	"slices"
)

// Primitive names a kind of primitive: "lock", "condition", ... Each one
// is described by its Descriptor (Describe), registered in Primitives.
type Primitive string

// Dialect selects whose semantics a model follows.
type Dialect string

const (
	// Go is syncheck's own semantics (specs/README.md, G1-G13), the default.
	Go Dialect = "go"
	// Asyncio311 is CPython 3.10.8-3.12 (3.11.7 probed): lost notification
	// on a cancelled notified Condition waiter, hand-off Semaphore with
	// chain wake, deferred BoundedSemaphore over-release detection.
	Asyncio311 Dialect = "asyncio-3.11"
	// Asyncio313 is CPython 3.13.0: Condition forwards a notification on any
	// exception (and so may wake spuriously); Semaphore batch-wakes.
	Asyncio313 Dialect = "asyncio-3.13"
	// XSync is golang.org/x/sync v0.24.0's semaphore.Weighted, as its
	// source behaves: the Weighted primitive only (specs/README.md, G20).
	XSync Dialect = "x/sync"
)

// Dialects lists the dialects every primitive has unless its descriptor
// names its own (Descriptor.Dialects: the Weighted semaphore has go and
// x/sync), the default first. A primitive's own list is
// Descriptor.AllDialects.
var Dialects = []Dialect{Go, Asyncio311, Asyncio313}

// Kind is an operation of a primitive's API, named as the scenario
// language writes it: "acquire", "notify", ... The kinds are declared with
// the primitive that introduces them (Acquire with Lock, Wait with Event,
// ...); a primitive's Descriptor lists the ones it has.
type Kind string

// Op is one call a task makes.
type Op struct {
	Kind Kind
	// Cond is the Condition the call is on (0-based), for Wait, WaitFor,
	// Notify and NotifyAll of a Condition program; 0 otherwise.
	Cond int
	// Arg is notify's n, waitfor's threshold, add's delta.
	Arg int
	// CtxDone: the call's context is already cancelled when the call starts.
	CtxDone bool
}

// Blocking reports whether the op can suspend (it takes a context).
func (o Op) Blocking() bool { return blocking[o.Kind] }

// Err is the outcome class of a call, named as the scenario language
// writes it: OK (the zero value, written "ok"), Cancelled, or a
// primitive's misuse error (NotLocked, ReleasedTooOften, ...), declared
// with the primitive that introduces it.
type Err string

const (
	OK        Err = ""          // the call succeeded
	Cancelled Err = "cancelled" // the call returned ctx.Err() (asyncio: CancelledError)
)

func (e Err) String() string {
	if e == OK {
		return "ok"
	}
	return string(e)
}

// Result is what a completed call returned.
type Result struct {
	Err Err
	// Bool is the answer of TryAcquire, Locked and IsSet.
	Bool bool
	// Int is the answer of Value.
	Int int
}

// Status is where a task stands in a model.
type Status uint8

const (
	// Idle: no call in flight; the task's next step invokes its next op.
	Idle Status = iota
	// Waiting: parked, and nothing would let it run yet.
	Waiting
	// Runnable: parked, but granted or cancelled: its next step resumes it.
	Runnable
)

func (s Status) String() string {
	return [...]string{"idle", "waiting", "runnable"}[s]
}

// Outcome is one allowed successor of a transition.
type Outcome struct {
	Next Model
	// Done: the task's call returned, with Result. Otherwise it is parked
	// (or stays parked) in Next.
	Done   bool
	Result Result
}

// Model is the sequential specification of one primitive instance: a Lock,
// Event, Semaphore or BoundedSemaphore, or one Lock together with the
// Conditions that share it. Models are immutable: transitions return fresh
// values and never modify the receiver.
type Model interface {
	Primitive() Primitive
	Dialect() Dialect
	// Key is a canonical encoding of the state: equal keys, equal states.
	Key() string
	// String describes the state for people: flags, queues, slot states.
	String() string
	// Status tells where task t stands.
	Status(t int) Status
	// Invoke: idle task t calls op. Exactly one outcome unless the
	// specification allows a choice; none if t is not idle.
	Invoke(t int, op Op) []Outcome
	// Cancel: the context of t's call in flight is cancelled. A no-op
	// (one outcome, unchanged state) when t has no call in flight: the
	// context of a call that returned is dead.
	Cancel(t int) []Outcome
	// Resume: runnable task t runs until its call returns or it parks again
	// (Waiting), or until it reaches the next internal phase of its call
	// while still running (Runnable: a Go WaitFor holding the lock between
	// two waits, where other tasks can observe it): a runner that wants
	// "until it returns or parks" resumes it again. None if t is not
	// runnable.
	Resume(t int) []Outcome
	// Check reports a broken invariant of the state (two holders, a permit
	// created or lost, ...), nil when the state is sound.
	Check() error
}

// Params are a model's construction parameters, by key ("value" of a
// Semaphore, "conditions" of a Condition): the keys its Descriptor's
// Params declare. A missing key takes its default.
type Params map[string]int

// New returns the initial state of primitive p under dialect d.
func New(p Primitive, d Dialect, params Params) (Model, error) {
	desc := Describe(p)
	if desc == nil {
		return nil, fmt.Errorf("unknown primitive %q (want one of %v)", p, Primitives)
	}
	if err := desc.CheckDialect(d); err != nil {
		return nil, err
	}
	full, err := desc.Complete(params)
	if err != nil {
		return nil, err
	}
	return withPendingCancels(desc.New(d, full)), nil
}

// known reports whether some primitive has dialect d.
func known(d Dialect) bool {
	for _, desc := range registry {
		if slices.Contains(desc.AllDialects(), d) {
			return true
		}
	}
	return false
}

// knownDialects lists every dialect some primitive has, in order.
func knownDialects() []Dialect {
	var out []Dialect
	for _, desc := range registry {
		for _, d := range desc.AllDialects() {
			if !slices.Contains(out, d) {
				out = append(out, d)
			}
		}
	}
	return out
}
