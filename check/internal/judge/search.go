package judge

import (
	"math/bits"
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
	keys  []uint64
	next  []int32
	prev  []int32
	stack []sFrame
	where []int32
	bits  []uint64 // the linearized set, then the cached sets
	table []sSlot
}

// sSlot is a slot of the search's cache: a hash (0: free) and where its
// (state, linearized set) is in searchBuf.bits.
type sSlot struct {
	h  uint64
	at int32
}

// sortKey packs an entry's time, kind and operation so that the keys sort
// as the entries must; times are small and non-negative (evTime).
func sortKey(t int64, ret bool, op int) uint64 {
	k := uint64(t)<<33 | uint64(op)
	if ret {
		k |= 1 << 32
	}
	return k
}

// sEntry is a call or return entry of one operation.
type sEntry struct {
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
	// (porcupine's intervals are closed), then by operation: sorted as
	// packed keys.
	keys := b.keys[:0]
	for i := range ops {
		if o := &ops[i]; o.Call < 0 || o.Return < o.Call || o.Return >= 1<<30 || n >= 1<<30 {
			return false // not what operations builds: porcupine decides
		}
		keys = append(keys, sortKey(ops[i].Call, false, i), sortKey(ops[i].Return, true, i))
	}
	slices.Sort(keys)
	b.keys = keys
	ent := b.ent[:0]
	for _, k := range keys {
		ent = append(ent, sEntry{op: int32(k & (1<<32 - 1)), ret: k&(1<<32) != 0})
	}
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
	// The cache: an open-addressing table of (hash, where the entry is
	// in bits), four slots per operation, grown at half full.
	table := grow(b.table, max(64, 1<<bits.Len(uint(4*n))))
	clear(table)
	b.table = table
	used := 0
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
		h |= 1 // 0 marks a free slot
		mask := len(table) - 1
		i := int(h>>32) & mask
		for ; table[i].h != 0; i = (i + 1) & mask {
			if at := table[i].at; table[i].h == h && b.bits[at] == uint64(uint32(st.id)) && slices.Equal(b.bits[at+1:int(at)+1+words], lin) {
				return true
			}
		}
		at := int32(len(b.bits))
		b.bits = append(b.bits, uint64(uint32(st.id)))
		b.bits = append(b.bits, lin...)
		lin = b.bits[:words] // append may have moved it
		table[i] = sSlot{h: h, at: at}
		if used++; 2*used > len(table) {
			old := table
			table = make([]sSlot, 2*len(old))
			mask = len(table) - 1
			for _, sl := range old {
				if sl.h != 0 {
					j := int(sl.h>>32) & mask
					for table[j].h != 0 {
						j = (j + 1) & mask
					}
					table[j] = sl
				}
			}
			b.table = table
		}
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
