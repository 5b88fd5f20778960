// Package report writes what the checker found for people (text) and for
// programs (JSON): the property that failed in one sentence, a table with one
// column per task of calls and results, the interleaving with its named
// scheduling points, what the model allowed instead, and the one command
// that replays it.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// Counterexample writes c for people. replay is the command that replays
// it ("" to leave it out).
func Counterexample(w io.Writer, c *explore.Counterexample, replay string) {
	fmt.Fprintf(w, "property violated: %s\n  %s\n", c.Property, c.Message)
	for _, v := range c.Verdicts {
		if v.Status == judge.Fail && v.Property == c.Property {
			if v.Expected != "" {
				fmt.Fprintf(w, "  the model allows instead: %s\n", v.Expected)
			}
			for i, s := range v.States {
				if i == 0 && len(v.States) > 1 {
					fmt.Fprintf(w, "  the model's possible states there (it may be in any one):\n")
				}
				if len(v.States) > 1 {
					fmt.Fprintf(w, "    %s\n", s)
				} else {
					fmt.Fprintf(w, "  model state: %s\n", s)
				}
			}
		}
	}
	if pr := c.Outcome.Panic; pr != nil {
		fmt.Fprintf(w, "  where it panicked:\n%s", indent(UserFrames(pr.Stack), "    "))
	}
	size := c.Size()
	fmt.Fprintf(w, "\ncounterexample: %s, %d cancels\n\n", size, len(c.Program.Cancels))
	Table(w, &c.Program, c.History)
	fmt.Fprintf(w, "\ninterleaving, action by action (the task, the scheduling point it left -> the one it reached):\n")
	steps := c.Execution().Steps()
	if len(steps) > maxSteps {
		// A livelock runs to the step bound: its first steps, then the
		// last ones, where it went round.
		fmt.Fprintf(w, "  %s\n", strings.Join(steps[:maxSteps/5], "\n  "))
		fmt.Fprintf(w, "  ... %d steps left out ...\n", len(steps)-maxSteps)
		steps = steps[len(steps)-(maxSteps-maxSteps/5):]
	}
	for _, line := range steps {
		fmt.Fprintf(w, "  %s\n", line)
	}
	if replay != "" {
		fmt.Fprintf(w, "\nreplay: %s\n", replay)
	}
}

// maxSteps bounds the interleaving a report prints.
const maxSteps = 60

// UserFrames is the part of a goroutine stack in the implementation's code:
// its frames outside the Go runtime and syncheck's checker (the whole stack
// when none is left, so that nothing is hidden).
func UserFrames(stack []byte) string {
	lines := strings.Split(strings.TrimRight(string(stack), "\n"), "\n")
	var keep []string
	// After the "goroutine N [running]:" line, frames come in pairs: the
	// function, then its file and line.
	for i := 1; i+1 < len(lines); i += 2 {
		fn, file := lines[i], lines[i+1]
		if strings.Contains(file, "/check/internal/") || strings.Contains(file, "/src/runtime/") ||
			strings.Contains(file, "/src/testing/") || strings.HasPrefix(fn, "panic(") {
			continue
		}
		keep = append(keep, fn, file)
	}
	if len(keep) == 0 {
		// All the checker's: its first frames say where.
		keep = lines[:min(len(lines), 13)]
	}
	return strings.Join(keep, "\n") + "\n"
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return prefix + strings.Join(lines, "\n"+prefix) + "\n"
}

