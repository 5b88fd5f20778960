package model

import (
	"strings"
	"testing"
)

// weightedDialects are the Weighted semaphore's dialects.
var weightedDialects = []Dialect{Go, XSync}

func wScript(t *testing.T, size int, ds []Dialect, src string) {
	t.Helper()
	runScript(t, Weighted, Params{"size": size}, ds, src)
}

// The Weighted semaphore has go and x/sync; the others have no x/sync.
func TestWeightedDialects(t *testing.T) {
	for _, tc := range []struct {
		p    Primitive
		d    Dialect
		want string
	}{
		{Weighted, Asyncio311, "weighted has no dialect asyncio-3.11 (want go, x/sync)"},
		{Lock, XSync, "lock has no dialect x/sync (want go, asyncio-3.11, asyncio-3.13)"},
		{Weighted, "x/net", `unknown dialect "x/net" (want go, asyncio-3.11, asyncio-3.13, x/sync)`},
	} {
		_, err := New(tc.p, tc.d, nil)
		if err == nil || err.Error() != tc.want {
			t.Errorf("New(%s, %s): %v, want %q", tc.p, tc.d, err, tc.want)
		}
	}
	for _, d := range Dialects {
		if d == XSync {
			t.Error("x/sync is listed among the dialects every primitive has")
		}
	}
	if _, err := New(Weighted, Go, Params{"size": -1}); err == nil {
		t.Error("a negative size accepted")
	}
}

// G20: fast path, FIFO without overtaking (a waiter that does not fit
// blocks the smaller ones behind it), one release waking several.
func TestWeightedFIFO(t *testing.T) {
	wScript(t, 3, weightedDialects, `
		A wacquire 2 -> ok
		B wacquire 2 -> blocks        # 1 free: does not fit
		C wacquire 1 -> blocks        # fits, but B is ahead: no overtaking
		X wtryacquire 1 -> false      # nor for a tryacquire
		X wtryacquire 0 -> false
		state free 1 of 3 (held 2, A 2); queue: B(waiting) wants 2 C(waiting) wants 1
		A wrelease 2 -> ok            # 3 free: B and C both granted
		status B=runnable C=runnable
		B wacquire 2 -> ok
		C wacquire 1 -> ok
		X wtryacquire 1 -> false
		B wrelease 1 -> ok
		X wtryacquire 1 -> true
	`)
}

// golang/go#37852: the front waiter cancels, and the waiters behind it
// that fit are granted (the queue is re-examined when it leaves).
func TestWeightedFrontCancel(t *testing.T) {
	wScript(t, 2, weightedDialects, `
		H wacquire 1 -> ok
		F wacquire 2 -> blocks
		B wacquire 1 -> blocks
		cancel F
		F wacquire -> cancelled
		status B=runnable
		B wacquire 1 -> ok
		state free 0 of 2 (held 2, H 1, B 1)
	`)
	// Not the front: nothing changes.
	wScript(t, 2, weightedDialects, `
		H wacquire 1 -> ok
		F wacquire 2 -> blocks
		B wacquire 1 -> blocks
		cancel B
		B wacquire -> cancelled
		status F=waiting
		H wrelease 1 -> ok
		F wacquire 2 -> ok
	`)
	// A zero-weight waiter behind a cancelled front with no token free:
	// go grants it, x/sync's "isFront && size > cur" leaves it blocked
	// until the next release.
	wScript(t, 1, weightedDialects, `
		H wacquire 1 -> ok
		F wacquire 1 -> blocks
		Z wacquire 0 -> blocks
		cancel F
		F wacquire -> cancelled
		[go] status Z=runnable
		[x/sync] status Z=waiting
		H wrelease 1 -> ok
		Z wacquire 0 -> ok
	`)
}

// G2 and x/sync: a call with a done ctx.
func TestWeightedDoneCtx(t *testing.T) {
	wScript(t, 2, weightedDialects, `
		[go] A wacquire! 1 -> ok           # fits, nobody waits: not a cancellation point
		[x/sync] A wacquire! 1 -> cancelled # "We prefer to fail"
		[x/sync] A wacquire 1 -> ok
		B wacquire! 2 -> cancelled         # would block: at once, not queued
		C wacquire! 3 -> cancelled         # more than size
		state free 1 of 2 (held 1, A 1); queue: empty
	`)
}

