package scheduler

import (
	"bytes"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
)

// LeakLabel is the profiler label a caller puts on the goroutine that
// drives its runs (pprof.Do with pprof.Labels(LeakLabel, id)): task
// goroutines inherit it from the driver that starts them, and goroutines a
// task starts inherit it from the task, so Leaked(id) finds the goroutines
// the implementation started during those runs, and no other caller's.
const LeakLabel = "syncheck-run"

// Leaked counts the goroutines alive now, labelled LeakLabel=id, that are
// neither tasks nor the caller: goroutines the implementation under test
// started inside its calls (a goroutine of its own, a time.AfterFunc, ...).
// Tasks end with their runs, so such a goroutine alive after the runs
// ended outlived them: a leak. It returns the stack of one of them.
func Leaked(id string) (n int, sample string) {
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 1); err != nil {
		return 0, ""
	}
	// debug=1: records separated by blank lines; each "COUNT @ pcs", then
	// "# labels: {...}" when the goroutines have labels, then one
	// "#\tpc\tfunc+off\tfile:line" line per frame.
	for _, rec := range strings.Split(b.String(), "\n\n") {
		if !strings.Contains(rec, `"`+LeakLabel+`":"`+id+`"`) ||
			strings.Contains(rec, "scheduler.(*Scheduler).main") || strings.Contains(rec, "scheduler.Leaked") {
			continue
		}
		head, _, _ := strings.Cut(rec, " @ ")
		count, err := strconv.Atoi(strings.TrimSpace(head[strings.LastIndex(head, "\n")+1:]))
		if err != nil {
			continue
		}
		n += count
		if sample == "" {
			sample = frames(rec)
		}
	}
	return n, sample
}

// frames writes a debug=1 record's frames as "func\n\tfile:line" lines.
func frames(rec string) string {
	var out []string
	for _, l := range strings.Split(rec, "\n") {
		f := strings.Split(strings.TrimPrefix(l, "#"), "\t")
		if len(f) == 4 && strings.HasPrefix(l, "#\t") {
			fn := f[2]
			if i := strings.LastIndex(fn, "+0x"); i > 0 {
				fn = fn[:i]
			}
			out = append(out, fmt.Sprintf("%s\n\t%s", fn, strings.TrimSpace(f[3])))
		}
	}
	return strings.Join(out, "\n")
}
