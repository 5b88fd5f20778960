package check_test

import (
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check"
)

var tagRe = regexp.MustCompile(`<[^>]*>`)

// checkHTML checks the page Options.HTML wrote for r: a page for every
// result (a counterexample of any property, a failure without one, a
// pass), with r's sentence; blamed, when not "", is the task the page must
// show in red.
func checkHTML(t *testing.T, path string, r check.Result, blamed string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no HTML page: %v", err)
	}
	page := string(b)
	txt := html.UnescapeString(tagRe.ReplaceAllString(page, ""))
	heading := "no counterexample"
	if r.Failed {
		heading = "property violated: " + r.Property
	}
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(txt, heading) || !strings.Contains(txt, r.Message) {
		t.Errorf("the page lacks the heading %q or the sentence %q:\n%.3000s", heading, r.Message, page)
	}
	if r.Rule != "" && !strings.Contains(txt, "breaks "+r.Rule+" (") {
		t.Errorf("the page does not name the rule %s the report names", r.Rule)
	}
	red := regexp.MustCompile(`<th class="task blamed">([^<]*)</th>`).FindAllStringSubmatch(page, -1)
	switch {
	case blamed == "" && len(red) > 0:
		t.Errorf("the page blames %s", red[0][1])
	case blamed != "" && (len(red) != 1 || red[0][1] != blamed):
		t.Errorf("the page blames %v, want %s", red, blamed)
	}
}

// TestHTMLNamesRule: the page of a counterexample that breaks a row of
// the Go dialect's table names it, as the text report does.
func TestHTMLNamesRule(t *testing.T) {
	var target check.Target
	for _, m := range check.Mutants() {
		if m.Target.Name() == "lock-barging" {
			target = m.Target
		}
	}
	page := filepath.Join(t.TempDir(), "r.html")
	r, _ := check.Run(target, check.Options{Seed: 5, Runs: 3000, HTML: page})
	if !r.Failed || r.Rule == "" {
		t.Fatalf("lock-barging: failed %v, rule %q", r.Failed, r.Rule)
	}
	checkHTML(t, page, r, strings.Fields(r.Message)[0][:2]) // "T2's acquire returned ok ..."
}
