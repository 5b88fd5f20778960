package check_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/syncheck/syncheck/model"
)

func FuzzQueue(f *testing.F)         { f.Fuzz(rapid.MakeFuzz(property(f, model.Queue))) }
func FuzzLifoQueue(f *testing.F)     { f.Fuzz(rapid.MakeFuzz(property(f, model.LifoQueue))) }
func FuzzPriorityQueue(f *testing.F) { f.Fuzz(rapid.MakeFuzz(property(f, model.PriorityQueue))) }
