// Package history holds what an execution leaves behind: its events (call,
// return, cancel) in one global order, and where calls first parked. It sits
// at the bottom of the checker, below both the harness that records a
// history and the judges that read it.
package history

import (
	"fmt"

	"github.com/syncheck/syncheck/model"
)

// Kind is the kind of a history event.
type Kind uint8

const (
	Call   Kind = iota // a task called an op
	Return             // the call returned Result
	Cancel             // the context of the task's call in flight was cancelled
)

// Event is one event of an execution's history, in global order.
type Event struct {
	Kind   Kind
	Task   int
	Op     model.Op     // Call, Return
	Result model.Result // Return
}

func (e Event) String() string {
	switch e.Kind {
	case Call:
		return fmt.Sprintf("T%d call %s", e.Task, e.Op.Kind)
	case Return:
		return fmt.Sprintf("T%d return %s %+v", e.Task, e.Op.Kind, e.Result)
	}
	return fmt.Sprintf("T%d cancel", e.Task)
}

// Park says that Task, inside its call in flight, first parked after the
// first At events of the history were recorded (between History[At-1] and
// History[At]): its registration point. Only the first park of a call
// matters.
type Park struct {
	Task int
	At   int
}

// Describe is m.String() with task t written as name(t) instead of "T<t>",
// for reports that know the tasks' names (package model's models have
// StringNamed); other models fall back to String().
func Describe(m model.Model, name func(t int) string) string {
	if d, ok := m.(interface {
		StringNamed(func(int) string) string
	}); ok && name != nil {
		return d.StringNamed(name)
	}
	return m.String()
}

// Invariants selects the invariants the judges check on a
// history. Each is a bound that holds in every linearization, so a
// correct execution never trips it.
type Invariants struct {
	// Holders bounds how many tasks hold the primitive at once (a Lock: 1;
	// a Semaphore: its value): acquire -> ok and tryacquire -> true take a
	// hold, release -> ok gives one back. Nil: no such bound. Permits
	// words the messages as a semaphore's.
	Holders func(model.Params) int
	Permits bool
	// BoundedReleases (go dialect only): successful releases never
	// outnumber the acquisitions that may have happened (a bound value).
	BoundedReleases bool
	// Condition: wait and waitfor release the lock and return holding it
	// (ok or cancelled), and the waits that return ok never outnumber the
	// waiters the notifications sent so far could wake.
	Condition bool
	// Check, when set, is a primitive's own invariant over a history (a
	// Queue's items conserved, say): it returns the event at which the
	// history breaks it and a sentence saying how, or at < 0 when it
	// holds. Like the others it must hold in every linearization.
	Check func(h []Event, p model.Params, d model.Dialect, name func(task int) string) (at int, message string)
}
