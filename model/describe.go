package model

// Additions to the API of model.go (nothing there is changed).

// Describe is m.String() with task t written as name(t) instead of "T<t>",
// for reports that know the tasks' names. Models not built by this package
// fall back to String().
func Describe(m Model, name func(t int) string) string {
	if d, ok := m.(interface {
		describe(func(int) string) string
	}); ok && name != nil {
		return d.describe(name)
	}
	return m.String()
}

// Ops lists the op kinds primitive p supports, in a stable order (the
// scenario language's table in specs/README.md). Invoking any other kind on
// one of p's models panics.
func Ops(p Primitive) []Kind {
	switch p {
	case Lock:
		return []Kind{Acquire, TryAcquire, Release, Locked}
	case Event:
		return []Kind{Wait, Set, Clear, IsSet}
	case Condition:
		return []Kind{Acquire, TryAcquire, Release, Locked, Wait, WaitFor, Notify, NotifyAll, Add}
	case Semaphore, BoundedSemaphore:
		return []Kind{Acquire, TryAcquire, Release, Locked, Value}
	}
	return nil
}
