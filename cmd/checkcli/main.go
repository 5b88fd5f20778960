// Command checkcli runs syncheck from the command line: executable scenarios
// against the reference models and the implementations, the reference model's
// view of a scenario, and the checker.
//
// Exit status: 0 when everything passed, 1 when a scenario or check failed,
// 2 on bad input (unknown command or flag, malformed file), 3 on an internal
// error (a bug in checkcli, reported with its stack; the Go runtime's own
// fatal errors, out of memory say, exit 2 and print "fatal error").
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"unicode/utf8"
)

// usageError is bad input: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{clip(fmt.Sprintf(format, args...))} }

// clip cuts a message that quotes a huge argument to 300 bytes, on a
// character boundary.
func clip(msg string) string {
	const max = 300
	if len(msg) <= max {
		return msg
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes left out)", msg[:cut], len(msg)-cut)
}

// errFailed says a check failed (exit status 1); the report was printed.
var errFailed = errors.New("failed")

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"verify", "check a primitive's implementation against its model", runVerify},
		{"spec", "run scenario files against the model and the implementation", runSpec},
		{"model", "print what the reference model says happens at each step of a scenario", runModel},
		{"replay", "re-run saved counterexamples and say whether each still fails", runReplay},
		{"merge", "combine the --json results of a search's shards (verify --shard K/N)", runMerge},
		{"mutants", "run the checker against buggy variants and print the score table", runMutants},
		{"version", "print checkcli's version and the Go version it was built with", runVersion},
	}
}

func main() {
	if os.Getenv("GOGC") == "" {
		// The checker's live heap is a few megabytes and every execution
		// allocates afresh: at Go's default (100) the garbage collector
		// takes a core's share that the search's workers would otherwise
		// have. 400 trades a few more megabytes for it (BenchmarkSearchWorkers
		// in check/internal/explore measures both). GOGC, when set, rules.
		debug.SetGCPercent(gcPercent)
	}
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// gcPercent is checkcli's garbage collection target (GOGC) unless the
// environment sets one.
const gcPercent = 400

func run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		// A panic is checkcli's bug, never bad input: exit 3, with the
		// stack, so that it cannot pass for a malformed file.
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "checkcli: internal error: %v\n%s\nThis is a bug in checkcli; please report it with the command that ran.\n", r, debug.Stack())
			code = 3
		}
	}()
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		if len(args) > 1 {
			return run([]string{args[1], "--help"}, stdout, stderr)
		}
		topUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(args[1:], stdout, stderr)
			switch {
			case err == nil, errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, errFailed):
				return 1
			default:
				fmt.Fprintf(stderr, "checkcli %s: %v\n", c.name, err)
				var ue usageError
				if errors.As(err, &ue) {
					fmt.Fprintf(stderr, "Run 'checkcli %s --help' for usage.\n", c.name)
				}
				return 2
			}
		}
	}
	fmt.Fprintf(stderr, "checkcli: unknown command %q\n", args[0])
	topUsage(stderr)
	return 2
}

func topUsage(w io.Writer) {
	fmt.Fprintln(w, `checkcli: a model checker for asyncio-style synchronization primitives.

Usage:
  checkcli <command> [flags] [arguments]

Commands:`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, `
Run 'checkcli <command> --help' for a command's flags.
Exit status: 0 passed, 1 a check failed, 2 bad input, 3 internal error.`)
}

// flagSet is a command's flags with its usage text: errors are returned to
// run (exit 2), and --help prints the usage to stdout (exit 0).
type flagSet struct {
	*flag.FlagSet
	usage  string
	stdout io.Writer
}

func newFlags(name, usage string, stdout io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, usage: usage, stdout: stdout}
}

func (fs *flagSet) printUsage() {
	fmt.Fprintf(fs.stdout, "%s\n\nFlags:\n", fs.usage)
	fs.SetOutput(fs.stdout)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
}

// isSet reports whether the flag name was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// parse parses args; flag errors become usage errors. Flags may come before
// or after the positional arguments (checkcli verify condition --runs 10);
// "--" ends the flags.
func (fs *flagSet) parse(args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.printUsage()
				return err
			}
			return usageError{clip(err.Error())}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return fs.Parse(append([]string{"--"}, pos...))
}
