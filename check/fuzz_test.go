package check_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/check"
	"github.com/syncheck/syncheck/model"
)

// property is the checker's property for the built-in implementation of p:
// one generated program, one explored schedule, judged.
func property(tb testing.TB, p model.Primitive) func(*rapid.T) {
	target, err := check.Builtin(p)
	if err != nil {
		tb.Fatal(err)
	}
	return check.Property(target, check.Options{})
}

// The fuzz targets: `go test -fuzz=FuzzCondition ./check/` drives the same
// property with the fuzzer's inputs as rapid's random stream.
func FuzzLock(f *testing.F)      { f.Fuzz(rapid.MakeFuzz(property(f, model.Lock))) }
func FuzzEvent(f *testing.F)     { f.Fuzz(rapid.MakeFuzz(property(f, model.Event))) }
func FuzzCondition(f *testing.F) { f.Fuzz(rapid.MakeFuzz(property(f, model.Condition))) }
func FuzzSemaphore(f *testing.F) { f.Fuzz(rapid.MakeFuzz(property(f, model.Semaphore))) }
func FuzzBoundedSemaphore(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(property(f, model.BoundedSemaphore)))
}

// TestProperties runs the property under rapid.Check for every built-in
// primitive; a failure leaves rapid's fail file under testdata/rapid/ and is
// replayed from it by the next go test.
func TestProperties(t *testing.T) {
	for _, p := range model.Primitives {
		t.Run(string(p), func(t *testing.T) {
			rapid.Check(t, property(t, p))
		})
	}
}
