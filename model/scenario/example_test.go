package scenario_test

import (
	"fmt"

	"github.com/syncheck/syncheck/model/scenario"
)

// A scenario is a program (tasks and their calls), a schedule (who takes
// the next step) and the results expected; Print writes it back in
// canonical form, and a malformed file is reported line by line.
func ExampleParse() {
	sc, err := scenario.Parse("handoff.scn", []byte(`# the lock goes to the waiter
primitive   lock
task A: acquire, release
task B: acquire
A acquire -> ok
B acquire -> blocks
A release -> ok
cancel B
B acquire sees grant -> ok   # granted, then cancelled: it may keep the grant
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sc.Primitive, len(sc.Tasks), "tasks", len(sc.Steps), "steps")
	fmt.Print(string(scenario.Print(sc)))

	_, err = scenario.Parse("bad.scn", []byte("primitive lock\ntask A: acquire, jump\nA acquire\n"))
	fmt.Println(err)
	// Output:
	// lock 2 tasks 5 steps
	// # the lock goes to the waiter
	// primitive lock
	//
	// task A: acquire, release
	// task B: acquire
	//
	// A acquire -> ok
	// B acquire -> blocks
	// A release -> ok
	// cancel B
	// B acquire sees grant -> ok
	// bad.scn:2: unknown op "jump" for lock (want acquire, tryacquire, release, locked)
}
