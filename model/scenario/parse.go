package scenario

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/syncheck/syncheck/model"
)

// Limits on numbers in a scenario. They keep the models small and the
// arithmetic far from overflow; no meaningful scenario comes near them.
const (
	// maxInt bounds the absolute value of every integer argument and of
	// every parameter (each parameter has its own range too).
	maxInt = 1_000_000_000
	// maxErrors is how many errors Parse reports before it gives up.
	maxErrors = 10
)

// Error is one thing wrong with a scenario file, at a line.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// errTooMany stops a parse that has found maxErrors errors.
var errTooMany = errors.New("too many errors")

// Limits on a scenario, far above any meaningful one (the specs have at
// most 6 tasks and 40 steps) and low enough that the model's search and
// the judges stay within memory.
const (
	MaxTasks = 100    // tasks
	MaxCalls = 1000   // calls of one task
	MaxSteps = 10_000 // steps of the schedule
)

// MaxFileSize bounds a scenario file (1 MiB; the largest in specs/ is
// under 2 KiB): ParseFile refuses a larger one, and anything that is not a
// regular file (a device, a pipe), before reading it.
const MaxFileSize = 1 << 20

// ParseFile reads and parses the scenario file at path; messages name the
// file as path.
func ParseFile(path string) (*Scenario, error) {
	// Stat before opening: opening a pipe blocks until a writer comes.
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file (%s)", path, st.Mode().Type())
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d a scenario file may have", path, st.Size(), MaxFileSize)
	}
	src, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(src) > MaxFileSize {
		return nil, fmt.Errorf("%s: more than the %d bytes a scenario file may have", path, MaxFileSize)
	}
	return Parse(path, src)
}

