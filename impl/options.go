package impl

import "github.com/syncheck/syncheck/impl/sched"

// Option configures a primitive at construction.
type Option func(*options)

type options struct {
	rt sched.Runtime
}

// WithRuntime puts the primitive under rt, a controlled scheduler (package
// check): every internal lock and park becomes a scheduling point that rt
// decides. A nil rt is production behaviour, the same as no option.
func WithRuntime(rt sched.Runtime) Option {
	return func(o *options) { o.rt = rt }
}

// setup applies opts to the primitive's mutex. It allocates nothing when no
// option is given.
func setup(m *sched.Mutex, opts []Option) {
	if len(opts) == 0 {
		return
	}
	var o options
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	m.SetRuntime(o.rt)
}
