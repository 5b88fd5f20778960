package model

import (
	"fmt"
	"testing"
)

// TestDescriptors: every registered primitive's descriptor is complete and
// consistent: a name, ops with distinct kinds, parameters whose defaults
// are in range, a constructor whose models report the primitive and
// dialect and take every op; and a kind means the same everywhere (its
// argument, its answer), as the scenario language reads it.
func TestDescriptors(t *testing.T) {
	seenPrim := map[Primitive]bool{}
	kindSpec := map[Kind]OpSpec{}
	for _, d := range registry {
		name := fmt.Sprintf("descriptor %q", d.Primitive)
		switch {
		case d.Primitive == "":
			t.Errorf("%s: no Primitive", name)
		case seenPrim[d.Primitive]:
			t.Errorf("%s: registered twice", name)
		case len(d.Ops) == 0:
			t.Errorf("%s: no Ops", name)
		case d.New == nil:
			t.Errorf("%s: no New", name)
		}
		seenPrim[d.Primitive] = true
		seenKind := map[Kind]bool{}
		for _, o := range d.Ops {
			if o.Kind == "" || seenKind[o.Kind] {
				t.Errorf("%s: op kind %q empty or listed twice", name, o.Kind)
			}
			seenKind[o.Kind] = true
			if prev, ok := kindSpec[o.Kind]; ok && (prev.Arg != o.Arg || prev.Blocking != o.Blocking) {
				// The answer may differ (a Barrier's wait answers an index,
				// an Event's ok): the scenario language reads it per
				// primitive. How an op is written and whether it takes a
				// context may not.
				t.Errorf("%s: op %s differs from another primitive's in its argument or blocking", name, o.Kind)
			}
			kindSpec[o.Kind] = o
		}
		for _, x := range d.Params {
			if x.Key == "" || x.Default < x.Min || x.Default > x.Max {
				t.Errorf("%s: parameter %q: default %d not in [%d, %d]", name, x.Key, x.Default, x.Min, x.Max)
			}
		}
		if d.New == nil {
			continue
		}
		for _, dia := range d.AllDialects() {
			m, err := New(d.Primitive, dia, nil)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if m.Primitive() != d.Primitive || m.Dialect() != dia {
				t.Errorf("%s: New under %s makes a %s/%s model", name, dia, m.Primitive(), m.Dialect())
			}
			for _, o := range d.Ops {
				if !o.In(dia) {
					continue
				}
				if len(m.Invoke(0, Op{Kind: o.Kind})) == 0 {
					t.Errorf("%s: %s under %s has no outcome", name, o.Kind, dia)
				}
			}
		}
	}
	if len(Primitives) != len(registry) {
		t.Errorf("Primitives lists %d, the registry %d", len(Primitives), len(registry))
	}
}
