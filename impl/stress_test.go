//go:build go1.25

package impl_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/syncheck/syncheck/impl"
)

// Stress tests: real goroutines, real parallelism, production hooks, with
// cancellations landing anywhere (often in the wake window). Each runs in a
// synctest bubble, so a stranded waiter (a lost wake-up, a lost permit, a
// lock nobody holds but nobody gets) is a deadlock that fails the test at
// once instead of hanging it.

// canceller lets any goroutine cancel another's call in flight (or, harmlessly,
// one that already returned: G1).
type canceller struct {
	fns []atomic.Pointer[context.CancelFunc]
}

func newCanceller(n int) *canceller {
	return &canceller{fns: make([]atomic.Pointer[context.CancelFunc], n)}
}

// ctx returns a fresh context for goroutine g's next call; one in ten is
// already done, to exercise G2.
func (c *canceller) ctx(g int, r *rand.Rand) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	if r.IntN(10) == 0 {
		cancel()
	}
	c.fns[g].Store(&cancel)
	return ctx
}

// poke cancels a random goroutine's current call with probability 1/3.
func (c *canceller) poke(r *rand.Rand) {
	if r.IntN(3) != 0 {
		return
	}
	if f := c.fns[r.IntN(len(c.fns))].Load(); f != nil {
		(*f)()
	}
}

func (c *canceller) stopAll() {
	for i := range c.fns {
		if f := c.fns[i].Swap(nil); f != nil {
			(*f)()
		}
	}
}

const (
	stressG     = 16  // goroutines
	stressIters = 300 // calls each
)

func cancelledErr(err error) bool { return errors.Is(err, context.Canceled) }

// yield lets other goroutines run while the caller holds something, half of
// the time, so that holders overlap waiters even on few cores.
func yield(r *rand.Rand) {
	if r.IntN(2) == 0 {
		runtime.Gosched()
	}
}

func TestLockStress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := impl.NewLock()
		cn := newCanceller(stressG)
		var holders atomic.Int32
		var acquired, failed atomic.Int64
		counter := 0 // guarded by l: the race detector checks exclusion too
		var wg sync.WaitGroup
		for g := range stressG {
			wg.Go(func() {
				defer cn.stopAll()
				r := rand.New(rand.NewPCG(uint64(g), 1))
				for range stressIters {
					var err error
					if r.IntN(5) == 0 {
						if !l.TryAcquire() {
							err = context.Canceled
						}
					} else {
						err = l.Acquire(cn.ctx(g, r))
					}
					if err != nil {
						if !cancelledErr(err) {
							t.Errorf("Acquire: %v", err)
						}
						failed.Add(1)
						cn.poke(r)
						continue
					}
					if n := holders.Add(1); n != 1 {
						t.Errorf("%d holders of the Lock", n)
					}
					counter++
					acquired.Add(1)
					cn.poke(r)
					yield(r)
					holders.Add(-1)
					if err := l.Release(); err != nil {
						t.Errorf("Release: %v", err)
					}
				}
			})
		}
		wg.Wait()
		check(t, "counter", int64(counter), acquired.Load())
		check(t, "Locked() at the end", l.Locked(), false)
		check(t, "TryAcquire() at the end", l.TryAcquire(), true)
		if acquired.Load() == 0 || failed.Load() == 0 {
			t.Errorf("acquired %d, failed %d: the test exercised too little", acquired.Load(), failed.Load())
		}
		t.Logf("acquired %d, cancelled or refused %d", acquired.Load(), failed.Load())
	})
}

