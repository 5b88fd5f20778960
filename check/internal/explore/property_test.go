package explore_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check/internal/explore"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
)

// TestPropertyBuiltins runs the property (rapid draws the programs and the
// schedules, judge.Judge judges every execution) against impl's primitives:
// no false alarm.
func TestPropertyBuiltins(t *testing.T) {
	for _, p := range model.Primitives {
		t.Run(string(p), func(t *testing.T) {
			var st explore.Stats
			rapid.Check(t, explore.Property(builtin(t, p), explore.Config{Stats: &st}))
			t.Logf("%d programs, %d executions, %d inconclusive, %d window cancels",
				st.Programs.Load(), st.Executions.Load(), st.Inconclusive.Load(), st.WindowCancel.Load())
		})
	}
}

// FuzzPropertyCondition drives the property with go test -fuzz (through
// rapid.MakeFuzz): the fuzzer's bytes are rapid's draws.
func FuzzPropertyCondition(f *testing.F) {
	// Seeds: long enough for a program and its schedule (8 bytes a draw).
	for seed := range uint64(4) {
		src := scheduler.NewPCG(seed)
		b := make([]byte, 4096)
		for i := range b {
			b[i] = byte(src.Intn(256))
		}
		f.Add(b)
	}
	f.Fuzz(rapid.MakeFuzz(explore.Property(builtin(f, model.Condition), explore.Config{})))
}
