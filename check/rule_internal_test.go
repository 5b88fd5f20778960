package check

import (
	"os"
	"regexp"
	"testing"
)

// specRows reads the Go dialect's table of specs/README.md: row -> topic.
func specRows(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile("../specs/README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^\| (G\d+) \| ([^|]+) \|`).FindAllSubmatch(b, -1) {
		rows[string(m[1])] = string(m[2])
	}
	if len(rows) < 10 {
		t.Fatalf("found %d rows in specs/README.md's Go dialect table: the table's format changed?", len(rows))
	}
	return rows
}

// TestRuleRowsExist: every row a report can name is a row of
// specs/README.md's Go dialect table, with the topic the report gives it.
func TestRuleRowsExist(t *testing.T) {
	rows := specRows(t)
	for id, topic := range ruleTopics {
		if got, ok := rows[id]; !ok {
			t.Errorf("%s is not a row of specs/README.md's Go dialect table", id)
		} else if got != topic {
			t.Errorf("%s: specs/README.md's topic is %q, the reports say %q", id, got, topic)
		}
	}
}
