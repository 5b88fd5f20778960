package mutants

import (
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/specs"
)

// TestFastPathCopiesPass: the fast-path copies (fastpath.go), which the
// class F mutants of impl's lock-free fast paths are written against, pass
// every go-dialect specs/ scenario of their primitive, as impl does, so that
// each such mutant differs from the specification by its bug alone.
func TestFastPathCopiesPass(t *testing.T) {
	copies := map[model.Primitive]harness.Target{
		model.Lock:      flockTarget("fastpath", func(l *flock) prims.LockImpl { return l }),
		model.Semaphore: fsemTarget("fastpath", func(s *fsem) prims.SemaphoreImpl { return s }),
		model.Event:     feventTarget("fastpath", func(e *fevent) prims.EventImpl { return e }),
	}
	scs, err := specs.All()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, sc := range scs {
		tg, ok := copies[sc.Primitive]
		if sc.Dialect != model.Go || !ok {
			continue
		}
		n++
		t.Run(sc.File, func(t *testing.T) {
			if r := harness.RunSpec(sc, &tg); r.Failed() {
				t.Fatal(r.Failure)
			}
		})
	}
	if n < 15 {
		t.Fatalf("only %d go-dialect Lock, Semaphore and Event scenarios under specs/", n)
	}
}
