package scheduler

import (
	"context"

	"github.com/syncheck/syncheck/impl/sched"
)

// Toy primitives built on impl/sched, the way impl's primitives are: a
// mutex for their state, a slot per blocked call.

// event is a one-shot event: Wait blocks until Set. With buggy set, Wait
// checks the flag and registers its slot in two critical sections (check,
// unlock, lock again, register): a Set between them is lost, the classic
// check-then-park lost wakeup (bug class F).
type event struct {
	mu      sched.Mutex
	set     bool
	waiters []*sched.Slot
	buggy   bool
}

func newEvent(rt sched.Runtime, buggy bool) *event {
	e := &event{buggy: buggy}
	e.mu.SetRuntime(rt)
	return e
}

// Wait returns nil once the event is set, or what Park returned: a waiter
// granted and then cancelled may see either (specs G5).
func (e *event) Wait(ctx context.Context) error {
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return nil
	}
	if e.buggy {
		e.mu.Unlock()
		e.mu.Lock() // BUG: the flag may have been set meanwhile
	}
	s := new(sched.Slot)
	s.Init(&e.mu)
	e.waiters = append(e.waiters, s)
	e.mu.Unlock()
	err := s.Wait(ctx)
	if err != nil {
		e.mu.Lock()
		if !s.Woken() { // not granted: leave the queue
			for i, w := range e.waiters {
				if w == s {
					e.waiters = append(e.waiters[:i], e.waiters[i+1:]...)
					break
				}
			}
		}
		e.mu.Unlock()
	}
	return err
}

// Set sets the event and grants every waiter.
func (e *event) Set() {
	e.mu.Lock()
	e.set = true
	for _, w := range e.waiters {
		w.Wake()
	}
	e.waiters = nil
	e.mu.Unlock()
}

// IsSet reports whether Set was called.
func (e *event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// counter is a mutex-guarded counter whose increment is preemptible inside
// its critical section (a read, a Yield, a write).
type counter struct {
	mu sched.Mutex
	n  int
}

func newCounter(rt sched.Runtime) *counter {
	c := &counter{}
	c.mu.SetRuntime(rt)
	return c
}

func (c *counter) Inc() {
	c.mu.Lock()
	v := c.n
	c.mu.Yield("inc:inside")
	c.n = v + 1
	c.mu.Unlock()
}

func (c *counter) Value() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n
}
