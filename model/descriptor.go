package model

import (
	"fmt"
	"slices"
	"strings"
)

// Descriptor is everything the model side knows about one primitive: its
// name, its operations, its parameters, and its model's constructor. The
// checker's tables (the scenario language's ops and header, the program
// generator, the parameter shrinking) read it; a primitive is its files
// plus one line in the registry.
type Descriptor struct {
	Primitive Primitive
	// Ops are the operations, in the scenario language's order.
	Ops []OpSpec
	// Params are the construction parameters (a scenario's header lines).
	Params []Param
	// Scopes, when not empty, is the parameter that counts the instances
	// the Scoped ops are on (the Conditions sharing one Lock).
	Scopes string
	// Dialects, when not empty, are the dialects the primitive has, the
	// default first; nil: Dialects (go and the asyncio ones).
	Dialects []Dialect
	// New returns the initial state under dialect d (one of AllDialects);
	// p has every key of Params, within its range.
	New func(d Dialect, p Params) Model
}

// OpSpec describes one operation of a primitive.
type OpSpec struct {
	Kind Kind
	// Blocking: the call can suspend, and so takes a context.
	Blocking bool
	// Arg, when not empty, says what the op's integer argument is, for
	// messages ("a count: notify N"); the op takes no argument otherwise.
	Arg string
	// Scoped: with several instances sharing state (Conditions sharing a
	// Lock), the op is on one of them (the scenario language's cK.
	// prefix, Op.Cond).
	Scoped bool
	// Bool and Int: the call answers true or false, or an integer >= 0.
	Bool, Int bool
	// Errs are the errors a call may return besides OK (and Cancelled,
	// which every blocking op may return).
	Errs []Err
	// Dialects, when not empty, are the only dialects that have the op
	// (a Queue's shutdown is new in asyncio 3.13).
	Dialects []Dialect
}

// AllDialects lists the dialects the primitive has, the default first.
func (d *Descriptor) AllDialects() []Dialect {
	if len(d.Dialects) > 0 {
		return d.Dialects
	}
	return Dialects
}

// CheckDialect returns nil if the primitive has dialect x, else an error
// that says so ("weighted has no dialect asyncio-3.11 (want go, x/sync)"),
// or that no primitive has it.
func (d *Descriptor) CheckDialect(x Dialect) error {
	if slices.Contains(d.AllDialects(), x) {
		return nil
	}
	if !known(x) {
		return fmt.Errorf("unknown dialect %q (want %s)", x, dialectNames(knownDialects()))
	}
	return fmt.Errorf("%s has no dialect %s (want %s)", d.Primitive, x, dialectNames(d.AllDialects()))
}

func dialectNames(ds []Dialect) string {
	s := make([]string, len(ds))
	for i, x := range ds {
		s[i] = string(x)
	}
	return strings.Join(s, ", ")
}

// In reports whether dialect d has the op.
func (o OpSpec) In(d Dialect) bool { return len(o.Dialects) == 0 || slices.Contains(o.Dialects, d) }

// Param describes one construction parameter.
type Param struct {
	// Key is the parameter's name (the scenario header's word).
	Key string
	// Default is its value when not given; Min and Max bound it.
	Default, Min, Max int
}

// Describe returns primitive p's descriptor, nil when p is unknown.
func Describe(p Primitive) *Descriptor {
	for _, d := range registry {
		if d.Primitive == p {
			return d
		}
	}
	return nil
}

// Op returns the spec of op kind k, and whether the primitive has it.
func (d *Descriptor) Op(k Kind) (OpSpec, bool) {
	i := slices.IndexFunc(d.Ops, func(o OpSpec) bool { return o.Kind == k })
	if i < 0 {
		return OpSpec{}, false
	}
	return d.Ops[i], true
}

// Instances is how many instances the Scoped ops of a model built with p
// may name: p's Scopes parameter, 1 when the primitive has none.
func (d *Descriptor) Instances(p Params) int {
	if d.Scopes == "" {
		return 1
	}
	return max(p[d.Scopes], 1)
}

// Complete returns p with every parameter's default filled in, or an error
// for an unknown key or a value out of range.
func (d *Descriptor) Complete(p Params) (Params, error) {
	full := Params{}
	for k, v := range p {
		i := slices.IndexFunc(d.Params, func(x Param) bool { return x.Key == k })
		if i < 0 {
			return nil, fmt.Errorf("%s has no parameter %q", d.Primitive, k)
		}
		if x := d.Params[i]; v < x.Min || v > x.Max {
			return nil, fmt.Errorf("%s parameter %s must be in [%d, %d], got %d", d.Primitive, k, x.Min, x.Max, v)
		}
		full[k] = v
	}
	for _, x := range d.Params {
		if _, ok := full[x.Key]; !ok {
			full[x.Key] = x.Default
		}
	}
	return full, nil
}

// blocking is the set of op kinds that can suspend, of any primitive.
var blocking = func() map[Kind]bool {
	m := map[Kind]bool{}
	for _, d := range registry {
		for _, o := range d.Ops {
			if o.Blocking {
				m[o.Kind] = true
			}
		}
	}
	return m
}()