// Files returns the *.scn files under dir (at any depth), sorted.
func Files(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(path, ".scn") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

// ParseDir parses every *.scn file under dir (see Files), in sorted order.
// The error joins the errors of every malformed file; the scenarios that
// parsed are returned either way.
func ParseDir(dir string) ([]*Scenario, error) {
	files, err := Files(dir)
	if err != nil {
		return nil, err
	}
	var scs []*Scenario
	var errs []error
	for _, f := range files {
		sc, err := ParseFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		scs = append(scs, sc)
	}
	return scs, errors.Join(errs...)
}

// Parse parses the scenario src; file names it in messages ("<input>" if
// empty). On error the scenario is nil and the error lists up to ten
// problems, one per line, each as "file:line: what is wrong" (each is an
// *Error; several are joined with errors.Join).
func Parse(file string, src []byte) (*Scenario, error) {
	if file == "" {
		file = "<input>"
	}
	p := &parser{file: file, s: &Scenario{File: file}, header: map[string]int{}, taskLine: map[string]int{}, taskIdx: map[string]int{}, broken: map[string]bool{}, params: map[string]int{}}
	p.run(src)
	switch len(p.errs) {
	case 0:
		return p.s, nil
	case 1:
		return nil, p.errs[0]
	}
	return nil, errors.Join(p.errs...)
}

type parser struct {
	file string
	s    *Scenario
	errs []error

	line     int            // current line number, 1-based
	header   map[string]int // header keyword -> line it was on
	params   map[string]int // the parameter lines' N, by key
	ready    bool           // the header has been checked (at the first task line)
	taskLine map[string]int // task name -> line it was declared on
	taskIdx  map[string]int // task name -> index in s.Tasks
	broken   map[string]bool
	stepping bool // a step has been seen
}

// errorf records an error at the current line; it panics with errTooMany
// (recovered in run) once the cap is reached.
func (p *parser) errorf(format string, args ...any) {
	p.errorAt(p.line, format, args...)
}

func (p *parser) errorAt(line int, format string, args ...any) {
	if len(p.errs) == maxErrors {
		p.errs = append(p.errs, &Error{p.file, line, "too many errors"})
		panic(errTooMany)
	}
	p.errs = append(p.errs, &Error{p.file, line, clip(fmt.Sprintf(format, args...))})
}

// maxMessage bounds an error message: what it quotes from the input (with
// %q, which escapes control characters) is cut, so that a huge token makes
// a readable line.
const maxMessage = 300

// clip cuts msg to maxMessage bytes, on a character boundary.
func clip(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	cut := maxMessage
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (%d bytes left out)", msg[:cut], len(msg)-cut)
}

func (p *parser) run(src []byte) {
	defer func() {
		if r := recover(); r != nil && r != errTooMany {
			panic(r)
		}
	}()
	text := strings.TrimPrefix(string(src), "\uFEFF")
	lines := strings.Split(text, "\n")
	leading, blanks := true, 0
	for i, raw := range lines {
		p.line = i + 1
		raw = strings.TrimSuffix(raw, "\r")
		trimmed := strings.TrimSpace(raw)
		if leading {
			switch {
			case trimmed == "":
				if len(p.s.Comment) > 0 {
					blanks++
				}
				continue
			case trimmed[0] == '#':
				for ; blanks > 0; blanks-- {
					p.s.Comment = append(p.s.Comment, "")
				}
				p.s.Comment = append(p.s.Comment, commentText(trimmed))
				continue
			}
			leading = false
		}
		stmt, _, _ := strings.Cut(raw, "#")
		fields := strings.Fields(stmt)
		if len(fields) == 0 {
			continue
		}
		if !p.statement(stmt, fields) {
			return
		}
	}
	p.line = len(lines)
	if p.line > 1 && lines[p.line-1] == "" {
		p.line-- // the file ends with a newline
	}
	if !p.ready {
		if !p.finishHeader() {
			return
		}
	}
	if len(p.errs) > 0 {
		return // what is missing is likely a consequence
	}
	if len(p.s.Tasks) == 0 {
		p.errorf("no task lines (want task NAME: op, op, ...)")
		return
	}
	if len(p.s.Steps) == 0 {
		p.errorf("no steps (want NAME OP -> EXPECT lines after the task lines)")
	}
}

// commentText is the text of a comment line: what follows "#" and one
// space, without trailing blanks.
func commentText(line string) string {
	t := strings.TrimPrefix(line[1:], " ")
	return strings.TrimRightFunc(t, unicode.IsSpace)
}

// statement handles one non-blank line; false stops the parse (a header too
// broken to read the rest against).
func (p *parser) statement(stmt string, fields []string) bool {
	switch kw := fields[0]; kw {
	case "primitive", "dialect", "target":
		p.headerLine(kw, fields)
	case "task":
		if p.stepping {
			p.errorf("task line after the first step (task lines come before the steps)")
			return true
		}
		if !p.ready && !p.finishHeader() {
			return false
		}
		p.taskLineStmt(stmt)
	case "cancel":
		if !p.ready {
			p.notHeader(fields[0])
			return true
		}
		p.cancelStep(stmt, fields)
	default:
		if slices.Contains(paramKeys(), kw) {
			p.headerLine(kw, fields)
			return true
		}
		if !p.ready {
			p.notHeader(fields[0])
			return true
		}
		p.runStep(stmt)
	}
	return true
}

func (p *parser) notHeader(word string) {
	p.errorf("unexpected %q before the task lines (want primitive, dialect, %s, target or task NAME: op, ...)", word, strings.Join(paramKeys(), ", "))
}

// headerUsage is how header line kw is written.
func headerUsage(kw string) string {
	switch kw {
	case "primitive":
		return "primitive P"
	case "dialect":
		return "dialect D"
	case "target":
		return "target NAME"
	}
	return kw + " N"
}

func (p *parser) headerLine(kw string, fields []string) {
	if p.ready {
		p.errorf("%s line after the task lines (header lines come first)", kw)
		return
	}
	if first, ok := p.header[kw]; ok {
		p.errorf("duplicate %s line (first at line %d)", kw, first)
		return
	}
	p.header[kw] = p.line
	if len(fields) != 2 {
		p.errorf("%s needs exactly one argument: %s", kw, headerUsage(kw))
		return
	}
	arg := fields[1]
	switch kw {
	case "primitive":
		if !slices.Contains(model.Primitives, model.Primitive(arg)) {
			p.errorf("unknown primitive %q (want %s)", arg, primitiveList())
			return
		}
		p.s.Primitive = model.Primitive(arg)
	case "dialect":
		if !slices.Contains(allDialects(), model.Dialect(arg)) {
			p.errorf("unknown dialect %q (want %s)", arg, dialectList())
			return
		}
		p.s.Dialect = model.Dialect(arg)
	case "target":
		if !validTarget(arg) {
			p.errorf("target %q: want a name (a letter, then letters, digits, '_' or '-')", arg)
			return
		}
		p.s.Target = arg
	default: // a parameter; its range is checked with the primitive's
		if n, ok := p.integer(arg, kw+" N"); ok {
			p.params[kw] = n
		}
	}
}

// integer parses a decimal integer argument within ±maxInt.
func (p *parser) integer(tok, usage string) (int, bool) {
	n, err := strconv.Atoi(tok)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			p.errorf("%q is out of range (at most %d in absolute value)", tok, maxInt)
		} else {
			p.errorf("%q is not an integer (want %s)", tok, usage)
		}
		return 0, false
	}
	if n > maxInt || n < -maxInt {
		p.errorf("%q is out of range (at most %d in absolute value)", tok, maxInt)
		return 0, false
	}
	return n, true
}

