package check_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// publicPackages are the module's public packages (everything else is
// under check/internal or a command), relative to this directory.
var publicPackages = []string{"../impl", "../impl/sched", "../model", "../model/scenario", "."}

// maxSurface bounds the exported identifiers of the public packages. It
// was 200; 6 more are checkcli's JSON documents and progress, so that
// programs can decode and follow them without copying types out of a
// main package: check.VerifyReport, MutantsReport and MutantRow (the
// documents), VerifySchema and MutantsSchema (their schema names, to
// compare a document's "schema" with), and Progress (Options.Progress's
// argument, which carries the phase: searching or shrinking). One more,
// ShardSummary, is a shard's line in the document checkcli merge prints
// (the shards of one search, split over machines, merged).
const maxSurface = 207

// TestPublicSurface counts the exported identifiers of the public packages
// (go test ./check -run TestPublicSurface -v prints them): package-level
// names (each constant of a group), methods of exported types, and methods
// of exported interfaces; struct fields are not counted. Counted this way
// sync exports 44, porcupine 25 and rapid 131.
//
// The constants of model's Primitive, Kind and Err types are counted apart,
// as the scenario language's vocabulary (a primitive, its operations, its
// errors: what specs/*.scn files are written in): they grow by a few with
// each primitive, as http's Status constants do with each status, and are
// data rather than API to learn. The ceiling is on the rest.
func TestPublicSurface(t *testing.T) {
	api, vocab := 0, 0
	for _, dir := range publicPackages {
		names, words := exported(t, dir)
		api += len(names)
		vocab += len(words)
		t.Logf("%3d %s: %s", len(names), dir, strings.Join(names, " "))
		if len(words) > 0 {
			t.Logf("%3d %s vocabulary: %s", len(words), dir, strings.Join(words, " "))
		}
	}
	t.Logf("%d exported identifiers in the public packages (at most %d), plus %d vocabulary constants", api, maxSurface, vocab)
	if api > maxSurface {
		t.Errorf("%d exported identifiers in the public packages, more than %d", api, maxSurface)
	}
	// The README states the counts: keep them true.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`they export (\d+) identifiers,\s+plus (\d+) constants`).FindSubmatch(readme)
	if m == nil || string(m[1]) != strconv.Itoa(api) || string(m[2]) != strconv.Itoa(vocab) {
		t.Errorf("README.md says the public packages export %q identifiers plus constants; they export %d plus %d", m, api, vocab)
	}
}

// vocabTypes are model's types whose constants are the scenario language's
// words.
var vocabTypes = map[string]bool{"Primitive": true, "Kind": true, "Err": true}

// exported lists dir's exported identifiers, and apart from them its
// vocabulary constants.
func exported(t *testing.T, dir string) (names, vocab []string) {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	for name, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				if name == "model" && isVocab(d) {
					vocab = append(vocab, declNames(d)...)
					continue
				}
				names = append(names, declNames(d)...)
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s: no exported identifiers (wrong directory %s?)", dir, filepath.Clean(dir))
	}
	return names, vocab
}

// isVocab reports whether d declares constants of a vocabulary type only.
func isVocab(d ast.Decl) bool {
	g, ok := d.(*ast.GenDecl)
	if !ok || g.Tok != token.CONST {
		return false
	}
	for _, s := range g.Specs {
		v := s.(*ast.ValueSpec)
		id, ok := v.Type.(*ast.Ident)
		if !ok || !vocabTypes[id.Name] {
			return false
		}
	}
	return true
}

func declNames(d ast.Decl) []string {
	var out []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if !d.Name.IsExported() {
			return nil
		}
		if d.Recv != nil {
			recv := d.Recv.List[0].Type
			for {
				switch r := recv.(type) {
				case *ast.StarExpr:
					recv = r.X
					continue
				case *ast.IndexExpr:
					recv = r.X
					continue
				case *ast.IndexListExpr:
					recv = r.X
					continue
				}
				break
			}
			if id, ok := recv.(*ast.Ident); ok && !id.IsExported() {
				return nil
			}
			return []string{recvName(recv) + "." + d.Name.Name}
		}
		return []string{d.Name.Name}
	case *ast.GenDecl:
		for _, s := range d.Specs {
			switch s := s.(type) {
			case *ast.TypeSpec:
				if !s.Name.IsExported() {
					continue
				}
				out = append(out, s.Name.Name)
				if it, ok := s.Type.(*ast.InterfaceType); ok {
					for _, m := range it.Methods.List {
						for _, n := range m.Names {
							if n.IsExported() {
								out = append(out, s.Name.Name+"."+n.Name)
							}
						}
					}
				}
			case *ast.ValueSpec:
				for _, n := range s.Names {
					if n.IsExported() {
						out = append(out, n.Name)
					}
				}
			}
		}
	}
	return out
}

func recvName(e ast.Expr) string {
	if id, ok := e.(*ast.Ident); ok {
		return id.Name
	}
	return "?"
}
