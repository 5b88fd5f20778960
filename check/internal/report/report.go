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
	"strings"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/judge"
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
	fmt.Fprintf(w, "\ninterleaving, action by action (the steps of the table it recorded; the task, the scheduling point it left -> the one it reached):\n")
	lines := interleaving(c)
	if len(lines) > maxSteps {
		// A livelock runs to the step bound: its first actions, then the
		// last ones, where it went round.
		fmt.Fprintf(w, "  %s\n", strings.Join(lines[:maxSteps/5], "\n  "))
		fmt.Fprintf(w, "  ... %d actions left out ...\n", len(lines)-maxSteps)
		lines = lines[len(lines)-(maxSteps-maxSteps/5):]
	}
	for _, line := range lines {
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

// interleaving is c's interleaving for the text report: one action a
// line, headed by the steps it recorded and followed by what they were
// (the table's cells).
func interleaving(c *explore.Counterexample) []string {
	ls := c.Execution().Interleaving()
	width := 0
	for _, l := range ls {
		width = max(width, len(l.Text))
	}
	out := make([]string, len(ls))
	for i, l := range ls {
		line := fmt.Sprintf("%5s  %s", explore.StepLabel(l.Events), l.Text)
		if what := actionText(&c.Program, c.History, l.Events); what != "" {
			line = fmt.Sprintf("%5s  %-*s   %s", explore.StepLabel(l.Events), width, l.Text, what)
		}
		out[i] = strings.TrimRight(line, " ")
	}
	return out
}

// actionText says what an action's events (indices in h) were, for the
// interleaving: "calls acquire", "acquire returns ok", "calls tryacquire,
// which returns true"; "" for none or a cancel (the line names it).
func actionText(p *explore.Program, h []history.Event, events []int) string {
	sc := p.Scenario()
	var parts []string
	for k, i := range events {
		e := h[i]
		switch e.Kind {
		case history.Call:
			parts = append(parts, "calls "+scenario.OpString(sc, e.Op))
		case history.Return:
			res := scenario.Outcome(sc.Primitive, e.Op, true, e.Result).String()
			if k > 0 && h[events[k-1]].Kind == history.Call {
				parts = append(parts, "which returns "+res)
			} else {
				parts = append(parts, scenario.OpString(sc, e.Op)+" returns "+res)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// eventsText says what the events (indices in h, one task's) were, as the
// table writes them: "acquire ...", "... ok", "acquire -> ok", "<cancel>".
func eventsText(p *explore.Program, h []history.Event, events []int) string {
	sc := p.Scenario()
	var parts []string
	for k, i := range events {
		e := h[i]
		switch e.Kind {
		case history.Call:
			if k+1 < len(events) && h[events[k+1]].Kind == history.Return {
				parts = append(parts, scenario.OpString(sc, e.Op)+" -> "+scenario.Outcome(sc.Primitive, e.Op, true, h[events[k+1]].Result).String())
				return strings.Join(parts, ", ")
			}
			parts = append(parts, scenario.OpString(sc, e.Op)+" ...")
		case history.Return:
			parts = append(parts, "... "+scenario.Outcome(sc.Primitive, e.Op, true, e.Result).String())
		case history.Cancel:
			parts = append(parts, "<cancel>")
		}
	}
	return strings.Join(parts, ", ")
}

// tableRow is one row of the table of calls per task: the steps (history
// events) it shows and one cell per task.
type tableRow struct {
	Events []int
	Cells  []string
}

// tableRows lays h out one event a row, one column per task; a call that
// returned at once is one row of two events (steps "4-5").
func tableRows(p *explore.Program, h []history.Event) []tableRow {
	n := len(p.Tasks)
	var rows []tableRow
	for i := 0; i < len(h); i++ {
		e := h[i]
		events := []int{i}
		if e.Kind == history.Call && i+1 < len(h) && h[i+1].Kind == history.Return && h[i+1].Task == e.Task {
			events = append(events, i+1)
			i++
		}
		cells := make([]string, max(n, e.Task+1))
		cells[e.Task] = eventsText(p, h, events)
		rows = append(rows, tableRow{Events: events, Cells: cells})
	}
	return rows
}

// Table writes the history as a table with one column per task: each row is
// one event (a call, its return, a cancel) in the global order, numbered
// with its step as the judges' messages number it ("at step 7": History[6])
// and the interleaving heads the action that recorded it; a call that
// returned at once is one row of two steps ("4-5").
func Table(w io.Writer, p *explore.Program, h []history.Event) {
	names := p.Names()
	rows := tableRows(p, h)
	width := make([]int, len(names))
	for t := range names {
		width[t] = len(names[t])
	}
	stepWidth := len("step")
	for _, r := range rows {
		stepWidth = max(stepWidth, len(explore.StepLabel(r.Events)))
		for t, c := range r.Cells {
			if t < len(width) {
				width[t] = max(width[t], len(c))
			}
		}
	}
	line := func(step string, right bool, cells func(t int) string) {
		var b strings.Builder
		if right {
			fmt.Fprintf(&b, "| %*s ", stepWidth, step)
		} else {
			fmt.Fprintf(&b, "| %-*s ", stepWidth, step)
		}
		for t := range names {
			fmt.Fprintf(&b, "| %-*s ", width[t], cells(t))
		}
		fmt.Fprintln(w, b.String()+"|")
	}
	line("step", false, func(t int) string { return names[t] })
	line(strings.Repeat("-", stepWidth), false, func(t int) string { return strings.Repeat("-", width[t]) })
	for _, r := range rows {
		line(explore.StepLabel(r.Events), true, func(t int) string { return r.Cells[t] })
	}
}

// VerdictJSON is a judge's verdict as data.
type VerdictJSON struct {
	Property string   `json:"property"`
	Status   string   `json:"status"`
	Message  string   `json:"message,omitempty"`
	Expected string   `json:"expected,omitempty"`
	States   []string `json:"model_states,omitempty"`
	// Step is where it went wrong, numbered as the report's steps and
	// History's Step (from 1); 0 when nowhere in particular.
	Step int `json:"at_step,omitempty"`
}

// Event is one history event as data.
type Event struct {
	Step   int    `json:"step"` // its number in the report, from 1
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
	for i, e := range c.History {
		ev := Event{Step: explore.Step(i), Task: names[e.Task]}
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
		vj := VerdictJSON{Property: string(v.Property), Status: v.Status.String(), Message: v.Message, Expected: v.Expected, States: v.States}
		if v.At >= 0 {
			vj.Step = explore.Step(v.At)
		}
		out.Verdicts = append(out.Verdicts, vj)
	}
	return out
}

// WriteJSON writes v as indented JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