// finishHeader checks the header as a whole and fills in the defaults; false
// when there is no usable primitive.
func (p *parser) finishHeader() bool {
	p.ready = true
	s := p.s
	if s.Primitive == "" {
		if _, ok := p.header["primitive"]; !ok && len(p.errs) == 0 {
			p.errorf("missing primitive line before the tasks (want primitive %s)", primitiveList())
		}
		return false
	}
	desc := model.Describe(s.Primitive)
	if s.Dialect == "" {
		s.Dialect = desc.AllDialects()[0]
	} else if err := desc.CheckDialect(s.Dialect); err != nil {
		// The dialect line names one that some primitive has, not this
		// one ("weighted has no dialect asyncio-3.11 (want go, x/sync)").
		p.errorAt(p.header["dialect"], "%v", err)
		return false
	}
	s.Params = model.Params{}
	for _, x := range desc.Params {
		s.Params[x.Key] = x.Default
	}
	for _, kw := range paramKeys() {
		l, given := p.header[kw]
		n, ok := p.params[kw]
		if !given || !ok {
			continue
		}
		i := slices.IndexFunc(desc.Params, func(x model.Param) bool { return x.Key == kw })
		if i < 0 {
			p.errorAt(l, "%s is only for %s, not %s", kw, primitivesWith(kw), s.Primitive)
			continue
		}
		if x := desc.Params[i]; n < x.Min || n > x.Max {
			p.errorAt(l, "%s must be between %d and %d, got %d", kw, x.Min, x.Max, n)
			continue
		}
		s.Params[kw] = n
	}
	return true
}

// paramKeys lists every primitive's parameter keys (header words), in the
// registry's order.
func paramKeys() []string {
	var keys []string
	for _, p := range model.Primitives {
		for _, x := range model.Describe(p).Params {
			if !slices.Contains(keys, x.Key) {
				keys = append(keys, x.Key)
			}
		}
	}
	return keys
}

// primitivesWith writes the primitives that have parameter key: "semaphore
// and boundedsemaphore".
func primitivesWith(key string) string {
	var ps []string
	for _, p := range model.Primitives {
		if slices.ContainsFunc(model.Describe(p).Params, func(x model.Param) bool { return x.Key == key }) {
			ps = append(ps, string(p))
		}
	}
	if len(ps) <= 1 {
		return strings.Join(ps, "")
	}
	return strings.Join(ps[:len(ps)-1], ", ") + " and " + ps[len(ps)-1]
}

