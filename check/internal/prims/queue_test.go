package prims

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/check/internal/history"
	"github.com/syncheck/syncheck/model"
)

// hist builds a history from lines "T call put 3", "T ret get 3",
// "T ret put 3 cancelled", "T ret taskdone", "T call get".
func hist(t *testing.T, src string) []history.Event {
	t.Helper()
	var h []history.Event
	for _, line := range strings.Split(strings.TrimSpace(src), "\n") {
		f := strings.Fields(line)
		task, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("bad task in %q", line)
		}
		op := model.Op{Kind: model.Kind(f[2])}
		e := history.Event{Task: task, Op: op}
		rest := f[3:]
		if op.Kind == model.Put || op.Kind == model.PutNowait {
			op.Arg, _ = strconv.Atoi(rest[0])
			e.Op, rest = op, rest[1:]
		}
		switch f[1] {
		case "call":
			e.Kind = history.Call
		case "ret":
			e.Kind = history.Return
			if len(rest) > 0 {
				if n, err := strconv.Atoi(rest[0]); err == nil {
					e.Result.Int = n
				} else {
					e.Result.Err = model.Err(rest[0])
				}
			}
		default:
			t.Fatalf("bad line %q", line)
		}
		h = append(h, e)
	}
	return h
}

func name(t int) string { return fmt.Sprintf("T%d", t) }

// TestQueueInvariant: each clause of the queues' invariant fails on a
// history that breaks it, at the event that breaks it, and holds on
// histories a correct queue can produce (hand-offs, puts in flight).
func TestQueueInvariant(t *testing.T) {
	for _, tc := range []struct {
		p           model.Primitive
		src         string
		at          int // -1: holds
		msgContains string
	}{
		{model.Queue, `
			1 call put 1
			1 ret put 1
			2 call get
			2 ret get 1
			2 call get
			2 ret get 1`, 5, "an item was duplicated or made up"},
		{model.Queue, `
			1 call get
			1 ret get 7`, 1, "but only no put of it may have succeeded"},
		{model.Queue, `
			1 call put 1
			2 call get
			2 ret get 1
			1 ret put 1 cancelled`, 3, "the put reports failure although its item was enqueued"},
		{model.Queue, `
			1 call put 1
			1 ret put 1
			2 call taskdone
			2 ret taskdone
			2 call taskdone
			2 ret taskdone`, 5, "the unfinished count went negative"},
		// A get returning an item whose put is still in flight: a hand-off.
		{model.Queue, `
			2 call get
			1 call put 1
			2 ret get 1
			1 ret put 1`, -1, ""},
		// FIFO: 1 in before 2 was put, and still in when 2 came out.
		{model.Queue, `
			1 call put 1
			1 ret put 1
			1 call put 2
			1 ret put 2
			2 call get
			2 ret get 2`, 5, "first in, first out"},
		{model.Queue, `
			1 call put 1
			1 ret put 1
			1 call put 2
			1 ret put 2
			2 call get
			2 ret get 1`, -1, ""},
		// Concurrent gets may return in either order.
		{model.Queue, `
			1 call put 1
			1 ret put 1
			1 call put 2
			1 ret put 2
			2 call get
			3 call get
			3 ret get 2
			2 ret get 1`, -1, ""},
		{model.LifoQueue, `
			1 call put 1
			1 ret put 1
			1 call put 2
			1 ret put 2
			2 call get
			2 ret get 1`, 5, "last in, first out"},
		{model.LifoQueue, `
			1 call put 1
			1 ret put 1
			1 call put 2
			1 ret put 2
			2 call get
			2 ret get 2`, -1, ""},
		{model.PriorityQueue, `
			1 call put 3
			1 ret put 3
			1 call put 2
			1 ret put 2
			2 call get
			2 ret get 3`, 5, "least first"},
		// An immediate shutdown may have dropped the least item.
		{model.PriorityQueue, `
			1 call put 3
			1 ret put 3
			1 call put 2
			1 ret put 2
			3 call shutdownnow
			3 ret shutdownnow
			2 call get
			2 ret get 3`, -1, ""},
	} {
		check := queueInvariant(tc.p)
		at, msg := check(hist(t, tc.src), nil, model.Go, name)
		if at != tc.at || !strings.Contains(msg, tc.msgContains) {
			t.Errorf("%s %s:\n got at %d %q\nwant at %d %q", tc.p, tc.src, at, msg, tc.at, tc.msgContains)
		}
	}
}