func TestSemaphoreStress(t *testing.T) {
	const permits = 3
	for _, bounded := range []bool{false, true} {
		name := map[bool]string{false: "Semaphore", true: "BoundedSemaphore"}[bounded]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				s := semaphores(permits, nil)[name]
				cn := newCanceller(stressG)
				var holders atomic.Int32
				var acquired, failed atomic.Int64
				var wg sync.WaitGroup
				for g := range stressG {
					wg.Go(func() {
						defer cn.stopAll()
						r := rand.New(rand.NewPCG(uint64(g), 2))
						for range stressIters {
							var err error
							if r.IntN(5) == 0 {
								if !s.TryAcquire() {
									err = context.Canceled
								}
							} else {
								err = s.Acquire(cn.ctx(g, r))
							}
							if err != nil {
								if !cancelledErr(err) {
									t.Errorf("Acquire: %v", err)
								}
								failed.Add(1)
								cn.poke(r)
								continue
							}
							if n := holders.Add(1); n > permits {
								t.Errorf("%d holders of %d permits", n, permits)
							}
							acquired.Add(1)
							cn.poke(r)
							yield(r)
							holders.Add(-1)
							if err := s.Release(); err != nil {
								t.Errorf("Release: %v", err)
							}
						}
					})
				}
				wg.Wait()
				check(t, "Value() at the end", s.Value(), permits)
				check(t, "Locked() at the end", s.Locked(), false)
				if bounded {
					if err := s.Release(); !errors.Is(err, impl.ErrReleasedTooOften) {
						t.Errorf("extra Release = %v, want ErrReleasedTooOften", err)
					}
				}
				if acquired.Load() == 0 || failed.Load() == 0 {
					t.Errorf("acquired %d, failed %d: the test exercised too little", acquired.Load(), failed.Load())
				}
				t.Logf("acquired %d, cancelled or refused %d", acquired.Load(), failed.Load())
			})
		})
	}
}

// TestConditionStress: producers add tokens and Notify(1); consumers wait
// for tokens, and leave for good when their Wait is cancelled. Producers
// cancel the waiter at the head right after notifying, which lands in the
// wake window of a notified waiter: without forwarding (G8) the notification
// would be lost (gh-112202). At quiescence no consumer may sleep while a
// token is available, and tokens are conserved.
func TestConditionStress(t *testing.T) {
	const (
		rounds    = 20
		producers = 2
		consumers = 6
		perProd   = 40
		budget    = 3 // cancels per round, so that consumers remain
	)
	for round := range rounds {
		synctest.Test(t, func(t *testing.T) {
			var opts []impl.Option
			if round%2 == 1 {
				// Every other round under a runtime that yields at each
				// scheduling point, to widen the windows between steps.
				opts = append(opts, impl.WithRuntime(&testRuntime{jitter: true, changed: make(chan struct{})}))
			}
			l := impl.NewLock(opts...)
			c := impl.NewCondition(l)
			other := impl.NewCondition(l) // shares the lock; nobody waits on it
			// Guarded by l:
			tokens, consumed, left, cancels := 0, 0, 0, budget
			var waiting []int // consumers in Wait, in registration order
			done := false
			cancel := make([]context.CancelFunc, consumers)
			ctxs := make([]context.Context, consumers)
			for i := range consumers {
				ctxs[i], cancel[i] = context.WithCancel(context.Background())
			}
			bg := context.Background()
			var cwg, pwg sync.WaitGroup
			for id := range consumers {
				cwg.Go(func() {
					defer cancel[id]()
					must := func(err error) {
						if err != nil {
							t.Errorf("consumer %d: %v", id, err)
						}
					}
					must(l.Acquire(bg))
					for {
						for tokens == 0 && !done {
							waiting = append(waiting, id)
							err := c.Wait(ctxs[id])
							if !l.Locked() {
								t.Errorf("Wait returned %v without the lock", err)
							}
							waiting = slices.DeleteFunc(waiting, func(x int) bool { return x == id })
							if err != nil {
								left++
								must(l.Release())
								return
							}
						}
						if tokens == 0 { // done
							must(l.Release())
							return
						}
						tokens--
						consumed++
						must(other.Notify(1))
						must(l.Release())
						must(l.Acquire(bg))
					}
				})
			}
			for p := range producers {
				pwg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(round), uint64(p)))
					for range perProd {
						if err := l.Acquire(bg); err != nil {
							t.Error(err)
							return
						}
						tokens++
						if err := c.Notify(1); err != nil {
							t.Error(err)
						}
						if len(waiting) > 0 && cancels > 0 && r.IntN(4) == 0 {
							cancels--
							cancel[waiting[0]]()
						}
						if err := l.Release(); err != nil {
							t.Error(err)
						}
					}
				})
			}
			// Plain lockers with cancellable Acquires, queueing on the same
			// Lock as the consumers' re-acquires.
			lockers := newCanceller(2)
			for g := range 2 {
				pwg.Go(func() {
					defer lockers.stopAll()
					r := rand.New(rand.NewPCG(uint64(round), uint64(10+g)))
					for range perProd {
						err := l.Acquire(lockers.ctx(g, r))
						lockers.poke(r)
						if err != nil {
							if !cancelledErr(err) {
								t.Error(err)
							}
							continue
						}
						yield(r)
						if err := l.Release(); err != nil {
							t.Error(err)
						}
					}
				})
			}
			pwg.Wait()
			synctest.Wait() // every consumer has left or sleeps in Wait
			must(t, l.Acquire(bg))
			if tokens > 0 && len(waiting) > 0 {
				t.Errorf("round %d: %d tokens available while consumers %v sleep: lost wake-up", round, tokens, waiting)
			}
			check(t, "tokens consumed + left", consumed+tokens, producers*perProd)
			if left == consumers {
				t.Errorf("round %d: every consumer left", round)
			}
			done = true
			must(t, c.NotifyAll())
			must(t, l.Release())
			cwg.Wait()
		})
	}
}

