// Package specs embeds the hand-written scenarios (the executable
// specification, see README.md) so that tests and checkcli find them
// wherever they run.
package specs

import (
	"embed"
	"io/fs"
	"strings"

	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// FS holds every scenario, as <primitive>/<name>.scn.
//
//go:embed */*.scn
var FS embed.FS

// All parses every embedded scenario, named "specs/<primitive>/<name>.scn",
// in lexical order.
func All() ([]*scenario.Scenario, error) {
	var scs []*scenario.Scenario
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".scn") {
			return err
		}
		src, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		sc, err := scenario.Parse("specs/"+path, src)
		if err != nil {
			return err
		}
		scs = append(scs, sc)
		return nil
	})
	return scs, err
}

// About returns the embedded scenarios about primitive p (the semaphore
// directory holds the boundedsemaphore ones too).
func About(p model.Primitive) ([]*scenario.Scenario, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	var out []*scenario.Scenario
	for _, sc := range all {
		if sc.Primitive == p {
			out = append(out, sc)
		}
	}
	return out, nil
}
