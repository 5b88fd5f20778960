package judge

import (
	"context"
	"slices"
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/impl"
	"github.com/syncheck/syncheck/impl/sched"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// simpleLock is a lock on impl/sched with two seeded bugs to choose from.
type simpleLock struct {
	mu      sched.Mutex
	locked  bool
	waiters []*sched.Slot
	// forgetful: Release unlocks without waking anybody (a lost wakeup).
	forgetful bool
	// barging: Release unlocks and wakes the first waiter, which competes
	// for the lock with newcomers when it runs (no hand-off).
	barging bool
}

func (l *simpleLock) Acquire(ctx context.Context) error {
	// No defer across the park: Close unwinds a parked task with Goexit.
	l.mu.Lock()
	if !l.locked && len(l.waiters) == 0 || l.barging && !l.locked {
		l.locked = true
		l.mu.Unlock()
		return nil
	}
	if err := ctx.Err(); err != nil {
		l.mu.Unlock()
		return err
	}
	for {
		s := new(sched.Slot)
		s.Init(&l.mu)
		l.waiters = append(l.waiters, s)
		l.mu.Unlock()
		err := s.Wait(ctx)
		l.mu.Lock()
		if err != nil {
			if i := slices.Index(l.waiters, s); i >= 0 {
				l.waiters = slices.Delete(l.waiters, i, i+1)
			} else if s.Woken() && !l.barging {
				l.handOff()
			}
			l.mu.Unlock()
			return err
		}
		if !l.barging || !l.locked {
			l.locked = true // handed over, or free for the taking
			l.mu.Unlock()
			return nil
		}
		// Barged: queue again, at the tail.
	}
}

func (l *simpleLock) handOff() {
	if len(l.waiters) == 0 {
		l.locked = false
		return
	}
	w := l.waiters[0]
	l.waiters = l.waiters[1:]
	w.Wake()
}

func (l *simpleLock) TryAcquire() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.locked || len(l.waiters) > 0 && !l.barging {
		return false
	}
	l.locked = true
	return true
}

func (l *simpleLock) Release() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.locked {
		return impl.ErrNotLocked
	}
	switch {
	case l.forgetful:
		l.locked = false
	case l.barging:
		l.locked = false
		if len(l.waiters) > 0 {
			w := l.waiters[0]
			l.waiters = l.waiters[1:]
			w.Wake()
		}
	default:
		l.handOff()
	}
	return nil
}

func (l *simpleLock) Locked() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.locked
}

func simpleTarget(name string, forgetful, barging bool) *harness.Target {
	tg := prims.Lock(name, func(rt sched.Runtime) prims.LockImpl {
		l := &simpleLock{forgetful: forgetful, barging: barging}
		l.mu.SetRuntime(rt)
		return l
	})
	return &tg
}

// hunt runs prog against tg under random schedules and returns the
// verdicts that failed, by property, with the first message of each.
func hunt(t *testing.T, tg *harness.Target, prog []scenario.Task, seeds int) (map[Property]int, map[Property]string) {
	n, first := map[Property]int{}, map[Property]string{}
	for seed := range uint64(seeds) {
		e := harness.RunProgram(prog, model.Params{}, tg, scheduler.Uniform(scheduler.NewPCG(seed)), 10_000)
		for _, v := range Judge(NewInput(e, prog, model.Lock, model.Go, model.Params{}), Options{}) {
			if v.Status == Fail {
				n[v.Property]++
				if first[v.Property] == "" {
					first[v.Property] = v.Message
				}
			}
			if v.Status == Inconclusive {
				t.Fatalf("seed %d: %s inconclusive: %s", seed, v.Property, v.Message)
			}
		}
	}
	return n, first
}

var lockProgram = []scenario.Task{
	{Name: "A", Ops: ops(acq, rel)},
	{Name: "W", Ops: ops(acq, rel)},
	{Name: "N", Ops: ops(acq, rel)},
}

// The correct simpleLock passes; the forgetful one is caught by
// Quiescence (a waiter stranded with the lock free) and nothing else; the
// barging one by Fairness and nothing else.
func TestSeededBugsInALock(t *testing.T) {
	seeds := 300
	if raceEnabled {
		seeds = 100
	}
	n, first := hunt(t, simpleTarget("simple", false, false), lockProgram, seeds)
	if len(n) != 0 {
		t.Fatalf("the correct lock fails: %v %v", n, first)
	}
	n, first = hunt(t, simpleTarget("forgetful", true, false), lockProgram, seeds)
	t.Logf("forgetful: %v %q", n, first)
	if n[Quiescence] == 0 || n[Linearizability]+n[Invariant]+n[Fairness] != 0 {
		t.Errorf("forgetful: %v %v", n, first)
	}
	n, first = hunt(t, simpleTarget("barging", false, true), lockProgram, seeds)
	t.Logf("barging: %v %q", n, first)
	if n[Fairness] == 0 || n[Linearizability]+n[Invariant]+n[Quiescence] != 0 {
		t.Errorf("barging: %v %v", n, first)
	}
}
