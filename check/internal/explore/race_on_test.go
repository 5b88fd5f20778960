//go:build race

package explore_test

// raceEnabled: the race detector slows runs several times; the long loops
// (memory, mutants) run fewer iterations under -race.
const raceEnabled = true
