package report

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"regexp"
	"slices"
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

// About says what an HTML page is about besides its counterexample.
type About struct {
	Target  string // the implementation's name ("" to leave it out)
	Dialect model.Dialect
	Seed    uint64 // the search's seed (0 to leave it out)
	Replay  string // the command that replays it ("" to leave it out)
	// Rule is the text report's line naming the Go dialect's rule the
	// failure breaks ("breaks G4 (...): ..."; "" when none).
	Rule string
}

// HTML writes c as one self-contained page (inline CSS, no script of its
// own, nothing fetched when it is opened): the failed property and the
// text report's sentence; what the model allowed instead; a table with one
// column per task of its calls and results, numbered with the text
// report's steps, the blamed task's column in red (the task parked
// forever, the one whose return the model does not allow, the one that
// panicked or blocked) with how each task ended; the interleaving with the
// same step numbers; and, for a judge's verdict, porcupine's linearization
// view of the history in a collapsed panel.
func HTML(w io.Writer, c *explore.Counterexample, a About) error {
	pg := buildPage(c, a)
	if len(c.Verdicts) > 0 {
		pg.Porcupine, pg.PorcupineErr = porcupineView(c, a.Dialect)
	}
	return pageTemplate.Execute(w, pg)
}

// NoCounterexampleHTML writes the page for a check that found no
// counterexample to show: heading, then lines (one paragraph each), then
// detail preformatted ("" for none).
func NoCounterexampleHTML(w io.Writer, a About, heading string, lines []string, detail string) error {
	pg := &page{Title: "syncheck: " + heading, Heading: heading, Facts: aboutFacts(a, ""), Lines: lines, Detail: detail, Pass: true}
	return pageTemplate.Execute(w, pg)
}

type page struct {
	Title, Heading string
	Pass           bool     // no counterexample: Lines and Detail only
	Lines          []string // NoCounterexampleHTML's paragraphs
	Detail         string
	Property       string
	Message        template.HTML // escaped, its "step N" linked to the table's rows
	Expected       string
	States         []string
	Panic          string
	Facts          string
	Blame          string // who is in red, and why
	Rule           string
	Tasks          []pageTask
	Rows           []pageRow
	Lines2         []pageLine
	LeftOut        int // interleaving actions left out (a livelock's)
	LeftOutAt      int // after this many lines
	Porcupine      string
	PorcupineErr   string
	Replay         string
}

type pageTask struct {
	Name     string
	Blamed   bool
	End      string // how it ended
	EndClass string // "bad" for the blamed end, "" otherwise
}

type pageRow struct {
	Label   string
	Anchors []int // step numbers (ids "step-N")
	Cited   bool  // the step the message names
	Cells   []pageCell
}

type pageCell struct {
	Text   string
	Blamed bool
}

type pageLine struct {
	Label  string
	Steps  []int
	Task   string
	Blamed bool
	Cancel bool
	Text   string
	What   string
}

