package model_test

import (
	"fmt"
	"strings"

	"github.com/syncheck/syncheck/model"
)

// outcome describes one allowed outcome of a transition: the call's result,
// or "blocks" if the task is parked in the successor state.
func outcome(o model.Outcome) string {
	if !o.Done {
		return "blocks"
	}
	return o.Result.Err.String()
}

// outcomes lists every outcome a transition allows, "ok|cancelled" for two.
func outcomes(os []model.Outcome) string {
	var s []string
	for _, o := range os {
		s = append(s, outcome(o))
	}
	return strings.Join(s, "|")
}

// A Lock in the Go dialect: B blocks behind A, A's release hands the lock to
// B (B becomes runnable: granted, not yet resumed), and B's resume returns.
// Every transition returns the allowed successors; here there is one each.
func Example_lock() {
	m, _ := model.New(model.Lock, model.Go, model.Params{})
	const A, B = 0, 1
	acquire := model.Op{Kind: model.Acquire}
	release := model.Op{Kind: model.Release}

	step := func(what string, os []model.Outcome) {
		fmt.Printf("%-12s -> %s\n", what, outcomes(os))
		m = os[0].Next
	}
	step("A acquire", m.Invoke(A, acquire))
	step("B acquire", m.Invoke(B, acquire))
	fmt.Println("B is", m.Status(B))
	step("A release", m.Invoke(A, release))
	fmt.Println("B is", m.Status(B))
	step("B resumes", m.Resume(B))
	fmt.Println("B is", m.Status(B))
	// Output:
	// A acquire    -> ok
	// B acquire    -> blocks
	// B is waiting
	// A release    -> ok
	// B is runnable
	// B resumes    -> ok
	// B is idle
}

// Nondeterminism: in the Go dialect a waiter that was granted the lock and
// then cancelled before it resumed may observe either (G3). Resume returns
// both outcomes; a checker keeps every successor consistent with what the
// implementation did. After "ok" B holds the lock; after "cancelled" it has
// passed the lock on, here back to free.
func Example_nondeterminism() {
	m, _ := model.New(model.Lock, model.Go, model.Params{})
	const A, B = 0, 1
	acquire := model.Op{Kind: model.Acquire}
	m = m.Invoke(A, acquire)[0].Next
	m = m.Invoke(B, acquire)[0].Next                       // blocks
	m = m.Invoke(A, model.Op{Kind: model.Release})[0].Next // grants B
	m = m.Cancel(B)[0].Next

	outs := m.Resume(B)
	fmt.Println("B resumes ->", outcomes(outs))
	for _, o := range outs {
		try := o.Next.Invoke(A, model.Op{Kind: model.TryAcquire})[0]
		fmt.Printf("after %s: A tryacquire -> %v\n", outcome(o), try.Result.Bool)
	}
	// Output:
	// B resumes -> ok|cancelled
	// after ok: A tryacquire -> false
	// after cancelled: A tryacquire -> true
}

// Dialects: probe C1 (gh-112202) on a Condition. W1 and W2 wait; N notifies
// one (W1), W1 is cancelled before it resumes, and N releases. CPython 3.11
// loses the notification, so W2 sleeps on; 3.13 passes it on to W2.
func Example_dialects() {
	const W1, W2, N = 0, 1, 2
	acquire := model.Op{Kind: model.Acquire}
	release := model.Op{Kind: model.Release}
	wait := model.Op{Kind: model.Wait}
	notify1 := model.Op{Kind: model.Notify, Arg: 1}

	for _, d := range []model.Dialect{model.Asyncio311, model.Asyncio313} {
		m, _ := model.New(model.Condition, d, model.Params{"conditions": 1})
		for _, s := range []struct {
			task int
			op   model.Op
		}{{W1, acquire}, {W1, wait}, {W2, acquire}, {W2, wait}, {N, acquire}, {N, notify1}} {
			m = m.Invoke(s.task, s.op)[0].Next
		}
		m = m.Cancel(W1)[0].Next
		m = m.Invoke(N, release)[0].Next
		w1 := m.Resume(W1)
		m = w1[0].Next
		m = m.Invoke(W1, release)[0].Next
		fmt.Printf("%s: W1 wait -> %s, then W2 is %s\n", d, outcomes(w1), m.Status(W2))
	}
	// Output:
	// asyncio-3.11: W1 wait -> cancelled, then W2 is waiting
	// asyncio-3.13: W1 wait -> cancelled, then W2 is runnable
}
