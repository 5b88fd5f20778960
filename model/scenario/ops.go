package scenario

import (
	"slices"
	"strconv"
	"strings"

	"github.com/syncheck/syncheck/model"
)

// The op table is the model's: each primitive's Descriptor (model.Describe)
// lists its ops, in the language definition's order (specs/README.md),
// with their arguments, scopes and outcomes.

// spec returns the spec of op kind k of primitive p.
func spec(p model.Primitive, k model.Kind) (model.OpSpec, bool) {
	d := model.Describe(p)
	if d == nil {
		return model.OpSpec{}, false
	}
	return d.Op(k)
}

// kindsOf lists primitive p's op kinds.
func kindsOf(p model.Primitive) []model.Kind {
	var ks []model.Kind
	if d := model.Describe(p); d != nil {
		for _, o := range d.Ops {
			ks = append(ks, o.Kind)
		}
	}
	return ks
}

// anySpec returns the spec of op kind k in the first primitive that has
// it: what is true of a kind whatever the primitive (its argument, whether
// it answers a bool or an integer).
func anySpec(k model.Kind) (model.OpSpec, bool) {
	for _, p := range model.Primitives {
		if o, ok := spec(p, k); ok {
			return o, true
		}
	}
	return model.OpSpec{}, false
}

// scoped reports whether k is an op of one of several instances (a
// Condition of those sharing a Lock: the cK. prefix) in some primitive.
func scoped(k model.Kind) bool {
	for _, p := range model.Primitives {
		if o, ok := spec(p, k); ok && o.Scoped {
			return true
		}
	}
	return false
}

// takesArg reports whether k is written with an integer argument.
func takesArg(k model.Kind) bool {
	o, _ := anySpec(k)
	return o.Arg != ""
}

// argUsage names k's argument for messages: "a count: notify N".
func argUsage(k model.Kind) string {
	o, _ := anySpec(k)
	return o.Arg
}

// shape is what a call of one op can end with.
type shape struct {
	blocks  bool        // it can park
	errs    []model.Err // the Err outcomes (ok, cancelled, ...) it can return
	boolean bool        // it returns true or false
	integer bool        // it returns a value (>= 0)
}

func shapeOf(p model.Primitive, k model.Kind) shape {
	o, _ := spec(p, k)
	sh := shape{blocks: o.Blocking, boolean: o.Bool, integer: o.Int}
	if !o.Bool && !o.Int {
		sh.errs = append(sh.errs, model.OK)
	}
	if o.Blocking {
		sh.errs = append(sh.errs, model.Cancelled)
	}
	sh.errs = append(sh.errs, o.Errs...)
	return sh
}

// allows reports whether a call of kind k on p can end with e.
func (sh shape) allows(e Expect) bool {
	switch e.Kind {
	case ExpectBlocks:
		return sh.blocks
	case ExpectErr:
		return slices.Contains(sh.errs, e.Err)
	case ExpectBool:
		return sh.boolean
	case ExpectInt:
		return sh.integer && e.Int >= 0
	}
	return false
}

// String lists the outcomes for messages: "blocks, ok, cancelled".
func (sh shape) String() string {
	var s []string
	if sh.blocks {
		s = append(s, "blocks")
	}
	for _, e := range sh.errs {
		s = append(s, e.String())
	}
	if sh.boolean {
		s = append(s, "true", "false")
	}
	if sh.integer {
		s = append(s, "an integer >= 0")
	}
	return strings.Join(s, ", ")
}

// blockingOps lists the ops of p that take a context (and so a "!").
func blockingOps(p model.Primitive) []model.Kind {
	var ks []model.Kind
	for _, k := range kindsOf(p) {
		if (model.Op{Kind: k}).Blocking() {
			ks = append(ks, k)
		}
	}
	return ks
}

// kindList writes "acquire, tryacquire, release, locked".
func kindList(ks []model.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// orList writes "a", "a or b", "a, b or c".
func orList(ks []model.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	if len(s) <= 1 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func primitiveList() string {
	s := make([]string, len(model.Primitives))
	for i, p := range model.Primitives {
		s[i] = string(p)
	}
	return strings.Join(s, ", ")
}

func dialectList() string { return dialectNames(allDialects()) }

// allDialects lists every dialect some primitive has: model.Dialects,
// then those only some primitives have (x/sync).
func allDialects() []model.Dialect {
	ds := slices.Clone(model.Dialects)
	for _, p := range model.Primitives {
		for _, d := range model.Describe(p).AllDialects() {
			if !slices.Contains(ds, d) {
				ds = append(ds, d)
			}
		}
	}
	return ds
}

// dialectNames writes "go, asyncio-3.13".
func dialectNames(ds []model.Dialect) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = string(d)
	}
	return strings.Join(s, ", ")
}

// FormatOp writes op as the scenario language does: "c2.notify 1",
// "acquire!", "waitfor! 5". The cK. prefix is written for condition-scoped
// ops when there are several Conditions (or when op names a Condition other
// than the first).
func FormatOp(op model.Op, conditions int) string {
	var b strings.Builder
	if scoped(op.Kind) && (conditions > 1 || op.Cond != 0) {
		b.WriteString("c")
		b.WriteString(strconv.Itoa(op.Cond + 1))
		b.WriteString(".")
	}
	b.WriteString(string(op.Kind))
	if op.CtxDone {
		b.WriteString("!")
	}
	if takesArg(op.Kind) {
		b.WriteString(" ")
		b.WriteString(strconv.Itoa(op.Arg))
	}
	return b.String()
}

// conditions is how many Conditions prefixes are written for: 0 unless sc
// is a condition scenario.
func (s *Scenario) conditions() int {
	if s == nil {
		return 0
	}
	d := model.Describe(s.Primitive)
	if d == nil || d.Scopes == "" {
		return 0
	}
	return d.Instances(s.Params)
}

// OpString writes op as it appears in sc (with a cK. prefix when sc has
// several Conditions).
func OpString(sc *Scenario, op model.Op) string { return FormatOp(op, sc.conditions()) }

// ExpectString writes a list of outcomes joined by "|" ("" for none).
func ExpectString(es []Expect) string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.String()
	}
	return strings.Join(s, "|")
}

// StepString writes st as a line of sc: "W1 wait sees grant -> ok|cancelled"
// or "cancel W1".
func StepString(sc *Scenario, st Step) string {
	name := "?"
	if sc != nil && st.Task >= 0 && st.Task < len(sc.Tasks) {
		name = sc.Tasks[st.Task].Name
	}
	if st.Kind == Cancel {
		return "cancel " + name
	}
	var b strings.Builder
	b.WriteString(name)
	b.WriteString(" ")
	b.WriteString(OpString(sc, st.Op))
	switch st.Sees {
	case SeesGrant:
		b.WriteString(" sees grant")
	case SeesCancel:
		b.WriteString(" sees cancel")
	}
	if st.Point != "" {
		b.WriteString(" @ ")
		b.WriteString(st.Point)
	}
	if len(st.Expect) > 0 {
		b.WriteString(" -> ")
		b.WriteString(ExpectString(st.Expect))
	}
	return b.String()
}

// String writes "grant", "cancel" or "" (the default).
func (s Sees) String() string {
	switch s {
	case SeesGrant:
		return "grant"
	case SeesCancel:
		return "cancel"
	}
	return ""
}
