package scenario

import (
	"slices"
	"strconv"
	"strings"

	"github.com/syncheck/syncheck/model"
)

// The ops of each primitive: the model's list (model.Ops), which is the
// language definition's order (specs/README.md).
var primitiveOps = func() map[model.Primitive][]model.Kind {
	m := map[model.Primitive][]model.Kind{}
	for _, p := range model.Primitives {
		m[p] = model.Ops(p)
	}
	return m
}()

// Ops lists the op kinds a task of primitive p may call.
func Ops(p model.Primitive) []model.Kind { return slices.Clone(primitiveOps[p]) }

// HasOp reports whether k is an op of primitive p.
func HasOp(p model.Primitive, k model.Kind) bool { return slices.Contains(primitiveOps[p], k) }

// CondScoped reports whether k, in a condition scenario, is an op of one of
// the Conditions (and so takes a cK. prefix) rather than of the shared Lock
// or the shared counter.
func CondScoped(k model.Kind) bool {
	switch k {
	case model.Wait, model.WaitFor, model.Notify, model.NotifyAll:
		return true
	}
	return false
}

// TakesArg reports whether k is written with an integer argument.
func TakesArg(k model.Kind) bool {
	switch k {
	case model.Notify, model.WaitFor, model.Add:
		return true
	}
	return false
}

// argUsage names k's argument for messages: "a count: notify N".
func argUsage(k model.Kind) string {
	switch k {
	case model.Notify:
		return "a count: notify N"
	case model.WaitFor:
		return "a threshold: waitfor K"
	case model.Add:
		return "a delta: add N"
	}
	return ""
}

// shape is what a call of one op can end with.
type shape struct {
	blocks  bool        // it can park
	errs    []model.Err // the Err outcomes (ok, cancelled, ...) it can return
	boolean bool        // it returns true or false
	integer bool        // it returns a value (>= 0)
}

func shapeOf(p model.Primitive, k model.Kind) shape {
	switch k {
	case model.Acquire:
		return shape{blocks: true, errs: []model.Err{model.OK, model.Cancelled}}
	case model.Wait, model.WaitFor:
		if p == model.Condition {
			return shape{blocks: true, errs: []model.Err{model.OK, model.Cancelled, model.NotLocked}}
		}
		return shape{blocks: true, errs: []model.Err{model.OK, model.Cancelled}}
	case model.TryAcquire, model.Locked, model.IsSet:
		return shape{boolean: true}
	case model.Value:
		return shape{integer: true}
	case model.Release:
		switch p {
		case model.Lock, model.Condition:
			return shape{errs: []model.Err{model.OK, model.NotLocked}}
		case model.BoundedSemaphore:
			return shape{errs: []model.Err{model.OK, model.ReleasedTooOften}}
		}
		return shape{errs: []model.Err{model.OK}}
	case model.Notify, model.NotifyAll:
		return shape{errs: []model.Err{model.OK, model.NotLocked}}
	}
	return shape{errs: []model.Err{model.OK}} // set, clear, add
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
	for _, k := range primitiveOps[p] {
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
		s[i] = k.String()
	}
	return strings.Join(s, ", ")
}

// orList writes "a", "a or b", "a, b or c".
func orList(ks []model.Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = k.String()
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

func dialectList() string {
	s := make([]string, len(model.Dialects))
	for i, d := range model.Dialects {
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
	if CondScoped(op.Kind) && (conditions > 1 || op.Cond != 0) {
		b.WriteString("c")
		b.WriteString(strconv.Itoa(op.Cond + 1))
		b.WriteString(".")
	}
	b.WriteString(op.Kind.String())
	if op.CtxDone {
		b.WriteString("!")
	}
	if TakesArg(op.Kind) {
		b.WriteString(" ")
		b.WriteString(strconv.Itoa(op.Arg))
	}
	return b.String()
}

// conditions is how many Conditions prefixes are written for: 0 unless sc
// is a condition scenario.
func (s *Scenario) conditions() int {
	if s == nil || s.Primitive != model.Condition {
		return 0
	}
	return s.Params.Conditions
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
