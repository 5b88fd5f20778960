package sched

import "sync/atomic"

// Uint64 is an atomic state word: a sync/atomic.Uint64 whose operations are
// scheduling points under a Runtime. A primitive with a lock-free fast path
// keeps the state that path decides on in a Uint64, bound with Init to the
// Mutex that guards the rest of its state, so that the controlled scheduler
// can preempt a task between a Load and the CompareAndSwap that acts on it,
// as it preempts a task at Lock, Park and Yield: the retry branches of
// CAS loops run, and a lost update between a load and a store is found.
//
// In production (Init never called, or the Mutex under no Runtime) each
// method is the sync/atomic operation, after one load of a package flag that
// is never written in production (as Mutex.Lock's). Under a Runtime each
// method first yields at a point named after the operation: "load",
// "store", "cas", "and" (a scenario's partial step can stop there:
// `T1 acquire @ cas`); the operation itself then runs while the task still
// holds the scheduler's token, so it is atomic with respect to every other
// task. Called by the driver (no task running), the point is skipped.
//
// One 64-bit type serves every width a primitive needs (a 32-bit word fits
// in it, at no cost on 64-bit machines): the hook layer's public surface
// stays small.
//
// The zero Uint64 is 0, in production. A Uint64 must not be copied after
// first use.
type Uint64 struct {
	v atomic.Uint64
	m *Mutex // the Mutex whose runtime decides the points; nil: production
}

// Init binds x to m: x's operations are scheduling points whenever m is
// under a Runtime (m's runtime is read at each operation, so SetRuntime may
// come before or after Init). Call it before x is first used, never
// concurrently with other methods; it does not change x's value.
func (x *Uint64) Init(m *Mutex) { x.m = m }

// yield is the scheduling point before an operation. The operations reach
// it through the five methods below, one per point, out of line and without
// arguments, so that the production path of every operation is one load of
// controlled and the sync/atomic operation, and inlines (passing the point's
// name would cost CompareAndSwap its inlining).
func (x *Uint64) yield(point string) {
	if m := x.m; m != nil && m.rt != nil {
		m.rt.Yield(point)
	}
}

//go:noinline
func (x *Uint64) yieldLoad() { x.yield("load") }

//go:noinline
func (x *Uint64) yieldStore() { x.yield("store") }

//go:noinline
func (x *Uint64) yieldCAS() { x.yield("cas") }

//go:noinline

//go:noinline
func (x *Uint64) yieldAnd() { x.yield("and") }

// Load atomically loads and returns the value.
func (x *Uint64) Load() uint64 {
	if controlled.Load() {
		x.yieldLoad()
	}
	return x.v.Load()
}

// Store atomically stores v.
func (x *Uint64) Store(v uint64) {
	if controlled.Load() {
		x.yieldStore()
	}
	x.v.Store(v)
}

// CompareAndSwap executes the compare-and-swap operation for x.
func (x *Uint64) CompareAndSwap(old, new uint64) (swapped bool) {
	if controlled.Load() {
		x.yieldCAS()
	}
	return x.v.CompareAndSwap(old, new)
}

// And atomically performs a bitwise AND operation on x using the bitmask
// provided as mask and returns the old value.
func (x *Uint64) And(mask uint64) (old uint64) {
	if controlled.Load() {
		x.yieldAnd()
	}
	return x.v.And(mask)
}
