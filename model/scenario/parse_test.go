package scenario

import (
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/syncheck/syncheck/model"
)

func TestParseGood(t *testing.T) {
	src := `# C1 (gh-112202): notify(1), then the notified waiter is cancelled.
#
#  indented text

# after a blank line
primitive condition
conditions 2   # two Conditions on one Lock

task W1: acquire, c2.wait!, release
task N : acquire,c1.notify -3, notifyall, add +4, c2.waitfor 5, locked, tryacquire

# a comment between steps
W1 acquire -> ok
W1 c2.wait! -> cancelled
cancel W1
W1 c2.wait! sees grant
N acquire->ok
N c1.notify -3 -> ok | not-locked
N c2.waitfor 5 sees cancel -> blocks|ok|cancelled
N locked -> true|false
`
	s, err := Parse("good.scn", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Scenario{
		File:      "good.scn",
		Comment:   []string{"C1 (gh-112202): notify(1), then the notified waiter is cancelled.", "", " indented text", "", "after a blank line"},
		Primitive: model.Condition,
		Dialect:   model.Go,
		Params:    model.Params{"conditions": 2},
		Tasks: []Task{
			{Name: "W1", Line: 9, Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Wait, Cond: 1, CtxDone: true}, {Kind: model.Release}}},
			{Name: "N", Line: 10, Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Notify, Arg: -3}, {Kind: model.NotifyAll}, {Kind: model.Add, Arg: 4}, {Kind: model.WaitFor, Cond: 1, Arg: 5}, {Kind: model.Locked}, {Kind: model.TryAcquire}}},
		},
		Steps: []Step{
			{Kind: Run, Task: 0, Op: model.Op{Kind: model.Acquire}, Expect: []Expect{{Kind: ExpectErr, Err: model.OK}}, Line: 13},
			{Kind: Run, Task: 0, Op: model.Op{Kind: model.Wait, Cond: 1, CtxDone: true}, Expect: []Expect{{Kind: ExpectErr, Err: model.Cancelled}}, Line: 14},
			{Kind: Cancel, Task: 0, Line: 15},
			{Kind: Run, Task: 0, Op: model.Op{Kind: model.Wait, Cond: 1, CtxDone: true}, Sees: SeesGrant, Line: 16},
			{Kind: Run, Task: 1, Op: model.Op{Kind: model.Acquire}, Expect: []Expect{{Kind: ExpectErr, Err: model.OK}}, Line: 17},
			{Kind: Run, Task: 1, Op: model.Op{Kind: model.Notify, Arg: -3}, Expect: []Expect{{Kind: ExpectErr, Err: model.OK}, {Kind: ExpectErr, Err: model.NotLocked}}, Line: 18},
			{Kind: Run, Task: 1, Op: model.Op{Kind: model.WaitFor, Cond: 1, Arg: 5}, Sees: SeesCancel, Expect: []Expect{{Kind: ExpectBlocks}, {Kind: ExpectErr, Err: model.OK}, {Kind: ExpectErr, Err: model.Cancelled}}, Line: 19},
			{Kind: Run, Task: 1, Op: model.Op{Kind: model.Locked}, Expect: []Expect{{Kind: ExpectBool, Bool: true}, {Kind: ExpectBool, Bool: false}}, Line: 20},
		},
	}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("got\n%#v\nwant\n%#v", s, want)
	}
	const canon = `# C1 (gh-112202): notify(1), then the notified waiter is cancelled.
#
#  indented text
#
# after a blank line
primitive condition
conditions 2

task W1: acquire, c2.wait!, release
task N: acquire, c1.notify -3, c1.notifyall, add 4, c2.waitfor 5, locked, tryacquire

W1 acquire -> ok
W1 c2.wait! -> cancelled
cancel W1
W1 c2.wait! sees grant
N acquire -> ok
N c1.notify -3 -> ok|not-locked
N c2.waitfor 5 sees cancel -> blocks|ok|cancelled
N locked -> true|false
`
	if got := string(Print(s)); got != canon {
		t.Fatalf("Print:\n%s\nwant\n%s", got, canon)
	}
	assertRoundTrip(t, s)
}

