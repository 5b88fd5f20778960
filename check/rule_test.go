package check_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/model/scenario"
)

// rows is the row of specs/README.md's Go dialect table that each mutant's
// kept counterexample (testdata/corpus) is found to break, "" where the
// failure contradicts no single row directly (the symptom is downstream:
// a join that returns early, an index that repeats, a permit too many).
// Each mutant copies a bug against a rule (check/internal/mutants,
// specs/bugs.md); between them they cover the cases the row is read from:
// a task parked forever after a release, a set, a notify, a get, a reset
// or a cancelled waiter's return; a barging acquire; a return the model
// does not allow there.
var rows = map[string]string{
	"lock-cancel-granted-strands":      "G3",  // the granted waiter, cancelled, neither keeps nor passes the lock
	"lock-barging":                     "G4",  // a newcomer takes the lock handed to a waiter
	"lock-tryacquire-in-window":        "",    // seen as an acquire returning early
	"lock-release-store-clears-queued": "G4",  // the release's hand-off is lost
	"event-check-then-park":            "G5",  // a Set in between is lost
	"event-clear-revokes":              "G5",  // a Set-Clear pulse is lost
	"event-set-store-loses-waiter":     "G5",  // the Set misses a waiter
	"cond-cancel-loses-notify":         "G8",  // the notified waiter, cancelled, does not forward
	"cond-cancel-skips-relock":         "G7",  // a cancelled Wait returns without the lock
	"cond-notify-counts-notified":      "G8",  // two notify(1) wake one waiter
	"cond-notify-unlocked":             "G6",  // Notify without the lock succeeds
	"cond-wait-ticket":                 "G8",  // a Notify is consumed by a later waiter
	"sem-wakeup-flag-stuck":            "",    // the model completes the acquire: no one event to blame
	"sem-cancel-drops-permit":          "G11", // the cancelled granted waiter drops its permit
	"sem-front-cancel-strands":         "G11", // the cancelled granted waiter does not pass its permit on
	"sem-release-double-permit":        "",    // seen as an acquire returning early
	"sem-check-then-queue":             "G11", // a Release in between is lost
	"sem-release-lost-update":          "G11", // the release's hand-off is lost
	"bsem-ignores-promised":            "",    // seen on a later acquire, not on the release
	"queue-get-cancel-drops-item":      "G15", // a cancelled Get handed an item drops it
	"queue-put-cancel-reports-failure": "G15", // an admitted Put reports its cancel
	"queue-putter-count-stale":         "G14", // a freed place goes to nobody
	"queue-pending-cancel-drops-item":  "G15", // a Get handed an item raises its pending cancel
	"lifoqueue-put-not-unfinished":     "",    // join semantics are asyncio's, no G row
	"priorityqueue-put-not-unfinished": "",
	"barrier-index-reused":             "",    // seen as an index the model does not allow
	"barrier-cancel-leaves-ghost":      "",    // seen as a party released early
	"barrier-reset-strands":            "G19", // Reset leaves the waiting parties parked
	"weighted-front-cancel-strands":    "G20", // the queue not re-examined when its front leaves
}

// TestRuleOfCorpus: replayed on its mutant, each kept counterexample
// (testdata/corpus) names the row its bug breaks (Result.Rule), every
// mutant is in the table, and every row named is one of specs/README.md's.
func TestRuleOfCorpus(t *testing.T) {
	readme := check.SpecRows(t)
	for _, m := range check.Mutants() {
		name := m.Target.Name()
		want, ok := rows[name]
		if !ok {
			t.Errorf("mutant %s: not in the table", name)
			continue
		}
		sc, err := scenario.ParseFile(filepath.Join("..", "testdata", "corpus", string(m.Target.Primitive()), name+".scn"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		r, err := check.ReplayScenario(sc, m.Target)
		if err != nil || !r.Failed {
			t.Errorf("%s: its counterexample does not fail (%v)", name, err)
			continue
		}
		if r.Rule != want {
			t.Errorf("%s (%s: %s): rule %q, want %q", name, r.Property, r.Message, r.Rule, want)
		}
		if r.Rule != "" && readme[r.Rule] == "" {
			t.Errorf("%s: rule %s is not a row of specs/README.md", name, r.Rule)
		}
	}
}

// TestRuleInReport: a search's result names the row in Result.Rule and in
// the report's third line, right under the property violated and how,
// with the row's topic as specs/README.md gives it.
func TestRuleInReport(t *testing.T) {
	readme := check.SpecRows(t)
	for _, m := range check.Mutants() {
		name := m.Target.Name()
		if name != "cond-notify-unlocked" && name != "event-clear-revokes" {
			continue
		}
		r, err := check.Run(m.Target, check.Options{Seed: 1, Runs: 20000})
		if !r.Failed {
			t.Fatalf("%s: not killed (%v)", name, err)
		}
		if r.Rule != rows[name] {
			t.Errorf("%s: Result.Rule %q, want %q", name, r.Rule, rows[name])
		}
		lines := strings.SplitN(r.Report, "\n", 4)
		head := "  breaks " + r.Rule + " (" + readme[r.Rule] + ", specs/README.md): "
		if len(lines) < 3 || !strings.HasPrefix(lines[0], "property violated: "+r.Property) || lines[1] != "  "+r.Message || !strings.HasPrefix(lines[2], head) {
			t.Errorf("%s: the report's third line is not %q...:\n%s", name, head, r.Report)
		}
	}
}

// TestNoRuleOutsideGo: the rows are the Go dialect's; a failure judged
// against another dialect names none.
func TestNoRuleOutsideGo(t *testing.T) {
	for _, m := range check.Mutants() {
		if m.Target.Name() != "lock-barging" {
			continue
		}
		r, err := check.Run(m.Target, check.Options{Seed: 1, Runs: 20000, Dialect: "asyncio-3.13"})
		if !r.Failed {
			t.Fatalf("lock-barging passes against asyncio-3.13 (%v): the test needs a failure", err)
		}
		if r.Rule != "" || strings.Contains(r.Report, "breaks G") {
			t.Errorf("judged against asyncio-3.13, the report names %s:\n%s", r.Rule, r.Report)
		}
	}
}
