package scenario

import (
	"errors"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/syncheck/syncheck/model"
	"pgregory.net/rapid"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// stripPos returns a copy of s without File and Line fields.
func stripPos(s *Scenario) *Scenario {
	c := *s
	c.File = ""
	c.Tasks = append([]Task(nil), s.Tasks...)
	for i := range c.Tasks {
		c.Tasks[i].Line = 0
	}
	c.Steps = append([]Step(nil), s.Steps...)
	for i := range c.Steps {
		c.Steps[i].Line = 0
	}
	return &c
}

// assertRoundTrip checks Parse(Print(s)) == s (but for File and Line) and
// Print(Parse(Print(s))) == Print(s).
func assertRoundTrip(t interface {
	Helper()
	Fatalf(string, ...any)
}, s *Scenario) {
	t.Helper()
	out := Print(s)
	s2, err := Parse("printed.scn", out)
	if err != nil {
		t.Fatalf("printed scenario does not parse: %v\n%s", err, out)
	}
	if a, b := stripPos(s), stripPos(s2); !reflect.DeepEqual(a, b) {
		t.Fatalf("round trip changed the scenario:\n%#v\n%#v\n%s", a, b, out)
	}
	if out2 := Print(s2); string(out2) != string(out) {
		t.Fatalf("Print is not stable:\n%s\n---\n%s", out, out2)
	}
}

// genScenario draws a random scenario that Parse could have produced.
func genScenario(t *rapid.T) *Scenario {
	s := &Scenario{Primitive: rapid.SampledFrom(model.Primitives).Draw(t, "primitive")}
	s.Dialect = rapid.SampledFrom(model.Describe(s.Primitive).AllDialects()).Draw(t, "dialect")
	s.Params = model.Params{}
	for _, x := range model.Describe(s.Primitive).Params {
		s.Params[x.Key] = rapid.OneOf(rapid.IntRange(x.Min, x.Min+4), rapid.IntRange(x.Min, x.Max)).Draw(t, x.Key)
	}
	comment := rapid.SliceOfN(rapid.StringMatching(`[ -~\t]{0,30}`), 0, 4).Draw(t, "comment")
	for _, c := range comment {
		s.Comment = append(s.Comment, strings.TrimRightFunc(c, unicode.IsSpace))
	}
	if len(s.Comment) == 0 {
		s.Comment = nil
	}
	if rapid.IntRange(0, 3).Draw(t, "target?") == 0 {
		s.Target = rapid.StringMatching(`[a-z][a-z0-9_-]{0,10}`).Draw(t, "target")
	}
	names := rapid.SliceOfNDistinct(
		rapid.StringMatching(`[A-Za-z][A-Za-z0-9_]{0,5}`).Filter(func(n string) bool { return !slices.Contains(reserved(), n) }),
		1, 4, rapid.ID[string]).Draw(t, "names")
	var kinds []model.Kind
	for _, k := range kindsOf(s.Primitive) {
		if o, _ := spec(s.Primitive, k); o.In(s.Dialect) {
			kinds = append(kinds, k)
		}
	}
	for _, name := range names {
		task := Task{Name: name}
		n := rapid.IntRange(1, 5).Draw(t, "nops")
		for range n {
			op := model.Op{Kind: rapid.SampledFrom(kinds).Draw(t, "kind")}
			if scoped(op.Kind) && s.Primitive == model.Condition {
				op.Cond = rapid.IntRange(0, s.Params["conditions"]-1).Draw(t, "cond")
			}
			if takesArg(op.Kind) {
				op.Arg = rapid.OneOf(rapid.IntRange(-3, 10), rapid.IntRange(-maxInt, maxInt)).Draw(t, "arg")
			}
			if op.Blocking() {
				op.CtxDone = rapid.Bool().Draw(t, "ctxdone")
			}
			task.Ops = append(task.Ops, op)
		}
		s.Tasks = append(s.Tasks, task)
	}
	nsteps := rapid.IntRange(1, 12).Draw(t, "nsteps")
	for range nsteps {
		ti := rapid.IntRange(0, len(s.Tasks)-1).Draw(t, "task")
		if rapid.IntRange(0, 4).Draw(t, "cancel?") == 0 {
			s.Steps = append(s.Steps, Step{Kind: Cancel, Task: ti})
			continue
		}
		op := rapid.SampledFrom(s.Tasks[ti].Ops).Draw(t, "op")
		st := Step{Kind: Run, Task: ti, Op: op}
		if op.Blocking() {
			st.Sees = rapid.SampledFrom([]Sees{SeesDefault, SeesGrant, SeesCancel}).Draw(t, "sees")
		}
		sh := shapeOf(s.Primitive, op.Kind)
		var cands []Expect
		if sh.blocks {
			cands = append(cands, Expect{Kind: ExpectBlocks})
		}
		for _, e := range sh.errs {
			cands = append(cands, Expect{Kind: ExpectErr, Err: e})
		}
		if sh.boolean {
			cands = append(cands, Expect{Kind: ExpectBool, Bool: true}, Expect{Kind: ExpectBool})
		}
		if sh.integer {
			for i := range 4 {
				cands = append(cands, Expect{Kind: ExpectInt, Int: i})
			}
		}
		st.Expect = rapid.SliceOfNDistinct(rapid.SampledFrom(cands), 0, len(cands), func(e Expect) Expect { return e }).Draw(t, "expect")
		if len(st.Expect) == 0 {
			st.Expect = nil
			if rapid.IntRange(0, 3).Draw(t, "partial?") == 0 {
				st.Point = rapid.StringMatching(`[a-z][a-z.:_0-9-]{0,8}`).Draw(t, "point")
			}
		}
		s.Steps = append(s.Steps, st)
	}
	return s
}

func TestRoundTripProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := genScenario(t)
		assertRoundTrip(t, s)
	})
}

// FuzzParse: Parse never panics, and whatever parses prints and re-parses
// to the same tree.
func FuzzParse(f *testing.F) {
	files, _ := Files("../../specs")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("primitive lock\ntask A: acquire, release\nA acquire -> ok\nA release -> ok|not-locked\n"))
	f.Add([]byte("primitive condition\nconditions 2\ntask W: acquire, c2.waitfor! 3\nW c2.waitfor! 3 sees grant -> cancelled\ncancel W\n"))
	f.Add([]byte("# c\n\n#\nprimitive boundedsemaphore\nvalue 0\ntask S: release, value\nS release -> released-too-often\nS value -> 0\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz.scn", src)
		if err != nil {
			if s != nil {
				t.Fatalf("scenario and error: %v", err)
			}
			return
		}
		assertRoundTrip(t, s)
	})
}