// TestEventStress: waiters with cancellations against pulses (Set, then
// Clear) that land while they are parked. A Wait that returns nil must
// overlap a moment when the event was set; nobody may be left behind.
func TestEventStress(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := impl.NewEvent()
		cn := newCanceller(stressG)
		var phase atomic.Int64 // odd while the event may be set
		var woke, failed, finished atomic.Int64
		var wg sync.WaitGroup
		for g := range stressG {
			wg.Go(func() {
				defer finished.Add(1)
				defer cn.stopAll()
				r := rand.New(rand.NewPCG(uint64(g), 3))
				for range stressIters / 3 {
					p0 := phase.Load()
					err := e.Wait(cn.ctx(g, r))
					p1 := phase.Load()
					switch {
					case err == nil:
						if p0%2 == 0 && p1 == p0 {
							t.Errorf("Wait returned nil but the event was never set during the call")
						}
						woke.Add(1)
					case cancelledErr(err):
						failed.Add(1)
					default:
						t.Errorf("Wait: %v", err)
					}
				}
			})
		}
		r := rand.New(rand.NewPCG(0, 4))
		for {
			synctest.Wait() // every waiter is parked (the event is clear) or done
			if finished.Load() == stressG {
				break
			}
			cn.poke(r)
			cn.poke(r)
			if r.IntN(3) == 0 {
				continue // only cancels this time
			}
			// The pokes and the Set race: a waiter may see both.
			phase.Add(1)
			e.Set()
			e.Clear()
			phase.Add(1)
		}
		wg.Wait()
		if woke.Load() == 0 || failed.Load() == 0 {
			t.Errorf("woke %d, cancelled %d: the test exercised too little", woke.Load(), failed.Load())
		}
		t.Logf("woke %d, cancelled %d", woke.Load(), failed.Load())
	})
}

// TestConditionPingPong: two goroutines take turns through one Condition,
// each round needing the other's Notify: a single lost notification (say, a
// Notify landing between Wait's release of the lock and its registration,
// golang/go#14064's pattern) deadlocks the bubble. Also run under a runtime
// that yields at every scheduling point, which widens those windows.
func TestConditionPingPong(t *testing.T) {
	const rounds = 1000
	for _, jitter := range []bool{false, true} {
		name := map[bool]string{false: "production", true: "jitter"}[jitter]
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var opts []impl.Option
				if jitter {
					opts = append(opts, impl.WithRuntime(&testRuntime{jitter: true, changed: make(chan struct{})}))
				}
				c := impl.NewCondition(nil, opts...)
				turn, moves := 0, 0 // guarded by c's lock
				var wg sync.WaitGroup
				for me := range 2 {
					wg.Go(func() {
						ctx := context.Background()
						for range rounds {
							if err := c.Acquire(ctx); err != nil {
								t.Error(err)
								return
							}
							if err := c.WaitFor(ctx, func() bool { return turn == me }); err != nil {
								t.Error(err)
							}
							turn = 1 - me
							moves++
							if err := c.Notify(1); err != nil {
								t.Error(err)
							}
							if err := c.Release(); err != nil {
								t.Error(err)
							}
						}
					})
				}
				wg.Wait()
				check(t, "moves", moves, 2*rounds)
			})
		})
	}
}
