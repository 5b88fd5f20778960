//go:build race

package judge

// raceEnabled: the corpus tests judge thousands of histories on one
// goroutine (porcupine's own is joined by a channel); the race detector
// slows them several times and finds nothing more in a larger corpus, so
// they use a smaller one under -race.
const raceEnabled = true
