package scheduler

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strconv"
	"strings"
)

// taskLabels marks every task goroutine, and so every goroutine a task
// starts (a goroutine inherits its creator's profiler labels): a goroutine
// with the mark that is not a task is the implementation's own.
var taskLabels = pprof.WithLabels(context.Background(), pprof.Labels("syncheck", "task"))

// Leaked counts the goroutines alive now that were started from inside a
// task (by the implementation under test: a goroutine of its own, a
// time.AfterFunc, ...) and are not tasks themselves, and returns the stack
// of one of them. Tasks end with their run, so such a goroutine alive after
// every run has ended outlived it: a leak. Runs of other schedulers in
// progress in the same process may count too; a caller waits for its own
// runs to end and looks again before calling it a leak.
func Leaked() (n int, sample string) {
	var b bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&b, 1); err != nil {
		return 0, ""
	}
	// debug=1: records separated by blank lines; each "COUNT @ pcs", then
	// "# labels: {...}" when the goroutines have labels, then one
	// "#\tpc\tfunc+off\tfile:line" line per frame.
	for _, rec := range strings.Split(b.String(), "\n\n") {
		if !strings.Contains(rec, `"syncheck":"task"`) || strings.Contains(rec, "scheduler.(*Scheduler).main") {
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
