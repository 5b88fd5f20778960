package scenario

import (
	"bytes"
	"strconv"
	"strings"
	"unicode"

	"github.com/syncheck/syncheck/model"
)

// Print writes s in canonical form: the leading comment block ("# " lines),
// the header (primitive; dialect unless go; each parameter that differs
// from its default), a blank line, the task lines, a blank
// line, the steps. Parse(Print(s)) equals s except for File and Line, for
// any s that Parse could have produced.
func Print(s *Scenario) []byte {
	var b bytes.Buffer
	if s == nil {
		return nil
	}
	for _, c := range s.Comment {
		c = strings.TrimRightFunc(strings.ReplaceAll(c, "\n", " "), unicode.IsSpace)
		if c == "" {
			b.WriteString("#\n")
			continue
		}
		b.WriteString("# ")
		b.WriteString(c)
		b.WriteString("\n")
	}
	b.WriteString("primitive ")
	b.WriteString(string(s.Primitive))
	b.WriteString("\n")
	if s.Dialect != "" && s.Dialect != model.Go {
		b.WriteString("dialect ")
		b.WriteString(string(s.Dialect))
		b.WriteString("\n")
	}
	if d := model.Describe(s.Primitive); d != nil {
		for _, x := range d.Params {
			if v, ok := s.Params[x.Key]; ok && v != x.Default {
				b.WriteString(x.Key)
				b.WriteString(" ")
				b.WriteString(strconv.Itoa(v))
				b.WriteString("\n")
			}
		}
	}
	if s.Target != "" {
		b.WriteString("target ")
		b.WriteString(s.Target)
		b.WriteString("\n")
	}
	if len(s.Tasks) > 0 {
		b.WriteString("\n")
	}
	for _, t := range s.Tasks {
		b.WriteString("task ")
		b.WriteString(t.Name)
		b.WriteString(":")
		for i, op := range t.Ops {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(" ")
			b.WriteString(OpString(s, op))
		}
		b.WriteString("\n")
	}
	if len(s.Steps) > 0 {
		b.WriteString("\n")
	}
	for _, st := range s.Steps {
		b.WriteString(StepString(s, st))
		b.WriteString("\n")
	}
	return b.Bytes()
}

// String is Print as a string.
func (s *Scenario) String() string { return string(Print(s)) }
