// Package scenario is the scenario language (specs/README.md): the one format
// for hand-written specifications, counterexamples and the regression corpus.
// Parse reads a scenario, Print writes it back in canonical form.
package scenario

// This file holds the syntax tree; parse.go reads it and print.go writes it.

import (
	"strconv"

	"github.com/syncheck/syncheck/model"
)

// Scenario is one parsed .scn file.
type Scenario struct {
	// File is where it came from, for messages ("" when built in memory).
	File string
	// Comment is the leading comment block, one entry per line, without "# ".
	Comment   []string
	Primitive model.Primitive
	Dialect   model.Dialect
	Params    model.Params
	// Target names the implementation the scenario is about: "" for the
	// built-in one, or a mutant's name (counterexamples kept for mutants).
	Target string
	Tasks  []Task
	Steps  []Step
}

// Task is one task of the program: a name and the calls it makes, in order.
type Task struct {
	Name string
	Ops  []model.Op
	Line int // 0 when built in memory
}

// StepKind says what a step does.
type StepKind uint8

const (
	// Run: the task calls its next op, or resumes its parked call, and runs
	// until the call returns or the task parks.
	Run StepKind = iota
	// Cancel: the context of the task's call in flight is cancelled.
	Cancel
)

// Sees is what a parked task that was both woken and cancelled observed.
type Sees uint8

const (
	SeesDefault Sees = iota // as SeesCancel; printed as nothing
	SeesGrant
	SeesCancel
)

// Step is one step of the schedule.
type Step struct {
	Kind StepKind
	Task int      // index into Scenario.Tasks
	Op   model.Op // Run: the op the step names
	Sees Sees     // Run only
	// Point, when set, makes a Run step partial: the task runs only until
	// it stands at the next scheduling point named Point, inside its call
	// (a preemption in the middle of an operation, bug class F). A partial
	// step has no expectation.
	Point string
	// Expect lists the acceptable outcomes; empty accepts whatever the
	// model allows.
	Expect []Expect
	Line   int // 0 when built in memory
}

// ExpectKind is the shape of an expected outcome.
type ExpectKind uint8

const (
	ExpectBlocks ExpectKind = iota // the task parked
	ExpectErr                      // the call returned with Err (ok, cancelled, not-locked, ...)
	ExpectBool                     // the call returned OK with Bool
	ExpectInt                      // the call returned OK with Int
)

// Expect is one acceptable outcome of a step.
type Expect struct {
	Kind ExpectKind
	Err  model.Err
	Bool bool
	Int  int
}

// Matches reports whether a step that ended with the task parked (done ==
// false) or with its call returning res (done == true) is this outcome.
func (e Expect) Matches(done bool, res model.Result) bool {
	switch e.Kind {
	case ExpectBlocks:
		return !done
	case ExpectErr:
		return done && res.Err == e.Err
	case ExpectBool:
		return done && res.Err == model.OK && res.Bool == e.Bool
	case ExpectInt:
		return done && res.Err == model.OK && res.Int == e.Int
	}
	return false
}

// String is the token of the scenario language.
func (e Expect) String() string {
	switch e.Kind {
	case ExpectBlocks:
		return "blocks"
	case ExpectErr:
		return e.Err.String()
	case ExpectBool:
		return strconv.FormatBool(e.Bool)
	case ExpectInt:
		return strconv.Itoa(e.Int)
	}
	return "?"
}

// Outcome is the expectation that describes exactly what a call of op on
// primitive p did: the token a printer writes for an observed result.
func Outcome(p model.Primitive, op model.Op, done bool, res model.Result) Expect {
	switch {
	case !done:
		return Expect{Kind: ExpectBlocks}
	case res.Err != model.OK:
		return Expect{Kind: ExpectErr, Err: res.Err}
	}
	o, ok := spec(p, op.Kind)
	if !ok {
		o, _ = anySpec(op.Kind)
	}
	switch {
	case o.Bool:
		return Expect{Kind: ExpectBool, Bool: res.Bool}
	case o.Int:
		return Expect{Kind: ExpectInt, Int: res.Int}
	}
	return Expect{Kind: ExpectErr, Err: model.OK}
}

// TaskIndex returns the index of the task named name, or -1.
func (s *Scenario) TaskIndex(name string) int {
	for i, t := range s.Tasks {
		if t.Name == name {
			return i
		}
	}
	return -1
}
