package report_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/check/internal/report"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// minimal is the counterexample the exhaustive strategy finds on the
// program of a mutant's minimal scenario (testdata/mutants): small, and the
// same whatever the search's seeds.
func minimal(t testing.TB, name string) *explore.Counterexample {
	t.Helper()
	m, ok := mutants.ByName(name)
	if !ok {
		t.Fatalf("no mutant %s", name)
	}
	sc, err := scenario.ParseFile(filepath.Join("..", "..", "..", "testdata", "mutants", name+".scn"))
	if err != nil {
		t.Fatal(err)
	}
	prog := explore.ProgramOf(sc)
	if name == "cond-cancel-loses-notify" {
		// The scenario's steps stop where N's notification is lost; in a
		// whole run W, back from its cancelled wait holding the lock, must
		// release it for N's stranding to show at the end.
		prog.Tasks[0].Ops = append(prog.Tasks[0].Ops, model.Op{Kind: model.Release})
	}
	c, _ := explore.Check(m.Target, prog, explore.Config{Strategy: explore.Exhaustive(2, 0)}, nil)
	if c == nil {
		t.Fatalf("%s: its minimal program does not fail", name)
	}
	return c
}

// reportCases are counterexamples of several properties: a lost wakeup
// (quiescence), linearizability, fairness.
var reportCases = []string{
	"cond-cancel-loses-notify",
	"lock-tryacquire-in-window",
	"queue-get-cancel-drops-item",
	"sem-release-double-permit",
	"lock-barging",
	"weighted-front-cancel-strands",
}

var stepInMessage = regexp.MustCompile(`\bsteps? (\d+)\b`)

// expand turns a step label ("7", "4-5") into its steps.
func expand(t testing.TB, label string) []int {
	t.Helper()
	lo, hi, ok := strings.Cut(label, "-")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a > b {
		t.Fatalf("bad step label %q", label)
	}
	var out []int
	for s := a; s <= b; s++ {
		out = append(out, s)
	}
	return out
}

// wantSteps fails unless got is 1..n in order.
func wantSteps(t testing.TB, where string, got []int, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("%s numbers %d steps, the history has %d: %v", where, len(got), n, got)
	}
	for i, s := range got {
		if s != i+1 {
			t.Fatalf("%s numbers step %d where %d is due: %v", where, s, i+1, got)
		}
	}
}

// blamedInText is the task the text report's sentence blames: the first
// task named as "X's" or "X is parked", "X, Y are parked".
func blamedInText(msg string, names []string) []string {
	best, who := len(msg)+1, []string(nil)
	for _, n := range names {
		for _, form := range []string{n + "'s ", n + " is parked", n + " is blocked", n + ", "} {
			if i := strings.Index(msg, form); i >= 0 && (i == 0 || !isWord(msg[i-1])) && i < best {
				best, who = i, []string{n}
			}
		}
	}
	if m := regexp.MustCompile(`((?:\w+, )+\w+) are parked forever`).FindStringSubmatch(msg); m != nil {
		return strings.Split(m[1], ", ")
	}
	return who
}

func isWord(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// TestOneNumbering: the text report's table and interleaving number the
// same steps, 1 to the history's length, each once and in order; the
// interleaving's step N is the action of History[N-1]'s task; every step
// the sentence names is on the table; the JSON's steps are the same.
func TestOneNumbering(t *testing.T) {
	for _, name := range reportCases {
		t.Run(name, func(t *testing.T) {
			c := minimal(t, name)
			n := len(c.History)
			var b bytes.Buffer
			report.Counterexample(&b, c, "")
			text := b.String()
			var table, inter []int
			section := ""
			for _, line := range strings.Split(text, "\n") {
				switch {
				case strings.HasPrefix(line, "| step"), strings.HasPrefix(line, "| --"):
					section = "table"
					continue
				case strings.HasPrefix(line, "interleaving"):
					section = "interleaving"
					continue
				}
				switch section {
				case "table":
					if !strings.HasPrefix(line, "| ") {
						section = ""
						continue
					}
					table = append(table, expand(t, strings.TrimSpace(strings.Split(line, "|")[1]))...)
				case "interleaving":
					f := strings.Fields(line)
					if len(f) < 2 {
						continue
					}
					if f[0][0] < '0' || f[0][0] > '9' {
						continue // an action that recorded nothing
					}
					steps := expand(t, f[0])
					inter = append(inter, steps...)
					task := c.Program.Tasks[c.History[steps[0]-1].Task].Name
					if f[1] != task && !(f[1] == "cancel" && strings.HasPrefix(f[2], task+"#")) {
						t.Errorf("interleaving line %q: step %d is %s's", line, steps[0], task)
					}
				}
			}
			wantSteps(t, "the table", table, n)
			wantSteps(t, "the interleaving", inter, n)
			for _, m := range stepInMessage.FindAllStringSubmatch(c.Message, -1) {
				if s, _ := strconv.Atoi(m[1]); s < 1 || s > n {
					t.Errorf("the message names step %d, the table has 1 to %d: %s", s, n, c.Message)
				}
			}

			var j bytes.Buffer
			if err := report.WriteJSON(&j, report.JSONOf(c, "")); err != nil {
				t.Fatal(err)
			}
			var back report.CounterexampleJSON
			if err := json.Unmarshal(j.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			var js []int
			for _, e := range back.History {
				js = append(js, e.Step)
			}
			wantSteps(t, "the JSON history", js, n)
			for _, v := range back.Verdicts {
				if v.Status != "fail" {
					continue
				}
				if v.Step < 0 || v.Step > n {
					t.Errorf("verdict %s at_step %d, the history has %d steps", v.Property, v.Step, n)
				}
				// Where the sentence says "at step N" of the event that
				// broke it, at_step is that N.
				if m := regexp.MustCompile(`returned \S+ at step (\d+)`).FindStringSubmatch(v.Message); m != nil && v.Property == string(c.Property) {
					if want, _ := strconv.Atoi(m[1]); v.Step != want {
						t.Errorf("verdict at_step %d, its message says step %d: %s", v.Step, want, v.Message)
					}
				}
			}
			if strings.Contains(j.String(), "at_event") {
				t.Error("the JSON still has at_event")
			}
		})
	}
}

// TestBlamedInText: the text blames someone in every case (the HTML tests
// rely on it).
func TestBlamedInText(t *testing.T) {
	for _, name := range reportCases {
		c := minimal(t, name)
		if who := blamedInText(c.Message, c.Program.Names()); len(who) == 0 {
			t.Errorf("%s: no task blamed in %q", name, c.Message)
		}
	}
	if got := fmt.Sprint(blamedInText("in the order the waiters queued, N is parked forever in wait", []string{"W", "N"})); got != "[N]" {
		t.Errorf("blamedInText = %s", got)
	}
}
