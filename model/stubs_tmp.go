package model

// Temporary stubs so the package compiles while the models are written.
// The model author replaces this file.

func newLock(d Dialect) Model                           { panic("todo") }
func newEvent(d Dialect) Model                          { panic("todo") }
func newCondition(d Dialect, n int) Model               { panic("todo") }
func newSemaphore(d Dialect, v int, bounded bool) Model { panic("todo") }
