package check_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/model"
)

// FuzzWeighted: `go test -fuzz=FuzzWeighted ./check/` drives the Weighted
// semaphore's property with the fuzzer's inputs as rapid's random stream
// (see fuzz_test.go).
func FuzzWeighted(f *testing.F) { f.Fuzz(rapid.MakeFuzz(property(f, model.Weighted))) }
