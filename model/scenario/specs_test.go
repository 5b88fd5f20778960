package scenario

import (
	"strings"
	"testing"

	"github.com/syncheck/syncheck/model"
)

// specsDir holds the hand-written scenarios.
const specsDir = "../../specs"

// TestSpecsParse: every file under specs/ parses and round-trips, and the
// tree holds what the brief asks of it.
func TestSpecsParse(t *testing.T) {
	files, err := Files(specsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 45 {
		t.Errorf("%d scenario files under specs/, want at least 45", len(files))
	}
	for _, f := range files {
		s, err := ParseFile(f)
		if err != nil {
			t.Error(err)
			continue
		}
		assertRoundTrip(t, s)
		if len(s.Comment) == 0 {
			t.Errorf("%s: no leading comment saying what the scenario pins down", f)
		}
		for _, st := range s.Steps {
			if st.Kind == Run && len(st.Expect) == 0 {
				t.Errorf("%s:%d: step without an expectation", f, st.Line)
			}
		}
		dir := f[len(specsDir)+1:]
		dir = dir[:strings.IndexByte(dir, '/')]
		want := string(s.Primitive)
		if s.Primitive == model.BoundedSemaphore {
			want = string(model.Semaphore)
		}
		if dir != want {
			t.Errorf("%s: a %s scenario in specs/%s/", f, s.Primitive, dir)
		}
	}
}