// TestParseDefaults: the header's defaults and what Print leaves out.
func TestParseDefaults(t *testing.T) {
	for _, tc := range []struct {
		src    string
		params model.Params
		canon  string
	}{
		{"primitive lock\ntask A: acquire\nA acquire", model.Params{}, "primitive lock\n\ntask A: acquire\n\nA acquire\n"},
		{"primitive semaphore\ntask A: value\nA value -> 1", model.Params{"value": 1}, "primitive semaphore\n\ntask A: value\n\nA value -> 1\n"},
		{"value 0\nprimitive boundedsemaphore\ndialect go\ntask A: release\nA release -> released-too-often", model.Params{"value": 0}, "primitive boundedsemaphore\nvalue 0\n\ntask A: release\n\nA release -> released-too-often\n"},
		{"primitive condition\nconditions 1\ndialect asyncio-3.13\ntask A: c1.wait\nA wait", model.Params{"conditions": 1}, "primitive condition\ndialect asyncio-3.13\n\ntask A: wait\n\nA wait\n"},
		{"\ufeff\r\n\r\nprimitive event\r\ntask A: isset, wait!\r\nA isset -> false\r\nA wait! -> cancelled\r\n", model.Params{}, "primitive event\n\ntask A: isset, wait!\n\nA isset -> false\nA wait! -> cancelled\n"},
	} {
		s, err := Parse("d.scn", []byte(tc.src))
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if !maps.Equal(s.Params, tc.params) {
			t.Errorf("%q: params %+v, want %+v", tc.src, s.Params, tc.params)
		}
		if s.Dialect == "" {
			t.Errorf("%q: empty dialect", tc.src)
		}
		if got := string(Print(s)); got != tc.canon {
			t.Errorf("%q: Print\n%s\nwant\n%s", tc.src, got, tc.canon)
		}
		assertRoundTrip(t, s)
	}
}