// errByName is the Err written name: "ok", "cancelled", "not-locked", ...
func errByName(name string) (model.Err, bool) {
	for _, e := range allErrs() {
		if e.String() == name {
			return e, true
		}
	}
	return "", false
}

// errNames lists the names of primitive p's outcome errors (every
// primitive's when p is unknown).
func errNames(p model.Primitive) []string {
	var s []string
	for _, e := range errsOf(p) {
		s = append(s, e.String())
	}
	return s
}

// allErrs lists OK, Cancelled and every primitive's errors.
func allErrs() []model.Err { return errsOf("") }

// errsOf lists OK, Cancelled and primitive p's errors (every
// primitive's when p is unknown).
func errsOf(prim model.Primitive) []model.Err {
	errs := []model.Err{model.OK, model.Cancelled}
	for _, p := range model.Primitives {
		if model.Describe(prim) != nil && p != prim {
			continue
		}
		for _, o := range model.Describe(p).Ops {
			for _, e := range o.Errs {
				if !slices.Contains(errs, e) {
					errs = append(errs, e)
				}
			}
		}
	}
	return errs
}

// reserved are the words a task may not be named: they start other lines.
func reserved() []string {
	return append([]string{"task", "cancel", "primitive", "dialect", "sees", "target"}, paramKeys()...)
}

// validName reports whether name is a letter followed by letters, digits
// or '_' (ASCII).
func validName(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case i > 0 && ('0' <= c && c <= '9' || c == '_'):
		default:
			return false
		}
	}
	return name != ""
}

// validTarget reports whether name is a letter followed by letters, digits,
// '_' or '-' (ASCII): a mutant's name.
func validTarget(name string) bool {
	return validName(strings.ReplaceAll(name, "-", "_"))
}

// taskLineStmt parses "task NAME: op, op, ...".
func (p *parser) taskLineStmt(stmt string) {
	body := strings.TrimSpace(stmt)
	body = strings.TrimSpace(strings.TrimPrefix(body, "task"))
	head, list, ok := strings.Cut(body, ":")
	if !ok {
		p.errorf("task line needs a colon: task NAME: op, op, ...")
		return
	}
	name := strings.TrimSpace(head)
	switch {
	case name == "":
		p.errorf("task line needs a name: task NAME: op, op, ...")
		return
	case slices.Contains(reserved(), name):
		p.errorf("%q is a keyword and cannot name a task", name)
		return
	case !validName(name):
		p.errorf("bad task name %q (want a letter followed by letters, digits or _)", name)
		return
	}
	if first, dup := p.taskLine[name]; dup {
		p.errorf("duplicate task %s (first declared at line %d)", name, first)
		return
	}
	p.taskLine[name] = p.line
	if strings.TrimSpace(list) == "" {
		p.errorf("task %s has no ops (want task %s: op, op, ...)", name, name)
		p.broken[name] = true
		return
	}
	t := Task{Name: name, Line: p.line}
	for _, item := range strings.Split(list, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 {
			p.errorf("task %s: empty op in the list (a doubled or trailing comma?)", name)
			p.broken[name] = true
			continue
		}
		op, n, msg := p.parseOp(fields)
		if msg == "" && n < len(fields) {
			msg = fmt.Sprintf("unexpected %q after %s (ops are separated by commas)", fields[n], p.opText(op))
		}
		if msg != "" {
			p.errorf("%s", msg)
			p.broken[name] = true
			continue
		}
		t.Ops = append(t.Ops, op)
	}
	if p.broken[name] {
		return
	}
	switch {
	case len(p.s.Tasks) == MaxTasks:
		p.errorf("more than %d tasks (the most a scenario may have)", MaxTasks)
		return
	case len(t.Ops) > MaxCalls:
		p.errorf("task %s makes %d calls, more than the %d a task may make", name, len(t.Ops), MaxCalls)
		return
	}
	p.taskIdx[name] = len(p.s.Tasks)
	p.s.Tasks = append(p.s.Tasks, t)
}

