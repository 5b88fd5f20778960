package prims_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
)

// hist builds a history of waits from lines "A call", "A 1" (returned
// index 1), "A cancelled", "A broken".
func hist(t *testing.T, lines ...string) []history.Event {
	t.Helper()
	var h []history.Event
	tasks := map[string]int{}
	for _, ln := range lines {
		name, what, _ := strings.Cut(ln, " ")
		id, ok := tasks[name]
		if !ok {
			id = len(tasks)
			tasks[name] = id
		}
		wait := model.Op{Kind: model.Wait}
		switch what {
		case "call":
			h = append(h, history.Event{Kind: history.Call, Task: id, Op: wait})
		case "cancelled":
			h = append(h, history.Event{Kind: history.Return, Task: id, Op: wait, Result: model.Result{Err: model.Cancelled}})
		case "broken":
			h = append(h, history.Event{Kind: history.Return, Task: id, Op: wait, Result: model.Result{Err: model.BrokenBarrier}})
		default:
			n := 0
			for _, c := range what {
				n = n*10 + int(c-'0')
			}
			h = append(h, history.Event{Kind: history.Return, Task: id, Op: wait, Result: model.Result{Int: n}})
		}
	}
	return h
}

// TestBarrierIndexInvariant: the go dialect's index invariant accepts
// indices repeated across cycles, even overlapping ones, and refuses an
// index repeated in one cycle (gh-155233), a cycle tripped short, and an
// index out of range.
func TestBarrierIndexInvariant(t *testing.T) {
	check := prims.Lookup(model.Barrier).Invariants.Check
	for _, tc := range []struct {
		name    string
		parties int
		h       []history.Event
		fail    string
	}{
		{"two cycles in a row", 2, hist(t, "A call", "B call", "B 1", "A 0", "A call", "B call", "B 1", "A 0"), ""},
		{"overlapping cycles", 2, hist(t, "A call", "B call", "B 1", "B call", "C call", "C 1", "B 0", "A 0"), ""},
		{"a cancel while filling", 3, hist(t, "A call", "B call", "A cancelled", "C call", "D call", "D 2", "B 0", "C 1"), ""},
		{"still waiting at the end", 2, hist(t, "A call", "B call", "B 1", "A 0", "C call"), ""},
		{"index repeated in a cycle", 3, hist(t, "A call", "B call", "A cancelled", "C call", "D call", "D 2", "B 1", "C 1"), "an index repeated"},
		{"tripped short", 2, hist(t, "A call", "A cancelled", "B call", "B 1"), "tripped short"},
		{"out of range", 2, hist(t, "A call", "A 2"), "index 2 at step 2 in a barrier of 2"},
	} {
		at, msg := check(tc.h, model.Params{"parties": tc.parties}, model.Go, func(t int) string { return fmt.Sprint("T", t) })
		switch {
		case tc.fail == "" && at >= 0:
			t.Errorf("%s: refused at %d: %s", tc.name, at, msg)
		case tc.fail != "" && (at < 0 || !strings.Contains(msg, tc.fail)):
			t.Errorf("%s: got %d %q, want a failure saying %q", tc.name, at, msg, tc.fail)
		}
	}
	// asyncio's indices can repeat: nothing is checked.
	if at, _ := check(hist(t, "A call", "B call", "A cancelled", "C call", "D call", "D 2", "B 1", "C 1"), model.Params{"parties": 3}, model.Asyncio311, func(int) string { return "" }); at >= 0 {
		t.Error("the asyncio dialect's repeated index refused")
	}
}
