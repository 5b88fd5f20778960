module github.com/syncheck/syncheck

go 1.23

require (
	github.com/anishathalye/porcupine v1.3.1
	go.uber.org/goleak v1.3.0
	golang.org/x/sync v0.10.0
	pgregory.net/rapid v1.3.0
)