func (p *parser) opText(op model.Op) string { return OpString(p.s, op) }

// parseOp reads one op from the front of fields: "[cK.]name[!] [N]". It
// returns the op, how many fields it used, and what is wrong ("" if
// nothing).
func (p *parser) parseOp(fields []string) (model.Op, int, string) {
	var op model.Op
	head := fields[0]
	prim := p.s.Primitive
	if strings.HasPrefix(head, "!") {
		return op, 0, fmt.Sprintf("%q: \"!\" goes right after the op name (acquire!)", head)
	}
	name, prefix := head, ""
	if i := strings.IndexByte(head, '.'); i >= 0 {
		prefix, name = head[:i], head[i+1:]
		digits := strings.TrimPrefix(prefix, "c")
		if len(digits) == len(prefix) || digits == "" || strings.Trim(digits, "0123456789") != "" {
			return op, 0, fmt.Sprintf("bad prefix %q in %q (want cK. naming a Condition, as in c2.wait)", prefix+".", head)
		}
		k, err := strconv.Atoi(digits)
		if err != nil || k > maxInt {
			k = maxInt
		}
		op.Cond = k - 1
	}
	if strings.HasSuffix(name, "!") {
		op.CtxDone = true
		name = name[:len(name)-1]
	}
	if strings.Contains(name, "!") {
		return op, 0, fmt.Sprintf("misplaced \"!\" in %q (it goes right after the op name, as in acquire!)", head)
	}
	kind := model.Kind(name)
	opSpec, ok := spec(prim, kind)
	if !ok {
		return op, 0, fmt.Sprintf("unknown op %q for %s (want %s)", name, prim, kindList(kindsOf(prim)))
	}
	if d := p.s.Dialect; d != "" && !opSpec.In(d) {
		return op, 0, fmt.Sprintf("%s %s has no op %s (only %s have it)", prim, d, name, dialectNames(opSpec.Dialects))
	}
	op.Kind = kind
	if prefix != "" {
		switch {
		case !slices.ContainsFunc(model.Describe(prim).Ops, func(o model.OpSpec) bool { return o.Scoped }):
			return op, 0, fmt.Sprintf("%s: cK. prefixes are for condition scenarios only (this one is %s)", head, prim)
		case !opSpec.Scoped:
			return op, 0, fmt.Sprintf("%s: %s is not an op of one Condition (only wait, waitfor, notify and notifyall take a cK. prefix)", head, kind)
		case op.Cond < 0:
			return op, 0, fmt.Sprintf("%s: Conditions are numbered from 1", head)
		case op.Cond >= model.Describe(prim).Instances(p.s.Params):
			return op, 0, fmt.Sprintf("%s: the scenario has %s", head, plural(model.Describe(prim).Instances(p.s.Params), "condition"))
		}
	}
	if op.CtxDone && !op.Blocking() {
		return op, 0, fmt.Sprintf("%s!: only calls that take a context can start cancelled (in a %s scenario: %s)", kind, prim, orList(blockingOps(prim)))
	}
	if !takesArg(kind) {
		if len(fields) > 1 && looksNumeric(fields[1]) {
			return op, 0, fmt.Sprintf("op %s takes no argument", kind)
		}
		if len(fields) > 1 && strings.HasPrefix(fields[1], "!") {
			return op, 0, fmt.Sprintf("\"!\" goes right after the op name, with no space: %s!", kind)
		}
		return op, 1, ""
	}
	usage := argUsage(kind)
	if len(fields) < 2 {
		return op, 0, fmt.Sprintf("op %s needs %s", kind, usage)
	}
	arg := fields[1]
	if strings.HasPrefix(arg, "!") {
		return op, 0, fmt.Sprintf("\"!\" goes right after the op name, with no space: %s! N", kind)
	}
	if strings.HasSuffix(arg, "!") && looksNumeric(arg[:len(arg)-1]) {
		return op, 0, fmt.Sprintf("\"!\" goes right after the op name: %s! %s", kind, arg[:len(arg)-1])
	}
	if !looksNumeric(arg) {
		return op, 0, fmt.Sprintf("op %s needs %s, got %q", kind, usage, arg)
	}
	n, err := strconv.Atoi(arg)
	if err != nil || n > maxInt || n < -maxInt {
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return op, 0, fmt.Sprintf("op %s needs %s, got %q", kind, usage, arg)
		}
		return op, 0, fmt.Sprintf("%s %s: out of range (at most %d in absolute value)", kind, arg, maxInt)
	}
	op.Arg = n
	return op, 2, ""
}

