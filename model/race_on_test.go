//go:build race

package model

// raceEnabled: the exploration tests are single-goroutine and gain nothing
// from the race detector, which slows them several times; they explore with
// a smaller cancel budget under -race (coverage assertions still apply).
const raceEnabled = true