func TestParseBad(t *testing.T) {
	const lock = "primitive lock\ntask A: acquire, release\ntask B: acquire, tryacquire, locked\n"
	const cond = "primitive condition\nconditions 2\ntask W: acquire, c1.wait, c2.wait, release\ntask N: acquire, c2.notify 1, add 1, release\n"
	const sem = "primitive boundedsemaphore\nvalue 1\ntask S: acquire, release, value\n"
	for _, tc := range []struct{ src, want string }{
		// queues: a bad maxsize, ops of another primitive, an op another
		// dialect has, an item missing, a get answering a negative item
		{"primitive queue\nmaxsize -1\ntask A: put 1\n", "x.scn:2: maxsize must be between 0 and 1000000, got -1"},
		{"primitive lock\nmaxsize 2\ntask A: acquire\n", "x.scn:2: maxsize is only for queue, lifoqueue and priorityqueue, not lock"},
		{"primitive lifoqueue\ntask A: acquire\n", "x.scn:2: unknown op \"acquire\" for lifoqueue (want put, get, putnowait, getnowait, taskdone, join, shutdown, shutdownnow, qsize, empty, full)"},
		{"primitive queue\ndialect asyncio-3.11\ntask A: shutdownnow\n", "x.scn:3: queue asyncio-3.11 has no op shutdownnow (only go, asyncio-3.13 have it)"},
		{"primitive queue\ntask A: put\n", "x.scn:2: op put needs an item: put N"},
		{"primitive queue\ntask A: get\nA get -> -1\n", "x.scn:3: get never returns a negative number"},
		// the header
		{"primitive lock\ntarget 9lives\n", "x.scn:2: target \"9lives\": want a name (a letter, then letters, digits, '_' or '-')"},
		{lock + "A acquire @\n", "x.scn:4: @ needs a scheduling point: A acquire @ POINT"},
		{lock + "A acquire @ lock -> ok\n", "x.scn:4: a partial step (@ lock) stops inside the call and has no outcome: drop the -> part"},
		{lock + "A acquire @ lock park\n", "x.scn:4: unexpected \"park\" after @ lock (a partial step has no outcome)"},
		{"", "x.scn:1: missing primitive line before the tasks (want primitive lock, event, condition, semaphore, boundedsemaphore, queue, lifoqueue, priorityqueue, barrier, weighted)"},
		{"# only a comment\n", "x.scn:1: missing primitive line before the tasks (want primitive lock, event, condition, semaphore, boundedsemaphore, queue, lifoqueue, priorityqueue, barrier, weighted)"},
		{"primitive lock\n", "x.scn:1: no task lines (want task NAME: op, op, ...)"},
		{"primitive lock\ntask A: acquire\n", "x.scn:2: no steps (want NAME OP -> EXPECT lines after the task lines)"},
		{"task A: acquire\nA acquire\n", "x.scn:1: missing primitive line before the tasks (want primitive lock, event, condition, semaphore, boundedsemaphore, queue, lifoqueue, priorityqueue, barrier, weighted)"},
		{"primitive mutex\ntask A: acquire\n", "x.scn:1: unknown primitive \"mutex\" (want lock, event, condition, semaphore, boundedsemaphore, queue, lifoqueue, priorityqueue, barrier, weighted)"},
		{"primitive\n", "x.scn:1: primitive needs exactly one argument: primitive P"},
		{"primitive lock event\n", "x.scn:1: primitive needs exactly one argument: primitive P"},
		{"primitive lock\nprimitive lock\n" + "task A: acquire\nA acquire", "x.scn:2: duplicate primitive line (first at line 1)"},
		{"primitive lock\ndialect asyncio-3.12\ntask A: acquire\nA acquire", "x.scn:2: unknown dialect \"asyncio-3.12\" (want go, asyncio-3.11, asyncio-3.13, x/sync)"},
		{"primitive weighted\ndialect asyncio-3.11\ntask A: wacquire 1\nA wacquire 1", "x.scn:2: weighted has no dialect asyncio-3.11 (want go, x/sync)"},
		{"dialect x/sync\nprimitive lock\ntask A: acquire\nA acquire", "x.scn:1: lock has no dialect x/sync (want go, asyncio-3.11, asyncio-3.13)"},
		{"primitive semaphore\nvalue -1\ntask A: acquire\nA acquire", "x.scn:2: value must be between 0 and 1000000000, got -1"},
		{"primitive semaphore\nvalue x\ntask A: acquire\nA acquire", "x.scn:2: \"x\" is not an integer (want value N)"},
		{"primitive semaphore\nvalue 99999999999999999999\ntask A: acquire\nA acquire", "x.scn:2: \"99999999999999999999\" is out of range (at most 1000000000 in absolute value)"},
		{"primitive condition\nconditions 0\ntask A: acquire\nA acquire", "x.scn:2: conditions must be between 1 and 100, got 0"},
		{"primitive lock\nvalue 2\ntask A: acquire\nA acquire", "x.scn:2: value is only for semaphore and boundedsemaphore, not lock"},
		{"conditions 2\nprimitive semaphore\ntask A: acquire\nA acquire", "x.scn:1: conditions is only for condition, not semaphore"},
		{"primitve lock\n", "x.scn:1: unexpected \"primitve\" before the task lines (want primitive, dialect, conditions, value, maxsize, parties, size, target or task NAME: op, ...)"},
		{lock + "dialect go\nA acquire", "x.scn:4: dialect line after the task lines (header lines come first)"},
		// task lines
		{"primitive lock\ntask A acquire\n", "x.scn:2: task line needs a colon: task NAME: op, op, ..."},
		{"primitive lock\ntask : acquire\n", "x.scn:2: task line needs a name: task NAME: op, op, ..."},
		{"primitive lock\ntask cancel: acquire\n", "x.scn:2: \"cancel\" is a keyword and cannot name a task"},
		{"primitive lock\ntask 1A: acquire\n", "x.scn:2: bad task name \"1A\" (want a letter followed by letters, digits or _)"},
		{"primitive lock\ntask A-B: acquire\n", "x.scn:2: bad task name \"A-B\" (want a letter followed by letters, digits or _)"},
		{"primitive lock\ntask A:\n", "x.scn:2: task A has no ops (want task A: op, op, ...)"},
		{"primitive lock\ntask A: acquire,, release\n", "x.scn:2: task A: empty op in the list (a doubled or trailing comma?)"},
		{"primitive lock\ntask A: acquire release\n", "x.scn:2: unexpected \"release\" after acquire (ops are separated by commas)"},
		{lock + "task A: release\nA release", "x.scn:4: duplicate task A (first declared at line 2)"},
		{lock + "A acquire\ntask C: acquire\n", "x.scn:5: task line after the first step (task lines come before the steps)"},
		// ops
		{"primitive lock\ntask A: aquire\n", "x.scn:2: unknown op \"aquire\" for lock (want acquire, tryacquire, release, locked)"},
		{"primitive event\ntask A: acquire\n", "x.scn:2: unknown op \"acquire\" for event (want wait, set, clear, isset)"},
		{"primitive semaphore\ntask A: notify 1\n", "x.scn:2: unknown op \"notify\" for semaphore (want acquire, tryacquire, release, locked, value)"},
		{"primitive condition\ntask A: notify\n", "x.scn:2: op notify needs a count: notify N"},
		{"primitive condition\ntask A: waitfor\n", "x.scn:2: op waitfor needs a threshold: waitfor K"},
		{"primitive condition\ntask A: add x\n", "x.scn:2: op add needs a delta: add N, got \"x\""},
		{"primitive condition\ntask A: add 1.5\n", "x.scn:2: op add needs a delta: add N, got \"1.5\""},
		{"primitive condition\ntask A: notify 2000000000\n", "x.scn:2: notify 2000000000: out of range (at most 1000000000 in absolute value)"},
		{"primitive condition\ntask A: notifyall 1\n", "x.scn:2: op notifyall takes no argument"},
		{"primitive lock\ntask A: acquire 1\n", "x.scn:2: op acquire takes no argument"},
		{"primitive condition\nconditions 2\ntask A: c3.wait\n", "x.scn:3: c3.wait: the scenario has 2 conditions"},
		{"primitive condition\ntask A: c2.notify 1\n", "x.scn:2: c2.notify: the scenario has 1 condition"},
		{"primitive condition\ntask A: c0.wait\n", "x.scn:2: c0.wait: Conditions are numbered from 1"},
		{"primitive condition\ntask A: c1.acquire\n", "x.scn:2: c1.acquire: acquire is not an op of one Condition (only wait, waitfor, notify and notifyall take a cK. prefix)"},
		{"primitive condition\ntask A: c1.add 1\n", "x.scn:2: c1.add: add is not an op of one Condition (only wait, waitfor, notify and notifyall take a cK. prefix)"},
		{"primitive event\ntask A: c1.wait\n", "x.scn:2: c1.wait: cK. prefixes are for condition scenarios only (this one is event)"},
		{"primitive condition\ntask A: cx.wait\n", "x.scn:2: bad prefix \"cx.\" in \"cx.wait\" (want cK. naming a Condition, as in c2.wait)"},
		{"primitive condition\ntask A: 2.wait\n", "x.scn:2: bad prefix \"2.\" in \"2.wait\" (want cK. naming a Condition, as in c2.wait)"},
		{"primitive lock\ntask A: tryacquire!\n", "x.scn:2: tryacquire!: only calls that take a context can start cancelled (in a lock scenario: acquire)"},
		{"primitive condition\ntask A: notify! 1\n", "x.scn:2: notify!: only calls that take a context can start cancelled (in a condition scenario: acquire, wait or waitfor)"},
		{"primitive lock\ntask A: acquire !\n", "x.scn:2: \"!\" goes right after the op name, with no space: acquire!"},
		{"primitive lock\ntask A: !acquire\n", "x.scn:2: \"!acquire\": \"!\" goes right after the op name (acquire!)"},
		{"primitive lock\ntask A: acq!uire\n", "x.scn:2: misplaced \"!\" in \"acq!uire\" (it goes right after the op name, as in acquire!)"},
		{"primitive lock\ntask A: acquire!!\n", "x.scn:2: misplaced \"!\" in \"acquire!!\" (it goes right after the op name, as in acquire!)"},
		{"primitive condition\ntask A: waitfor 5!\n", "x.scn:2: \"!\" goes right after the op name: waitfor! 5"},
		{"primitive condition\ntask A: waitfor ! 5\n", "x.scn:2: \"!\" goes right after the op name, with no space: waitfor! N"},
		// steps
		{lock + "W3 acquire -> ok\n", "x.scn:4: step names W3, but no task W3 is declared"},
		{lock + "cancel W3\n", "x.scn:4: step names W3, but no task W3 is declared"},
		{lock + "cancel\n", "x.scn:4: cancel needs a task name: cancel NAME"},
		{lock + "cancel A B\n", "x.scn:4: unexpected \"B\" after cancel A (write just: cancel NAME)"},
		{lock + "cancel A sees grant\n", "x.scn:4: sees goes on a step that runs a task, not on a cancel (write just: cancel NAME)"},
		{lock + "cancel A -> ok\n", "x.scn:4: a cancel step has no outcome (write just: cancel NAME)"},
		{lock + "A\n", "x.scn:4: step A needs an op (want A OP -> EXPECT)"},
		{lock + "-> ok\n", "x.scn:4: outcome without a step (want NAME OP -> EXPECT)"},
		{lock + "A aquire -> ok\n", "x.scn:4: unknown op \"aquire\" for lock (want acquire, tryacquire, release, locked)"},
		{lock + "A locked -> true\n", "x.scn:4: task A has no op locked (its ops: acquire, release)"},
		{lock + "A acquire! -> ok\n", "x.scn:4: task A has no op acquire! (its ops: acquire, release)"},
		{cond + "N notify -> ok\n", "x.scn:5: op notify needs a count: notify N"},
		{cond + "N c2.notify 2 -> ok\n", "x.scn:5: task N has no op c2.notify 2 (its ops: acquire, c2.notify 1, add 1, release)"},
		{cond + "N notify 1 -> ok\n", "x.scn:5: task N has no op c1.notify 1 (its ops: acquire, c2.notify 1, add 1, release)"},
		{cond + "W c1.wait sees\n", "x.scn:5: sees needs grant or cancel"},
		{cond + "W c1.wait sees nothing\n", "x.scn:5: sees nothing: want sees grant or sees cancel"},
		{cond + "W c1.wait sees grant now -> ok\n", "x.scn:5: unexpected \"now\" after sees grant (want @ POINT or -> EXPECT)"},
		{cond + "W c1.wait ok\n", "x.scn:5: unexpected \"ok\" after W c1.wait (want sees grant, sees cancel, @ POINT or -> EXPECT)"},
		{cond + "W release sees grant -> ok\n", "x.scn:5: W release sees grant: only a parked call (acquire, wait or waitfor) can see a grant or a cancel"},
		// expectations
		{lock + "A acquire ->\n", "x.scn:4: -> needs an outcome (blocks, ok, cancelled)"},
		{lock + "A acquire -> okay\n", "x.scn:4: unknown outcome \"okay\" (want blocks, ok, cancelled, not-locked, true, false or an integer)"},
		{lock + "A acquire -> ok||blocks\n", "x.scn:4: empty outcome in \"ok||blocks\" (outcomes are joined by |)"},
		{lock + "A acquire -> ok blocks\n", "x.scn:4: unexpected \"blocks\" after outcome ok (join several outcomes with |)"},
		{lock + "A acquire -> ok|ok\n", "x.scn:4: outcome ok listed twice"},
		{lock + "A acquire -> ok -> ok\n", "x.scn:4: more than one -> in a step"},
		{lock + "A acquire -> true\n", "x.scn:4: acquire cannot end with true (its outcomes: blocks, ok, cancelled)"},
		{lock + "A acquire -> not-locked\n", "x.scn:4: acquire cannot end with not-locked (its outcomes: blocks, ok, cancelled)"},
		{lock + "A release -> released-too-often\n", "x.scn:4: release cannot end with released-too-often (its outcomes: ok, not-locked)"},
		{lock + "B tryacquire -> ok\n", "x.scn:4: tryacquire cannot end with ok (its outcomes: true, false)"},
		{lock + "B locked -> 1\n", "x.scn:4: locked cannot end with 1 (its outcomes: true, false)"},
		{lock + "B tryacquire -> blocks\n", "x.scn:4: tryacquire cannot end with blocks (its outcomes: true, false)"},
		{sem + "S value -> -1\n", "x.scn:4: value never returns a negative number"},
		{sem + "S value -> ok\n", "x.scn:4: value cannot end with ok (its outcomes: an integer >= 0)"},
		{sem + "S release -> not-locked\n", "x.scn:4: release cannot end with not-locked (its outcomes: ok, released-too-often)"},
		{cond + "N add 1 -> cancelled\n", "x.scn:5: add 1 cannot end with cancelled (its outcomes: ok)"},
		{cond + "N c2.notify 1 -> blocks\n", "x.scn:5: c2.notify 1 cannot end with blocks (its outcomes: ok, not-locked)"},
	} {
		s, err := Parse("x.scn", []byte(tc.src))
		if err == nil {
			t.Errorf("%q: parsed, want error %q\n%s", tc.src, tc.want, Print(s))
			continue
		}
		if s != nil {
			t.Errorf("%q: non-nil scenario with an error", tc.src)
		}
		if err.Error() != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, err, tc.want)
		}
	}
}

