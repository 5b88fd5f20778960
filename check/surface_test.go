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

// maxSurface bounds the exported identifiers of the public packages.
const maxSurface = 215

// TestPublicSurface counts the exported identifiers of the public packages
// (go test ./check -run TestPublicSurface -v prints them): package-level
// names (each constant of a group), methods of exported types, and methods
// of exported interfaces; struct fields are not counted. Counted this way
// sync exports 44, porcupine 25 and rapid 131.
func TestPublicSurface(t *testing.T) {
	total := 0
	for _, dir := range publicPackages {
		names := exported(t, dir)
		total += len(names)
		t.Logf("%3d %s: %s", len(names), dir, strings.Join(names, " "))
	}
	t.Logf("%d exported identifiers in the public packages (at most %d)", total, maxSurface)
	if total > maxSurface {
		t.Errorf("%d exported identifiers in the public packages, more than %d", total, maxSurface)
	}
	// The README states the count: keep it true.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`they export (\d+) identifiers`).FindSubmatch(readme)
	if m == nil || string(m[1]) != strconv.Itoa(total) {
		t.Errorf("README.md says the public packages export %q identifiers; they export %d", m, total)
	}
}

func exported(t *testing.T, dir string) []string {
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, dir, func(fi fs.FileInfo) bool {
		return !strings.HasSuffix(fi.Name(), "_test.go")
	}, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range pkgs {
		for _, f := range p.Files {
			for _, d := range f.Decls {
				names = append(names, declNames(d)...)
			}
		}
	}
	if len(names) == 0 {
		t.Fatalf("%s: no exported identifiers (wrong directory %s?)", dir, filepath.Clean(dir))
	}
	return names
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