// looksNumeric reports whether tok is meant as a number: an optional sign
// then a digit.
func looksNumeric(tok string) bool {
	tok = strings.TrimLeft(tok, "+-")
	return tok != "" && '0' <= tok[0] && tok[0] <= '9'
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// task resolves a step's task name; ok false (with the error recorded,
// unless the task's own line was already reported) when there is none.
func (p *parser) task(name string) (int, bool) {
	if i, ok := p.taskIdx[name]; ok {
		return i, true
	}
	if !p.broken[name] {
		p.errorf("step names %s, but no task %s is declared", name, name)
	}
	return -1, false
}

// cancelStep parses "cancel NAME".
func (p *parser) cancelStep(stmt string, fields []string) {
	p.stepping = true
	if strings.Contains(stmt, "->") {
		p.errorf("a cancel step has no outcome (write just: cancel NAME)")
		return
	}
	if len(fields) != 2 {
		if len(fields) < 2 {
			p.errorf("cancel needs a task name: cancel NAME")
		} else if fields[2] == "sees" {
			p.errorf("sees goes on a step that runs a task, not on a cancel (write just: cancel NAME)")
		} else {
			p.errorf("unexpected %q after cancel %s (write just: cancel NAME)", fields[2], fields[1])
		}
		return
	}
	t, ok := p.task(fields[1])
	if !ok {
		return
	}
	if len(p.s.Steps) == MaxSteps {
		p.errorf("more than %d steps (the most a scenario may have)", MaxSteps)
		return
	}
	p.s.Steps = append(p.s.Steps, Step{Kind: Cancel, Task: t, Line: p.line})
}

// runStep parses "NAME OP [sees grant|sees cancel] [-> EXPECT|EXPECT...]".
func (p *parser) runStep(stmt string) {
	p.stepping = true
	left, right, arrow := strings.Cut(stmt, "->")
	fields := strings.Fields(left)
	if len(fields) == 0 {
		p.errorf("outcome without a step (want NAME OP -> EXPECT)")
		return
	}
	name := fields[0]
	t, ok := p.task(name)
	if !ok {
		return
	}
	task := p.s.Tasks[t]
	if len(fields) < 2 {
		p.errorf("step %s needs an op (want %s OP -> EXPECT)", name, name)
		return
	}
	op, n, msg := p.parseOp(fields[1:])
	if msg != "" {
		p.errorf("%s", msg)
		return
	}
	st := Step{Kind: Run, Task: t, Op: op, Line: p.line}
	rest := fields[1+n:]
	if i := slices.Index(rest, "@"); i >= 0 {
		switch {
		case len(rest) == i+1:
			p.errorf("@ needs a scheduling point: %s %s @ POINT", name, p.opText(op))
			return
		case len(rest) > i+2:
			p.errorf("unexpected %q after @ %s (a partial step has no outcome)", rest[i+2], rest[i+1])
			return
		case arrow:
			p.errorf("a partial step (@ %s) stops inside the call and has no outcome: drop the -> part", rest[i+1])
			return
		}
		st.Point = rest[i+1]
		rest = rest[:i]
	}
	if len(rest) > 0 {
		if rest[0] != "sees" {
			p.errorf("unexpected %q after %s %s (want sees grant, sees cancel, @ POINT or -> EXPECT)", rest[0], name, p.opText(op))
			return
		}
		switch {
		case len(rest) < 2:
			p.errorf("sees needs grant or cancel")
			return
		case rest[1] == "grant":
			st.Sees = SeesGrant
		case rest[1] == "cancel":
			st.Sees = SeesCancel
		default:
			p.errorf("sees %s: want sees grant or sees cancel", rest[1])
			return
		}
		if len(rest) > 2 {
			p.errorf("unexpected %q after sees %s (want @ POINT or -> EXPECT)", rest[2], rest[1])
			return
		}
		if !op.Blocking() {
			p.errorf("%s %s sees %s: only a parked call (%s) can see a grant or a cancel", name, p.opText(op), rest[1], orList(blockingOps(p.s.Primitive)))
			return
		}
	}
	if !slices.Contains(task.Ops, op) {
		ops := make([]string, len(task.Ops))
		for i, o := range task.Ops {
			ops[i] = p.opText(o)
		}
		p.errorf("task %s has no op %s (its ops: %s)", name, p.opText(op), strings.Join(ops, ", "))
		return
	}
	if arrow {
		es, ok := p.expects(op, right)
		if !ok {
			return
		}
		st.Expect = es
	}
	if len(p.s.Steps) == MaxSteps {
		p.errorf("more than %d steps (the most a scenario may have)", MaxSteps)
		return
	}
	p.s.Steps = append(p.s.Steps, st)
}

// expects parses the outcomes after "->" and checks that op can end with
// each.
func (p *parser) expects(op model.Op, text string) ([]Expect, bool) {
	if strings.TrimSpace(text) == "" {
		p.errorf("-> needs an outcome (%s)", shapeOf(p.s.Primitive, op.Kind))
		return nil, false
	}
	if strings.Contains(text, "->") {
		p.errorf("more than one -> in a step")
		return nil, false
	}
	sh := shapeOf(p.s.Primitive, op.Kind)
	var es []Expect
	for _, tok := range strings.Split(text, "|") {
		fields := strings.Fields(tok)
		switch len(fields) {
		case 0:
			p.errorf("empty outcome in %q (outcomes are joined by |)", strings.TrimSpace(text))
			return nil, false
		case 1:
		default:
			p.errorf("unexpected %q after outcome %s (join several outcomes with |)", fields[1], fields[0])
			return nil, false
		}
		e, ok := p.expect(fields[0])
		if !ok {
			return nil, false
		}
		if !sh.allows(e) {
			if e.Kind == ExpectInt && sh.integer {
				p.errorf("%s never returns a negative number", op.Kind)
			} else {
				p.errorf("%s cannot end with %s (its outcomes: %s)", p.opText(op), e, sh)
			}
			return nil, false
		}
		if slices.Contains(es, e) {
			p.errorf("outcome %s listed twice", e)
			return nil, false
		}
		es = append(es, e)
	}
	return es, true
}

func (p *parser) expect(tok string) (Expect, bool) {
	switch tok {
	case "blocks":
		return Expect{Kind: ExpectBlocks}, true
	case "true", "false":
		return Expect{Kind: ExpectBool, Bool: tok == "true"}, true
	}
	if e, ok := errByName(tok); ok {
		return Expect{Kind: ExpectErr, Err: e}, true
	}
	if looksNumeric(tok) {
		n, ok := p.integer(tok, "an integer")
		return Expect{Kind: ExpectInt, Int: n}, ok
	}
	p.errorf("unknown outcome %q (want blocks, %s, true, false or an integer)", tok, strings.Join(errNames(p.s.Primitive), ", "))
	return Expect{}, false
}
