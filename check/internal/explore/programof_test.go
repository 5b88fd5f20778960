package explore

import (
	"testing"

	"github.com/syncheck/syncheck/model/scenario"
)

// TestProgramOf: a scenario's program keeps its tasks and calls, and has
// a cancel for each cancel step that lands on a call in flight (one that
// blocked, or was stopped inside), none for a cancel between calls.
func TestProgramOf(t *testing.T) {
	sc, err := scenario.Parse("x.scn", []byte(`primitive lock
task A: acquire, release
task B: acquire, acquire, release

A acquire -> ok
cancel A
B acquire -> blocks
cancel B
B acquire sees cancel -> cancelled
B acquire -> blocks
A release -> ok
cancel B
B acquire -> ok
B release -> ok
A release -> not-locked
`))
	if err != nil {
		t.Fatal(err)
	}
	p := ProgramOf(sc)
	if len(p.Tasks) != 2 || p.NumOps() != 5 || p.Primitive != sc.Primitive {
		t.Fatalf("program %+v", p)
	}
	want := []Cancel{{Task: 1, Call: 0}, {Task: 1, Call: 1}}
	if len(p.Cancels) != len(want) || p.Cancels[0] != want[0] || p.Cancels[1] != want[1] {
		t.Errorf("cancels %v, want %v (none on A: its acquire had returned)", p.Cancels, want)
	}
	p.Tasks[0].Ops[0].CtxDone = true
	if sc.Tasks[0].Ops[0].CtxDone {
		t.Error("the program shares the scenario's ops")
	}
}
