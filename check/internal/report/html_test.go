package report_test

import (
	"bytes"
	"html"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/report"
	"github.com/syncheck/syncheck/model"
)

var (
	tagRe       = regexp.MustCompile(`<[^>]*>`)
	dataStepsRe = regexp.MustCompile(`data-steps="([0-9 ]*)"`)
	blamedThRe  = regexp.MustCompile(`<th class="task blamed">([^<]*)</th>`)
	endCellRe   = regexp.MustCompile(`<td class="blamed bad">([^<]*)</td>`)
)

// text is s without its tags, unescaped.
func text(s string) string { return html.UnescapeString(tagRe.ReplaceAllString(s, "")) }

// element is the element of s that starts with open, up to its closing
// tag (no nesting of the same tag).
func element(t testing.TB, s, open, tag string) string {
	t.Helper()
	i := strings.Index(s, open)
	if i < 0 {
		t.Fatalf("the page has no %s", open)
	}
	j := strings.Index(s[i:], "</"+tag+">")
	if j < 0 {
		t.Fatalf("%s is not closed", open)
	}
	return s[i : i+j]
}

// checkPage checks an HTML report of c, as written or as a browser's DOM:
// the sentence of the text report; the task it blames, and only that one,
// in red (its column's header, and its end for a task that never ended);
// the calls-per-task table and the interleaving numbering steps 1 to the
// history's length, each once, in order; each "step N" of the sentence a
// link to the table's row of step N.
func checkPage(t testing.TB, page string, c *explore.Counterexample) {
	t.Helper()
	n := len(c.History)
	if got := strings.TrimSpace(text(element(t, page, `<p class="message" id="message">`, "p"))); got != c.Message {
		t.Errorf("the page's sentence is %q, the text report's %q", got, c.Message)
	}
	if !strings.Contains(text(element(t, page, `<h1`, "h1")), "property violated: "+string(c.Property)) {
		t.Errorf("the heading does not name %s", c.Property)
	}
	want := blamedInText(c.Message, c.Program.Names())
	tasks := element(t, page, `<table id="tasks"`, "table")
	var red []string
	for _, m := range blamedThRe.FindAllStringSubmatch(tasks, -1) {
		red = append(red, m[1])
	}
	slices.Sort(red)
	slices.Sort(want)
	if !slices.Equal(red, want) {
		t.Errorf("the page marks %v in red, the text report blames %v: %s", red, want, c.Message)
	}
	if strings.Contains(c.Message, "parked forever") {
		ends := endCellRe.FindAllStringSubmatch(tasks, -1)
		if len(ends) != len(want) {
			t.Errorf("%d red ends for %v", len(ends), want)
		}
		for _, m := range ends {
			if !strings.Contains(m[1], "parked forever") {
				t.Errorf("the red end says %q", m[1])
			}
		}
	}
	for _, tbl := range []struct{ name, open string }{
		{"the table", `<table id="tasks"`},
		{"the interleaving", `<table id="interleaving"`},
	} {
		var steps []int
		for _, m := range dataStepsRe.FindAllStringSubmatch(element(t, page, tbl.open, "table"), -1) {
			for _, f := range strings.Fields(m[1]) {
				s, _ := strconv.Atoi(f)
				steps = append(steps, s)
			}
		}
		wantSteps(t, tbl.name, steps, n)
	}
	for _, m := range stepInMessage.FindAllStringSubmatch(c.Message, -1) {
		id := `id="step-` + m[1] + `"`
		if !strings.Contains(tasks, id) {
			t.Errorf("the table has no row %s", id)
		}
		if !strings.Contains(page, `href="#step-`+m[1]+`"`) {
			t.Errorf("step %s of the sentence is not linked", m[1])
		}
	}
}

// TestHTML: the page of each case (quiescence, linearizability, fairness)
// says what the text report says and blames the same task.
func TestHTMLPages(t *testing.T) {
	seen := map[string]bool{}
	for _, name := range reportCases {
		t.Run(name, func(t *testing.T) {
			c := minimal(t, name)
			seen[string(c.Property)] = true
			var b bytes.Buffer
			if err := report.HTML(&b, c, report.About{Target: name, Dialect: model.Go, Seed: 7, Replay: "go run ./cmd/checkcli x"}); err != nil {
				t.Fatal(err)
			}
			page := b.String()
			checkPage(t, page, c)
			for _, want := range []string{"<!DOCTYPE html>", "implementation " + name, "seed 7", "go run ./cmd/checkcli x", `<details id="porcupine">`, "<iframe"} {
				if !strings.Contains(page, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
			// Self-contained: nothing to fetch.
			for _, bad := range []string{"<script src", "<link", "http://", "https://", "@import"} {
				if strings.Contains(strings.ReplaceAll(page, "http://www.w3.org/2000/svg", ""), bad) {
					t.Errorf("the page has %q", bad)
				}
			}
		})
	}
	for _, p := range []string{"quiescence", "linearizability", "fairness"} {
		if !seen[p] {
			t.Errorf("no case fails %s", p)
		}
	}
}

func TestNoCounterexampleHTML(t *testing.T) {
	var b bytes.Buffer
	if err := report.NoCounterexampleHTML(&b, report.About{Target: "impl", Dialect: model.Go, Seed: 3}, "no counterexample", []string{"1000 executions <judged>"}, ""); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{"<!DOCTYPE html>", "no counterexample", "1000 executions &lt;judged&gt;", "seed 3"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q:\n%s", want, page)
		}
	}
}
