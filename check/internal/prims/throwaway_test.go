package prims_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestThrowawayPrimitive adds a primitive to a copy of the module, one
// piece at a time, and shows TestComplete naming what is still missing:
// first the whole check side, then the fragments of a descriptor that
// lacks them. (Minutes of compiling on a slow machine: skipped with
// -short.)
func TestThrowawayPrimitive(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles a copy of the module")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	root := copyModule(t)
	// The model side: its own file and a registry line.
	write(t, root, "model/throwaway.go", `package model

const Throwaway Primitive = "throwaway"

var throwawayDescriptor = Descriptor{
	Primitive: Throwaway,
	Ops:       []OpSpec{{Kind: Set}, {Kind: IsSet, Bool: true}},
	New:       func(d Dialect, _ Params) Model { return newEvent(d) },
}
`)
	edit(t, root, "model/registry.go", "\t&boundedSemaphoreDescriptor,\n", "\t&boundedSemaphoreDescriptor,\n\t&throwawayDescriptor,\n")
	out := completeTest(t, goTool, root)
	if !strings.Contains(out, "throwaway: no check-side descriptor") {
		t.Fatalf("without a check side, TestComplete does not name it:\n%s", out)
	}
	// A check-side descriptor without fragments.
	write(t, root, "check/internal/prims/throwaway.go", `package prims

import "github.com/syncheck/syncheck/model"

var throwawayDescriptor = Descriptor{
	Primitive: model.Throwaway,
	Builtin:   eventDescriptor.Builtin,
}
`)
	edit(t, root, "check/internal/prims/registry.go", "\t&boundedSemaphoreDescriptor,\n", "\t&boundedSemaphoreDescriptor,\n\t&throwawayDescriptor,\n")
	out = completeTest(t, goTool, root)
	for _, want := range []string{"throwaway: the check-side descriptor has no Fragments", "throwaway: no mutants' base", "throwaway: no public constructor"} {
		if !strings.Contains(out, want) {
			t.Errorf("TestComplete does not say %q:\n%s", want, out)
		}
	}
}

// completeTest runs TestComplete in the copy and returns its output; it
// must fail.
func completeTest(t *testing.T, goTool, root string) string {
	t.Helper()
	cmd := exec.Command(goTool, "test", "-count=1", "-run", "^TestComplete$", "./check/internal/prims/")
	cmd.Dir = root
	var b bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &b
	if err := cmd.Run(); err == nil {
		t.Fatalf("TestComplete passes on an incomplete primitive:\n%s", b.String())
	}
	return b.String()
}

// copyModule copies the module's Go sources, go.mod, go.sum and the
// scenario files into a temporary directory.
func copyModule(t *testing.T) string {
	t.Helper()
	src, err := filepath.Abs("../../..")
	if err != nil {
		t.Fatal(err)
	}
	dst := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." || d.Name() == "testdata" {
				return filepath.SkipDir
			}
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		switch filepath.Ext(p) {
		case ".go", ".scn", ".mod", ".sum", ".md":
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func write(t *testing.T, root, rel, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, rel), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func edit(t *testing.T, root, rel, old, new string) {
	t.Helper()
	path := filepath.Join(root, rel)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(old)) {
		t.Fatalf("%s has no %q", rel, old)
	}
	if err := os.WriteFile(path, bytes.Replace(b, []byte(old), []byte(new), 1), 0o644); err != nil {
		t.Fatal(err)
	}
}