func buildPage(c *explore.Counterexample, a About) *page {
	p := &c.Program
	names := p.Names()
	pg := &page{
		Property: string(c.Property),
		Message:  linkSteps(c.Message),
		Replay:   a.Replay,
		Rule:     a.Rule,
	}
	pg.Heading = "property violated: " + pg.Property
	pg.Title = "syncheck: " + pg.Property + " violated"
	if a.Target != "" {
		pg.Title += " (" + a.Target + ")"
	}
	at := -1
	var blamed []int
	for _, v := range c.Verdicts {
		if v.Status == judge.Fail && v.Property == c.Property {
			pg.Expected, pg.States, at = v.Expected, v.States, v.At
			blamed = v.Tasks
			if blamed == nil && v.At >= 0 && v.At < len(c.History) {
				blamed = []int{c.History[v.At].Task}
			}
			break
		}
	}
	o := c.Outcome
	switch {
	case o.Panic != nil:
		pg.Panic = UserFrames(o.Panic.Stack)
		blamed = append(blamed, int(o.Panic.Task))
	case o.Misuse != nil && o.Misuse.Stuck != nil:
		blamed = append(blamed, int(o.Misuse.Stuck.Task))
	case o.Ending == scheduler.Deadlock:
		for _, b := range o.Blocked {
			blamed = append(blamed, int(b.Task))
		}
	}
	pg.Facts = aboutFacts(a, fmt.Sprintf("counterexample: %s, %d cancels", c.Size(), len(p.Cancels)))

	ends, stopped := taskEnds(c)
	for t, n := range names {
		pt := pageTask{Name: n, Blamed: slices.Contains(blamed, t), End: ends[t]}
		if pt.Blamed && stopped[t] {
			pt.EndClass = "bad"
		}
		pg.Tasks = append(pg.Tasks, pt)
	}
	var who []string
	for _, t := range blamed {
		if t >= 0 && t < len(names) && !slices.Contains(who, names[t]) {
			who = append(who, names[t])
		}
	}
	switch len(who) {
	case 0:
	case 1:
		pg.Blame = who[0] + ", in red, is the task the report blames"
		switch t := blamed[0]; {
		case stopped[t]:
			pg.Blame += ": it " + ends[t] + " (the last row)."
		case at >= 0 && at < len(c.History) && c.History[at].Task == t:
			pg.Blame += fmt.Sprintf(": its step %d (highlighted) is where the history breaks the property.", explore.Step(at))
		default:
			pg.Blame += "."
		}
	default:
		pg.Blame = strings.Join(who, ", ") + ", in red, are the tasks the report blames."
	}

	for _, r := range tableRows(p, c.History) {
		row := pageRow{Label: explore.StepLabel(r.Events), Cited: slices.Contains(r.Events, at)}
		for _, i := range r.Events {
			row.Anchors = append(row.Anchors, explore.Step(i))
		}
		for t := range names {
			row.Cells = append(row.Cells, pageCell{Text: r.Cells[t], Blamed: pg.Tasks[t].Blamed})
		}
		pg.Rows = append(pg.Rows, row)
	}

	ls := c.Execution().Interleaving()
	out := ls
	if len(ls) > maxSteps {
		out = append(slices.Clone(ls[:maxSteps/5]), ls[len(ls)-(maxSteps-maxSteps/5):]...)
		pg.LeftOut, pg.LeftOutAt = len(ls)-maxSteps, maxSteps/5
	}
	for _, l := range out {
		pl := pageLine{Label: explore.StepLabel(l.Events), Cancel: l.Cancel, Text: l.Text, What: actionText(p, c.History, l.Events)}
		for _, i := range l.Events {
			pl.Steps = append(pl.Steps, explore.Step(i))
		}
		if l.Task >= 0 && l.Task < len(names) {
			pl.Task = names[l.Task]
			pl.Blamed = pg.Tasks[l.Task].Blamed
			// The text without the task's name, which has its own column.
			if !l.Cancel {
				pl.Text = strings.TrimSpace(strings.TrimPrefix(l.Text, names[l.Task]))
			}
		}
		pg.Lines2 = append(pg.Lines2, pl)
	}
	return pg
}

func aboutFacts(a About, more string) string {
	var parts []string
	if a.Target != "" {
		parts = append(parts, "implementation "+a.Target)
	}
	if a.Dialect != "" {
		parts = append(parts, "dialect "+string(a.Dialect))
	}
	if a.Seed != 0 {
		parts = append(parts, "seed "+strconv.FormatUint(a.Seed, 10))
	}
	if more != "" {
		parts = append(parts, more)
	}
	return strings.Join(parts, " · ")
}

// taskEnds says how each task ended: done, parked in its call, blocked,
// panicked, still running; stopped is true for those that did not end
// (all but done and idle ones).
func taskEnds(c *explore.Counterexample) (ends []string, stopped []bool) {
	p := &c.Program
	sc := p.Scenario()
	n := len(p.Tasks)
	open := make([]*model.Op, n)
	made := make([]int, n)
	for _, e := range c.History {
		if e.Task < 0 || e.Task >= n {
			continue
		}
		switch e.Kind {
		case history.Call:
			op := e.Op
			open[e.Task] = &op
			made[e.Task]++
		case history.Return:
			open[e.Task] = nil
		}
	}
	o := c.Outcome
	ends, stopped = make([]string, n), make([]bool, n)
	for t := range ends {
		stopped[t] = true
		in := ""
		if open[t] != nil {
			in = " in " + scenario.OpString(sc, *open[t])
		}
		switch {
		case o.Panic != nil && int(o.Panic.Task) == t:
			ends[t] = fmt.Sprintf("panicked%s: %v", in, o.Panic.Value)
		case o.Misuse != nil && o.Misuse.Stuck != nil && int(o.Misuse.Stuck.Task) == t:
			ends[t] = "blocked outside impl/sched" + in
		case slices.Contains(o.Parked, scheduler.TaskID(t)):
			ends[t] = "is parked forever" + in
		case slices.ContainsFunc(o.Blocked, func(b scheduler.BlockedTask) bool { return int(b.Task) == t }):
			i := slices.IndexFunc(o.Blocked, func(b scheduler.BlockedTask) bool { return int(b.Task) == t })
			ends[t] = "is blocked on the primitive's mutex, held by " + o.Blocked[i].HolderName + "," + in
			ends[t] = strings.TrimSuffix(ends[t], ",")
		case open[t] != nil:
			ends[t] = "was still running" + in
		case made[t] < len(p.Tasks[t].Ops):
			ends[t], stopped[t] = fmt.Sprintf("made %d of its %d calls", made[t], len(p.Tasks[t].Ops)), false
		default:
			ends[t], stopped[t] = "is done", false
		}
	}
	return ends, stopped
}

