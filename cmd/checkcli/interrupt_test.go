package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestInterrupt: Ctrl-C during a search prints the seed, the executions
// done and the command that runs it again, and exits 130. It builds
// checkcli and interrupts it once it has printed its first line (the
// seed it searches with, on stderr). Skipped with -short.
func TestInterrupt(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds checkcli and sends it an interrupt")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(t.TempDir(), "checkcli")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "verify", "lock", "--runs", "0", "--time", "10m", "--seed", "7")
	pipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(pipe)
	first, err := r.ReadString('\n') // "searching lock with seed 7": under way
	if err != nil {
		t.Fatalf("no first line: %v", err)
	}
	var stderr bytes.Buffer
	copied := make(chan struct{})
	go func() { stderr.ReadFrom(r); close(copied) }()
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select { // the process exits, closing its stderr: the copy ends
	case <-copied:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("still running 30 s after the interrupt (first line %q)", first)
	}
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 130 {
		t.Fatalf("exit %v, want 130; stderr:\n%s", err, stderr.String())
	}
	for _, want := range []string{"interrupted after about", "(seed 7)", "rerun: go run ./cmd/checkcli verify lock --seed 7"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}
}
