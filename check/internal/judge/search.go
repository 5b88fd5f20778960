package judge

import (
	"slices"
	"time"

	"github.com/anishathalye/porcupine"
)

// The fast path of the linearizability check. Before porcupine (which
// runs its search in a goroutine of its own, under a timer, and allocates
// its bookkeeping afresh), the same search runs here, synchronously, on
// buffers the space keeps: porcupine's algorithm (Wing and Gong's, with
// Lowe's just-in-time linearization and the cache of (linearized
// operations, state) pairs), over the same operations and the same
// interned sets. It answers only "linearizable", and only with a
// linearization in hand: the stack of operations it linearized, each
// legal in the model after the ones before it, each taken while no
// operation left out had returned (real-time order). Porcupine would find
// one too, so its answer is Ok as well. When the search finds none, or
// gives up (searchBudget), porcupine decides, as before.

// searchBudget bounds the entries the fast search visits (backtracking
// included) before it hands over to porcupine.
const searchBudget = 1 << 14

// searchBuf is what the fast search reuses from one execution to the next.
type searchBuf struct {
	ent   []sEntry
	next  []int32
	prev  []int32
	stack []sFrame
	where []int32
	bits  []uint64 // the linearized set, then the cached sets
	cache map[uint64][]int32
}

// sEntry is a call or return entry of one operation.
type sEntry struct {
	t     int64
	op    int32
	ret   bool
	match int32 // a call's return entry
}

type sFrame struct {
	entry int32
	state *cset
}

// linearizable reports whether it found a linearization of ops (whose
// signatures are set, sign) in s before searchBudget visits or deadline.
func (s *space) linearizable(ops []porcupine.Operation, deadline time.Time) bool {
	b := &s.search
	n := len(ops)
	if n == 0 {
		return true
	}
	// Entries sorted by time, calls before returns at the same time
	// (porcupine's intervals are closed).
	ent := b.ent[:0]
	for i := range ops {
		ent = append(ent, sEntry{t: ops[i].Call, op: int32(i)}, sEntry{t: ops[i].Return, op: int32(i), ret: true})
	}
	slices.SortFunc(ent, func(x, y sEntry) int {
		switch {
		case x.t != y.t:
			if x.t < y.t {
				return -1
			}
			return 1
		case x.ret != y.ret:
			if !x.ret {
				return -1
			}
			return 1
		}
		return int(x.op) - int(y.op)
	})
	// The list: entry i is node i+1, node 0 the head; -1 ends it.
	m := len(ent)
	next, prev := grow(b.next, m+1), grow(b.prev, m+1)
	for i := range m + 1 {
		next[i], prev[i] = int32(i+1), int32(i-1)
	}
	next[m] = -1
	// Match calls with returns.
	where := grow(b.where, n) // the return node of each operation
	b.where = where
	for i := range ent {
		if ent[i].ret {
			where[ent[i].op] = int32(i + 1)
		}
	}
	for i := range ent {
		if !ent[i].ret {
			ent[i].match = where[ent[i].op]
		}
	}
	b.ent, b.next, b.prev = ent, next, prev

	words := (n + 63) / 64
	lin := grow(b.bits, words)
	clear(lin)
	b.bits = lin
	if b.cache == nil {
		b.cache = make(map[uint64][]int32)
	}
	clear(b.cache)
	stack := b.stack[:0]
	defer func() { b.stack = stack[:0] }()

	lift := func(e int32) {
		next[prev[e]] = next[e]
		if next[e] >= 0 {
			prev[next[e]] = prev[e]
		}
		r := ent[e-1].match
		next[prev[r]] = next[r]
		if next[r] >= 0 {
			prev[next[r]] = prev[r]
		}
	}
	unlift := func(e int32) {
		r := ent[e-1].match
		next[prev[r]] = r
		if next[r] >= 0 {
			prev[next[r]] = r
		}
		next[prev[e]] = e
		if next[e] >= 0 {
			prev[next[e]] = e
		}
	}
	// seen reports whether (lin, st) is cached, adding it if not.
	seen := func(st *cset) bool {
		h := st.hash
		for _, w := range lin {
			h ^= w
			h *= 0xff51afd7ed558ccd
		}
		bucket := b.cache[h]
		for _, at := range bucket {
			if b.bits[at] == uint64(uint32(st.id)) && slices.Equal(b.bits[at+1:int(at)+1+words], lin) {
				return true
			}
		}
		at := int32(len(b.bits))
		b.bits = append(b.bits, uint64(uint32(st.id)))
		b.bits = append(b.bits, lin...)
		lin = b.bits[:words] // append may have moved it
		b.cache[h] = append(bucket, at)
		return false
	}

	state := s.initSet()
	if state == nil {
		return false
	}
	e := next[0]
	for visits := 0; next[0] >= 0; visits++ {
		if visits >= searchBudget || (visits&1023 == 1023 && time.Now().After(deadline)) {
			return false
		}
		if e < 0 {
			return false // cannot happen: the list ends with a return
		}
		en := &ent[e-1]
		if en.ret {
			// An operation left out has returned: backtrack.
			if len(stack) == 0 {
				return false
			}
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			state = top.state
			op := ent[top.entry-1].op
			lin[op/64] &^= 1 << (op % 64)
			unlift(top.entry)
			e = next[top.entry]
			continue
		}
		op := en.op
		ns := s.step(state, ops[op].Input.(*pop))
		if ns == nil {
			e = next[e]
			continue
		}
		lin[op/64] |= 1 << (op % 64)
		if seen(ns) {
			lin[op/64] &^= 1 << (op % 64)
			e = next[e]
			continue
		}
		stack = append(stack, sFrame{entry: e, state: state})
		state = ns
		lift(e)
		e = next[0]
	}
	return true
}

func grow[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}