// TestParseBriefExample: the message format, with a file name as ParseDir
// and checkcli pass it.
func TestParseBriefExample(t *testing.T) {
	src := "# basic\nprimitive lock\n\ntask A: acquire, release\n\nA acquire -> ok\ntask B: aquire\n"
	_, err := Parse("lock/basic.scn", []byte(src))
	want := "lock/basic.scn:7: task line after the first step (task lines come before the steps)"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	src = "# basic\nprimitive lock\n\ntask A: acquire, release\n\nA acquire -> ok\nA aquire -> ok\n"
	_, err = Parse("lock/basic.scn", []byte(src))
	want = `lock/basic.scn:7: unknown op "aquire" for lock (want acquire, tryacquire, release, locked)`
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
}

// TestParseSeveralErrors: the parse goes on after an error, reports each
// (without cascades from a broken task line) and stops at ten.
func TestParseSeveralErrors(t *testing.T) {
	src := `primitive lock
task A: aquire, release
task B: acquire
A aquire -> ok
B acquire -> ok
B acquire -> maybe
C acquire
`
	_, err := Parse("m.scn", []byte(src))
	want := `m.scn:2: unknown op "aquire" for lock (want acquire, tryacquire, release, locked)
m.scn:6: unknown outcome "maybe" (want blocks, ok, cancelled, not-locked, true, false or an integer)
m.scn:7: step names C, but no task C is declared`
	if err == nil || err.Error() != want {
		t.Fatalf("got\n%v\nwant\n%s", err, want)
	}
	var b strings.Builder
	b.WriteString("primitive lock\ntask A: acquire\n")
	for range 20 {
		b.WriteString("A frob\n")
	}
	_, err = Parse("m.scn", []byte(b.String()))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 11 || lines[10] != "m.scn:13: too many errors" {
		t.Fatalf("got %d lines, last %q", len(lines), lines[len(lines)-1])
	}
	var pe *Error
	if !errorsAs(err, &pe) || pe.Line != 3 || pe.File != "m.scn" {
		t.Fatalf("errors.As: %v %+v", err, pe)
	}
}

