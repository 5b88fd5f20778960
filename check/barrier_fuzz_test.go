package check_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/model"
)

// FuzzBarrier: `go test -fuzz=FuzzBarrier ./check/` drives the Barrier's
// property with the fuzzer's inputs as rapid's random stream (see
// fuzz_test.go).
func FuzzBarrier(f *testing.F) { f.Fuzz(rapid.MakeFuzz(property(f, model.Barrier))) }