var stepRef = regexp.MustCompile(`\bstep (\d+)\b`)

// linkSteps escapes msg and links each "step N" to the table's row.
func linkSteps(msg string) template.HTML {
	esc := template.HTMLEscapeString(msg)
	return template.HTML(stepRef.ReplaceAllString(esc, `<a class="stepref" href="#step-$1">step $1</a>`))
}

// porcupineView is porcupine's visualization of c's history against the
// model (with the final quiescence check when the run ended quiescent), as
// a whole HTML document, or why there is none.
func porcupineView(c *explore.Counterexample, d model.Dialect) (doc, why string) {
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
		return "", err.Error()
	}
	_, info := porcupine.CheckOperationsVerbose(m, ops, 5*time.Second)
	var b bytes.Buffer
	if err := porcupine.Visualize(m, info, &b); err != nil {
		return "", err.Error()
	}
	return b.String(), ""
}

var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<style>
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d1d1f; background: #fff; margin: 1.5em 2em; }
h1 { font-size: 1.4em; margin: 0 0 .4em; }
h1 .prop { color: #b3141b; }
h1.pass .prop { color: #1a7f37; }
h2 { font-size: 1.1em; margin: 1.6em 0 .5em; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 13px; }
.message { border-left: 5px solid #d1242f; background: #fff0f0; padding: .6em .9em; white-space: pre-wrap; overflow-wrap: anywhere; max-width: 70em; }
.rule { color: #444; font-style: italic; max-width: 70em; overflow-wrap: anywhere; }
.facts { color: #555; }
.blame { font-weight: 600; color: #b3141b; }
.expected { border-left: 5px solid #1a7f37; background: #f0fff3; padding: .4em .9em; max-width: 70em; overflow-wrap: anywhere; }
.expected ul { margin: .2em 0; padding-left: 1.4em; }
pre { background: #f6f8fa; padding: .6em .9em; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
.scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; }
th, td { border: 1px solid #d0d7de; padding: .25em .6em; text-align: left; vertical-align: top; white-space: nowrap; }
th { background: #f6f8fa; }
td.step, th.step { text-align: right; color: #555; font-variant-numeric: tabular-nums; }
th.blamed { background: #d1242f; color: #fff; }
td.blamed { background: #ffe3e3; }
tr.cited td { font-weight: 700; }
tr.cited td.step { background: #fff1b8; color: #000; }
tr.cited td.blamed { background: #ffb3b3; }
tr.end td { border-top: 2px solid #57606a; font-style: italic; }
tr.end td.bad { background: #d1242f; color: #fff; font-weight: 700; font-style: normal; }
#interleaving td.task.blamed { background: #d1242f; color: #fff; font-weight: 600; }
#interleaving tr.cancel td { color: #8250df; }
#interleaving td.what { color: #333; }
a.stepref { color: inherit; text-decoration: underline dotted; }
tr:target td, tr:target td.step { outline: 2px solid #0969da; }
details { margin-top: 1.6em; }
summary { cursor: pointer; font-weight: 600; }
iframe { width: 100%; height: 22em; border: 1px solid #d0d7de; margin-top: .5em; }
.note { color: #555; max-width: 70em; }
</style>
</head>
<body>
{{if .Pass}}
<h1 class="pass" id="heading"><span class="prop">{{.Heading}}</span></h1>
{{if .Facts}}<p class="facts">{{.Facts}}</p>{{end}}
{{range .Lines}}<p>{{.}}</p>
{{end}}{{if .Detail}}<pre>{{.Detail}}</pre>{{end}}
{{else}}
<h1 id="heading">property violated: <span class="prop" id="property">{{.Property}}</span></h1>
<p class="message" id="message">{{.Message}}</p>
{{if .Rule}}<p class="rule" id="rule">{{.Rule}}</p>{{end}}
{{if .Blame}}<p class="blame" id="blame">{{.Blame}}</p>{{end}}
{{if or .Expected .States}}<div class="expected" id="expected">
{{if .Expected}}<p><b>The model allows instead:</b> {{.Expected}}</p>{{end}}
{{if .States}}<p><b>{{if gt (len .States) 1}}The model's possible states there (it may be in any one):{{else}}Model state:{{end}}</b></p>
<ul>{{range .States}}<li class="mono">{{.}}</li>{{end}}</ul>{{end}}
</div>{{end}}
{{if .Panic}}<h2>Where it panicked</h2>
<pre id="panic">{{.Panic}}</pre>{{end}}
<p class="facts" id="facts">{{.Facts}}</p>

<h2>Calls per task</h2>
<p class="note">One row per step (a call, a return, a cancel), in the order they happened; a call that returned at once is one row of two steps. The steps are the ones the message and the interleaving below name.</p>
<div class="scroll">
<table id="tasks" class="mono">
<thead><tr><th class="step">step</th>{{range .Tasks}}<th class="task{{if .Blamed}} blamed{{end}}">{{.Name}}</th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr{{if .Anchors}} id="step-{{index .Anchors 0}}"{{end}}{{if .Cited}} class="cited"{{end}} data-steps="{{range $i, $s := .Anchors}}{{if $i}} {{end}}{{$s}}{{end}}"><td class="step">{{range $i, $s := .Anchors}}{{if $i}}<span id="step-{{$s}}"></span>{{end}}{{end}}{{.Label}}</td>{{range .Cells}}<td{{if .Blamed}} class="blamed"{{end}}>{{.Text}}</td>{{end}}</tr>
{{end}}<tr class="end"><td class="step">end</td>{{range .Tasks}}<td class="{{if .Blamed}}blamed {{end}}{{.EndClass}}">{{.Name}} {{.End}}</td>{{end}}</tr>
</tbody>
</table>
</div>

<h2>Interleaving, action by action</h2>
<p class="note">Each scheduling decision: the task that ran, the scheduling point it left and the one it reached (or a cancel delivered), headed by the steps it recorded.</p>
<div class="scroll">
<table id="interleaving" class="mono">
<thead><tr><th class="step">step</th><th>task</th><th>action</th><th>what it recorded</th></tr></thead>
<tbody>
{{$leftAt := .LeftOutAt}}{{$left := .LeftOut}}{{range $i, $l := .Lines2}}{{if and $left (eq $i $leftAt)}}<tr class="leftout"><td class="step">…</td><td colspan="3">{{$left}} actions left out</td></tr>
{{end}}<tr{{if .Cancel}} class="cancel"{{end}} data-steps="{{range $j, $s := .Steps}}{{if $j}} {{end}}{{$s}}{{end}}"><td class="step">{{range $j, $s := .Steps}}{{if $j}}-{{end}}<a class="stepref" href="#step-{{$s}}">{{$s}}</a>{{end}}</td><td class="task{{if .Blamed}} blamed{{end}}">{{.Task}}</td><td>{{.Text}}</td><td class="what">{{.What}}</td></tr>
{{end}}</tbody>
</table>
</div>

{{if or .Porcupine .PorcupineErr}}<details id="porcupine">
<summary>Porcupine's linearization view</summary>
<p class="note">Porcupine's own view of the same history against the model: the longest prefix it could linearize and the operations around it. The operation it marks is where its search stopped, which may be another task's than the one blamed above: the report's judge replays the history in order and blames the first return (or the final parked state) the model cannot produce.</p>
{{if .Porcupine}}<iframe title="porcupine's linearization view" srcdoc="{{.Porcupine}}"></iframe>{{else}}<p>(no view: {{.PorcupineErr}})</p>{{end}}
</details>{{end}}
{{if .Replay}}<p>Replay: <code>{{.Replay}}</code></p>{{end}}
{{end}}
</body>
</html>
`))