func TestParseFileAndDir(t *testing.T) {
	dir := t.TempDir()
	write := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("b/two.scn", "primitive lock\ntask A: acquire\nA acquire -> ok\n")
	write("a.scn", "primitive event\ntask A: set\nA set -> ok\n")
	write("b/bad.scn", "primitive lock\ntask A: set\n")
	write("b/notes.txt", "not a scenario")
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	rel := func(ps []string) []string {
		var out []string
		for _, p := range ps {
			r, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(r))
		}
		return out
	}
	if got, want := rel(files), []string{"a.scn", "b/bad.scn", "b/two.scn"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("Files = %v, want %v", got, want)
	}
	scs, err := ParseDir(dir)
	if len(scs) != 2 || err == nil || !strings.HasPrefix(err.Error(), filepath.Join(dir, "b/bad.scn")+":2: unknown op \"set\" for lock") {
		t.Fatalf("ParseDir: %d scenarios, %v", len(scs), err)
	}
	if scs[1].File != filepath.Join(dir, "b/two.scn") {
		t.Fatalf("File = %q", scs[1].File)
	}
	if _, err := ParseFile(filepath.Join(dir, "missing.scn")); err == nil {
		t.Fatal("ParseFile of a missing file: no error")
	}
	if _, err := Parse("", []byte("primitive lock")); err == nil || !strings.HasPrefix(err.Error(), "<input>:1: ") {
		t.Fatalf("Parse without a file name: %v", err)
	}
}

// TestHugeToken: a huge or binary token gives a short, escaped message.
func TestHugeToken(t *testing.T) {
	src := "primitive lock\ntask A: acquire\nA " + strings.Repeat("x", 10<<20) + "\x00\n"
	_, err := Parse("huge.scn", []byte(src))
	if err == nil {
		t.Fatal("a 10 MB token parsed")
	}
	if msg := err.Error(); len(msg) > 500 || strings.ContainsRune(msg, 0) {
		t.Fatalf("message of %d bytes (NUL: %v): %.200s", len(msg), strings.ContainsRune(msg, 0), msg)
	}
}