// Table writes the history as a table with one column per task: each row is
// one event (a call, its return, a cancel) in the global order.
func Table(w io.Writer, p *explore.Program, h []history.Event) {
	names := p.Names()
	cols := make([][]string, len(names))
	width := make([]int, len(names))
	rows := len(h)
	for t := range cols {
		cols[t] = make([]string, rows)
		width[t] = len(names[t])
	}
	sc := p.Scenario()
	pending := make([]string, len(names))
	// steps[i] numbers row i as the judges' messages do ("at step 7"):
	// the history event, from 1; a call that returned at once is one row
	// of two events.
	steps := make([]string, rows)
	for i := range steps {
		steps[i] = strconv.Itoa(i + 1)
	}
	for i, e := range h {
		var cell string
		switch e.Kind {
		case history.Call:
			pending[e.Task] = scenario.OpString(sc, e.Op)
			cell = pending[e.Task] + " ..."
		case history.Return:
			cell = "... " + scenario.Outcome(sc.Primitive, e.Op, true, e.Result).String()
			if i > 0 && h[i-1].Kind == history.Call && h[i-1].Task == e.Task {
				// A call that returned at once: one row.
				cols[e.Task][i-1] = pending[e.Task] + " -> " + scenario.Outcome(sc.Primitive, e.Op, true, e.Result).String()
				steps[i-1] = fmt.Sprintf("%d-%d", i, i+1)
				cell = ""
			}
		case history.Cancel:
			cell = "<cancel>"
		}
		cols[e.Task][i] = cell
	}
	for t := range cols {
		for _, c := range cols[t] {
			width[t] = max(width[t], len(c))
		}
	}
	stepWidth := len("step")
	for _, st := range steps {
		stepWidth = max(stepWidth, len(st))
	}
	row := -1 // the row line prints; -1: the header lines
	line := func(cells func(t int) string) {
		var b strings.Builder
		switch row {
		case -1:
			fmt.Fprintf(&b, "| %-*s ", stepWidth, "step")
		case -2:
			fmt.Fprintf(&b, "| %s ", strings.Repeat("-", stepWidth))
		default:
			fmt.Fprintf(&b, "| %*s ", stepWidth, steps[row])
		}
		for t := range names {
			fmt.Fprintf(&b, "| %-*s ", width[t], cells(t))
		}
		fmt.Fprintln(w, b.String()+"|")
	}
	line(func(t int) string { return names[t] })
	row = -2
	line(func(t int) string { return strings.Repeat("-", width[t]) })
	for i := 0; i < rows; i++ {
		row = i
		empty := true
		for t := range names {
			if cols[t][i] != "" {
				empty = false
			}
		}
		if !empty {
			line(func(t int) string { return cols[t][i] })
		}
	}
}

// VerdictJSON is a judge's verdict as data.
type VerdictJSON struct {
	Property string   `json:"property"`
	Status   string   `json:"status"`
	Message  string   `json:"message,omitempty"`
	Expected string   `json:"expected,omitempty"`
	States   []string `json:"model_states,omitempty"`
	At       int      `json:"at_event"`
}

// Event is one history event as data.
type Event struct {
	Task   string `json:"task"`
	Kind   string `json:"kind"` // call, return, cancel
	Op     string `json:"op,omitempty"`
	Result string `json:"result,omitempty"`
}

// CounterexampleJSON is a counterexample as data.
type CounterexampleJSON struct {
	Property    string        `json:"property"`
	Message     string        `json:"message"`
	Tasks       int           `json:"tasks"`
	Ops         int           `json:"ops"`
	Cancels     int           `json:"cancels"`
	Preemptions int           `json:"preemptions"`
	Scenario    string        `json:"scenario"`
	Schedule    []string      `json:"schedule"`
	History     []Event       `json:"history"`
	Verdicts    []VerdictJSON `json:"verdicts"`
	Replay      string        `json:"replay,omitempty"`
}

// JSONOf converts c to data.
func JSONOf(c *explore.Counterexample, replay string) CounterexampleJSON {
	p := &c.Program
	sc := p.Scenario()
	names := p.Names()
	out := CounterexampleJSON{
		Property: string(c.Property), Message: c.Message,
		Tasks: c.Tasks(), Ops: c.Ops(), Cancels: len(p.Cancels), Preemptions: c.Preemptions,
		Scenario: c.ScenarioText(), Replay: replay,
	}
	for _, a := range c.Schedule {
		out.Schedule = append(out.Schedule, a.Format(p))
	}
	for _, e := range c.History {
		ev := Event{Task: names[e.Task]}
		switch e.Kind {
		case history.Call:
			ev.Kind, ev.Op = "call", scenario.OpString(sc, e.Op)
		case history.Return:
			ev.Kind, ev.Op, ev.Result = "return", scenario.OpString(sc, e.Op), scenario.Outcome(sc.Primitive, e.Op, true, e.Result).String()
		default:
			ev.Kind = "cancel"
		}
		out.History = append(out.History, ev)
	}
	for _, v := range c.Verdicts {
		out.Verdicts = append(out.Verdicts, VerdictJSON{Property: string(v.Property), Status: v.Status.String(), Message: v.Message, Expected: v.Expected, States: v.States, At: v.At})
	}
	return out
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// HTML writes porcupine's interactive timeline of c's history (calls as
// enter/exit operations, cancels, and the final quiescence check) to w.
func HTML(w io.Writer, c *explore.Counterexample, d model.Dialect) error {
	in := judge.Input{
		Primitive: c.Program.Primitive, Dialect: d, Params: c.Program.Params,
		Tasks: len(c.Program.Tasks), Names: c.Program.Names(), History: c.History,
		Quiescent: c.Outcome.Ending == scheduler.Quiescent,
	}
	if in.Quiescent {
		for _, id := range c.Outcome.Parked {
			in.Parked = append(in.Parked, int(id))
		}
	}
	m, ops, err := judge.Porcupine(in, false, true)
	if err != nil {
		return err
	}
	_, info := porcupine.CheckOperationsVerbose(m, ops, 10*time.Second)
	return porcupine.Visualize(m, info, w)
}
