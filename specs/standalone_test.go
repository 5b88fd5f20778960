package specs

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// outside lists strings that only a reference to a document outside the
// module would contain. They are spelled in pieces so that this file does
// not match itself.
var outside = []string{
	"asyncio-" + "contract", // the asyncio reference: specs/asyncio.md
	"bug-" + "classes.md",   // the bug classes: specs/bugs.md
	"DES" + "IGN",           // the design notes: README.md, specs/README.md
	".." + "/shared",        // anything beside the repository
}

// docExts are the files whose text is documentation or carries it.
var docExts = map[string]bool{".go": true, ".md": true, ".scn": true}

// outsideRefs walks the tree at root and returns one "path:line: text" entry
// per line of a .go, .md or .scn file that contains one of outside.
// Directories whose names start with "." (.git) are skipped.
func outsideRefs(root string) ([]string, error) {
	var hits []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !docExts[filepath.Ext(path)] {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, _ := filepath.Rel(root, path)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 64*1024), 16*1024*1024)
		for n := 1; sc.Scan(); n++ {
			line := sc.Text()
			for _, s := range outside {
				if strings.Contains(line, s) {
					hits = append(hits, fmt.Sprintf("%s:%d: %q: %s", rel, n, s, strings.TrimSpace(line)))
				}
			}
		}
		return sc.Err()
	})
	return hits, err
}

// TestStandalone: the module's documentation stands alone. No source,
// Markdown or scenario file may cite a document the module does not
// contain; the asyncio reference is asyncio.md, the bug classes are bugs.md.
func TestStandalone(t *testing.T) {
	root, err := filepath.Abs("..") // the module root, the parent of specs/
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("module root %s: %v", root, err)
	}
	hits, err := outsideRefs(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		t.Errorf("%s", h)
	}
	if len(hits) > 0 {
		t.Logf("%d references to documents outside the module; cite specs/asyncio.md, specs/bugs.md, README.md or specs/README.md instead", len(hits))
	}
}

// TestStandaloneDetects: outsideRefs finds each forbidden string, so that
// TestStandalone can fail.
func TestStandaloneDetects(t *testing.T) {
	dir := t.TempDir()
	var want int
	for i, s := range outside {
		for _, ext := range []string{".go", ".md", ".scn"} {
			name := filepath.Join(dir, fmt.Sprintf("f%d%s", i, ext))
			if err := os.WriteFile(name, []byte("clean line\nsee "+s+" §4\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			want++
		}
	}
	// Ignored: other extensions and hidden directories.
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte(outside[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, ".git", "x.md"), []byte(outside[0]), 0o644); err != nil {
		t.Fatal(err)
	}
	hits, err := outsideRefs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != want {
		t.Fatalf("found %d references, want %d:\n%s", len(hits), want, strings.Join(hits, "\n"))
	}
	for _, h := range hits {
		if !strings.Contains(h, ":2: ") {
			t.Errorf("wrong line in %q", h)
		}
	}
}
