package judge

import (
	"encoding/binary"
	"github.com/anishathalye/porcupine"
	"maps"
	"sync"
)

// Reusing spaces. A judged execution's search builds configurations, their
// closures and the steps of sets of them; the next execution of the same
// model (a program's next schedule, or another program with as many tasks)
// meets mostly the same ones. The linearizability search therefore takes
// its space from a pool and gives it back: the answers are the same (a
// space's contents are functions of the model, see space), only found
// sooner. The failure explanations (replay.go) build fresh spaces, so what
// they show does not depend on what was judged before.
//
// The pool is a sync.Pool: safe for concurrent judges (each space is used
// by one at a time), per processor, and emptied by the garbage collector,
// so nothing is kept for long that is not in use. A space that grew past
// maxSpace entries is dropped rather than returned.

var spaces sync.Pool

// maxSpace bounds what a pooled space holds (configurations, sets and set
// steps and operation signatures together).
const maxSpace = 1 << 16

// getSpace returns a space for p: a pooled one if it fits p, else a fresh
// one.
func getSpace(p *prepared) *space {
	if s, ok := spaces.Get().(*space); ok && s.fits(p) {
		s.p = p
		return s
	}
	return newSpace(p)
}

// putSpace returns s to the pool, unless it grew too large.
func putSpace(s *space) {
	s.p = nil
	if len(s.cfgs)+len(s.sets)+s.nmemo+len(s.sigs) > maxSpace {
		return
	}
	spaces.Put(s)
}

// fits reports whether s judges p's model with as many tasks.
func (s *space) fits(p *prepared) bool {
	return s.tasks == p.tasks && s.prim == p.in.Primitive && s.dialect == p.in.Dialect && maps.Equal(s.params, p.in.Params)
}

// sign sets each operation's signature: a number that s gives every
// operation reading the same data in apply (its kind, the call's task,
// ordinal and op, its result where the exit checks it, the flags; for the
// quiescence operation, which tasks are parked in which call), so that the
// memo of set steps holds across executions.
func (s *space) sign(ops []porcupine.Operation) {
	for i := range ops {
		o := ops[i].Input.(*pop)
		b := append(s.buf[:0], byte(o.kind))
		switch o.kind {
		case popQuiesce:
			for t := range s.tasks {
				v := int64(-1)
				if s.p.parked[t] {
					v = int64(s.p.lastOrd(t)) + 1
				}
				b = binary.AppendVarint(b, v)
			}
		default:
			c := &s.p.calls[o.call]
			b = binary.AppendVarint(b, int64(c.task))
			b = binary.AppendVarint(b, int64(c.ord))
			switch o.kind {
			case popEnter:
				b = appendString(b, string(c.op.Kind))
				b = binary.AppendVarint(b, int64(c.op.Cond))
				b = binary.AppendVarint(b, int64(c.op.Arg))
				b = append(b, flags(c.op.CtxDone, o.mustPark, o.optional))
			case popExit:
				b = append(b, flags(o.anyRes, o.optional, c.res.Bool))
				b = appendString(b, string(c.res.Err))
				b = binary.AppendVarint(b, int64(c.res.Int))
			}
		}
		s.buf = b
		id, ok := s.sigs[string(b)]
		if !ok {
			id = int32(len(s.sigs))
			s.sigs[string(b)] = id
		}
		o.sig = id
	}
}

func appendString(b []byte, x string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(x))), x...)
}

func flags(bs ...bool) byte {
	var f byte
	for i, x := range bs {
		if x {
			f |= 1 << i
		}
	}
	return f
}
