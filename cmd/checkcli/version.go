package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", `Usage: checkcli version

Prints checkcli's module version (as go install recorded it, or the source
revision of a build from a checkout) and the Go version it was built with.`, stdout)
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("version takes no arguments")
	}
	fmt.Fprintln(stdout, version())
	return nil
}

// version describes the build: "checkcli v0.3.0 (go1.26.0)", or for a
// build from a checkout "checkcli (devel) 1a2b3c4d5e6f dirty (go1.26.0)".
func version() string {
	v := "checkcli"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v + " (no build information) (" + runtime.Version() + ")"
	}
	v += " " + info.Main.Version
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = " dirty"
			}
		}
	}
	if rev != "" {
		v += " " + rev[:min(12, len(rev))] + dirty
	}
	return v + " (" + info.GoVersion + ")"
}