// Granted, then cancelled before it runs: go keeps the tokens or gives
// them back (and the queue is re-examined); x/sync always gives them back.
func TestWeightedGrantedCancelled(t *testing.T) {
	wScript(t, 2, weightedDialects, `
		H wacquire 2 -> ok
		W wacquire 1 -> blocks
		B wacquire 2 -> blocks
		H wrelease 1 -> ok            # W granted; B still does not fit
		status W=runnable B=waiting
		cancel W
		[go] W wacquire -> ok|cancelled : cancelled
		[x/sync] W wacquire -> cancelled
		status B=waiting              # 1 free, B wants 2
		H wrelease 1 -> ok
		B wacquire 2 -> ok
	`)
	wScript(t, 2, weightedDialects, `
		H wacquire 2 -> ok
		W wacquire 2 -> blocks
		B wacquire 2 -> blocks
		H wrelease 2 -> ok
		cancel W
		[go] W wacquire -> ok|cancelled : cancelled
		[x/sync] W wacquire -> cancelled
		status B=runnable             # W's tokens went on to B
		B wacquire 2 -> ok
	`)
	wScript(t, 1, []Dialect{Go}, `
		W wacquire 1 -> ok
		X wacquire 1 -> blocks
		W wrelease 1 -> ok
		cancel X
		X wacquire -> ok|cancelled : ok
		state free 0 of 1 (held 1, X 1); queue: empty
	`)
}

// More than size: parked apart, never granted, not blocking the others.
func TestWeightedMoreThanSize(t *testing.T) {
	wScript(t, 2, weightedDialects, `
		D wacquire 3 -> blocks
		A wacquire 2 -> ok            # D is not queued
		state queue: empty; more than size: D(waiting) wants 3
		A wrelease 2 -> ok
		status D=waiting
		cancel D
		D wacquire -> cancelled
		state free 2 of 2 (held 0); queue: empty
	`)
}

// A release of more than the task holds is refused (x/sync panics on
// more than is taken; the checker releases only a task's own tokens):
// granted tokens not yet resumed are not held.
func TestWeightedReleaseTooMuch(t *testing.T) {
	wScript(t, 2, weightedDialects, `
		R wrelease 1 -> released-too-often
		A wacquire 1 -> ok
		R wrelease 1 -> released-too-often  # A's token, not R's
		A wrelease 2 -> released-too-often
		W wacquire 2 -> blocks
		A wrelease 1 -> ok            # W granted: 2 taken, 0 held
		state free 0 of 2 (held 0); queue: W(granted) wants 2
		A wrelease 1 -> released-too-often
		W wacquire 2 -> ok
		W wrelease 1 -> ok
		W wrelease 0 -> ok
		W wrelease 1 -> ok
		state free 2 of 2 (held 0); queue: empty
	`)
}

// Every interleaving of small programs with cancels, both dialects:
// every transition keeps the model's contract and its invariants (tokens
// conserved, no stranded waiter in go), and the interesting states are
// reached.
func TestExploreWeighted(t *testing.T) {
	p := prog(t,
		"wacquire 2, wrelease 2",
		"wacquire 1, wrelease 1",
		"wrelease 1, wacquire! 1, wtryacquire 1",
		"wacquire 0, wacquire 3",
	)
	for _, size := range []int{1, 2, 3} {
		for _, d := range weightedDialects {
			m, _ := New(Weighted, d, Params{"size": size})
			var see []string
			if size == 2 {
				see = []string{"granted, cancel pending", "waiting, cancel pending", "more than size"}
			}
			t.Logf("size %d %s: %d states", size, d, explore(t, m, p, 2, see...))
		}
	}
}

func TestWeightedNegativeWeight(t *testing.T) {
	m, _ := New(Weighted, Go, nil)
	mustPanic(t, "negative weight", func() { m.Invoke(0, Op{Kind: WAcquire, Arg: -1}) })
	if s := m.String(); !strings.Contains(s, "free 2 of 2") {
		t.Errorf("String %q", s)
	}
}
