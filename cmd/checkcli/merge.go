package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/syncheck/syncheck/check"
)

// shardFlag matches the --shard flag in a replay command.
var shardFlag = regexp.MustCompile(` --shard (\d+)/(\d+)`)

func runMerge(args []string, stdout, stderr io.Writer) error {
	fs := newFlags("merge", `Usage: checkcli merge [flags] FILE...

Combines the --json results of the N shards of one search (checkcli verify
... --shard K/N --json > shard-K.json, the same flags and seed in every
job) into the result of the whole search: the totals, the counterexample
of the lowest program number among the shards' (the one the whole search
finds), and a line per shard. Every shard 1..N must be there once, and
all must be the same search (the same command but for --shard): merge
says which are missing or differ.

Exit status: 0 no counterexample in any shard, 1 a counterexample, 2 bad
input (a file that is not a shard's result, shards of different searches,
a shard missing or given twice).`, stdout)
	asJSON := fs.Bool("json", false, "print the merged result as JSON (verify --json's document, schema "+check.VerifySchema+", with a \"shards\" list: cmd/checkcli/SCHEMA.md)")
	if err := fs.parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usagef("want the shards' result files (checkcli verify --shard K/N --json > FILE)")
	}
	merged, err := mergeShards(fs.Args())
	var fs2 failedShard
	if errors.As(err, &fs2) {
		fmt.Fprintf(stdout, "merge: FAILED %s\n", fs2.msg)
		return errFailed
	}
	if err != nil {
		return err
	}
	if *asJSON {
		b, err := json.MarshalIndent(merged, "", "  ")
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		printMerged(stdout, merged)
	}
	if merged.Failed || merged.NoVerdict != "" {
		return errFailed
	}
	return nil
}

// failedShard is a shard whose scenarios failed before its search: the
// merge fails (exit status 1) with what failed.
type failedShard struct{ msg string }

func (f failedShard) Error() string { return f.msg }

// mergeShards reads and checks the shards' results and merges them.
func mergeShards(files []string) (*check.VerifyReport, error) {
	var (
		out    check.VerifyReport
		search string // the command but for --shard
		n      int
		seen   = map[int]string{}
		first  *check.VerifyReport
	)
	for _, file := range files {
		b, err := readBounded(file, 64<<20)
		if err != nil {
			return nil, usagef("%v", err)
		}
		var v check.VerifyReport
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&v); err != nil {
			return nil, usagef("%s: not a checkcli verify --json result: %v", file, err)
		}
		if v.Schema != check.VerifySchema {
			return nil, usagef("%s: schema %q, want %q (checkcli verify --json)", file, v.Schema, check.VerifySchema)
		}
		if len(v.Shards) > 0 {
			return nil, usagef("%s: already a merge of %d shards, not a shard's result", file, len(v.Shards))
		}
		if v.SpecsFailed > 0 {
			return nil, failedShard{fmt.Sprintf("%s: a scenario of specs/ failed before the shard's search: %s\n  replay: %s", file, v.Message, v.Replay)}
		}
		m := shardFlag.FindStringSubmatch(v.Replay)
		if v.Shard == "" || m == nil {
			return nil, usagef("%s: not a shard's result (run checkcli verify with --shard K/N --json)", file)
		}
		k, _ := strconv.Atoi(m[1])
		nn, _ := strconv.Atoi(m[2])
		if k < 1 || k > nn || v.Shard != m[1]+"/"+m[2] {
			return nil, usagef("%s: shard %q, its command says --shard %s/%s: not a result checkcli verify wrote", file, v.Shard, m[1], m[2])
		}
		if v.Mode != "controlled" {
			return nil, usagef("%s: a %s mode result; shards are controlled mode's", file, v.Mode)
		}
		cmd := shardFlag.ReplaceAllString(v.Replay, "")
		switch {
		case search == "":
			search, n = cmd, nn
		case cmd != search || nn != n:
			return nil, usagef("%s is another search than %s:\n  %s\n  %s", file, seen[shardKeys(seen)[0]], v.Replay, first.Replay)
		}
		if other, dup := seen[k]; dup {
			return nil, usagef("shard %d/%d given twice: %s and %s", k, n, other, file)
		}
		seen[k] = file
		if first == nil {
			first = &v
			out = v
			out.Programs, out.Executions, out.Inconclusive, out.WindowCancels, out.Elapsed = 0, 0, 0, 0, 0
			out.Failed = false
		}
		out.Shards = append(out.Shards, check.ShardSummary{
			Shard: v.Shard, File: file, Programs: v.Programs, Executions: v.Executions,
			Failed: v.Failed, FoundProgram: v.FoundProgram, ElapsedNS: int64(v.Elapsed), Replay: v.Replay,
		})
		if v.NoVerdict != "" && out.NoVerdict == "" {
			out.NoVerdict = "shard " + v.Shard + ": " + v.NoVerdict
		}
		out.Programs += v.Programs
		out.Executions += v.Executions
		out.Inconclusive += v.Inconclusive
		out.WindowCancels += v.WindowCancels
		out.Elapsed = max(out.Elapsed, v.Elapsed)
		if v.Failed && better(&v.Result, &out.Result) {
			keep := out.Result
			out.Result = v.Result
			out.Programs, out.Executions, out.Inconclusive, out.WindowCancels, out.Elapsed =
				keep.Programs, keep.Executions, keep.Inconclusive, keep.WindowCancels, keep.Elapsed
		}
	}
	var missing []string
	for k := 1; k <= n; k++ {
		if _, ok := seen[k]; !ok {
			missing = append(missing, fmt.Sprintf("%d/%d", k, n))
		}
	}
	if len(missing) > 0 {
		return nil, usagef("shards missing: %s (every shard 1/%d to %d/%d must be given once)", strings.Join(missing, ", "), n, n, n)
	}
	sort.Slice(out.Shards, func(i, j int) bool { return shardK(out.Shards[i].Shard) < shardK(out.Shards[j].Shard) })
	if !out.Failed {
		// The whole search's command; a counterexample keeps its shard's
		// (and Shard says which shard found it).
		out.Shard, out.Replay = "", search
		out.FoundAfter, out.FoundProgram = 0, 0
	}
	if out.Failed {
		out.NoVerdict = "" // a counterexample is a verdict
	}
	return &out, nil
}

// better reports whether the failed shard result r is to be preferred
// over best: any failure over none, then the lowest program number (a
// failure without one, a goroutine leak, last).
func better(r, best *check.Result) bool {
	if !best.Failed {
		return true
	}
	rank := func(x *check.Result) int {
		if x.FoundProgram == 0 {
			return int(^uint(0) >> 1)
		}
		return x.FoundProgram
	}
	return rank(r) < rank(best)
}

func shardK(s string) int {
	k, _, _ := strings.Cut(s, "/")
	v, _ := strconv.Atoi(k)
	return v
}

func shardKeys(m map[int]string) []int {
	keys := make([]int, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// readBounded reads a regular file of at most limit bytes.
func readBounded(file string, limit int64) ([]byte, error) {
	fi, err := os.Stat(file)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", file)
	}
	if fi.Size() > limit {
		return nil, fmt.Errorf("%s: %d bytes, more than a result has (%d)", file, fi.Size(), limit)
	}
	return os.ReadFile(file)
}

// printMerged writes a merged result for people.
func printMerged(w io.Writer, m *check.VerifyReport) {
	verdict := "no counterexample"
	switch {
	case m.Failed:
		verdict = fmt.Sprintf("COUNTEREXAMPLE in shard %s, program %d", m.Result.Shard, m.FoundProgram)
	case m.NoVerdict != "":
		verdict = "NO VERDICT: " + m.NoVerdict
	}
	fmt.Fprintf(w, "merge of %d shards, %s (%s): %s\n", len(m.Shards), m.Primitive, m.Target, verdict)
	fmt.Fprintf(w, "  %d programs, %d judged executions (%d cancels inside a wake window), strategy %s, dialect %s, seed %d; the longest shard took %v\n",
		m.Programs, m.Executions, m.WindowCancels, m.Strategy, m.Dialect, m.Seed, m.Elapsed.Round(time.Millisecond))
	if m.Inconclusive > 0 {
		fmt.Fprintf(w, "  %d executions inconclusive (not counted as passing)\n", m.Inconclusive)
	}
	for _, s := range m.Shards {
		state := "passed"
		if s.Failed {
			state = "failed"
			if s.FoundProgram > 0 {
				state += fmt.Sprintf(" at program %d", s.FoundProgram)
			}
		}
		fmt.Fprintf(w, "  shard %-7s %8d executions  %s  (%s)\n", s.Shard, s.Executions, state, s.File)
	}
	if m.Failed {
		fmt.Fprintf(w, "\n%s", m.Report)
		fmt.Fprintf(w, "\nsearch again (that shard): %s\n", m.Replay)
		return
	}
	fmt.Fprintf(w, "  the whole search in one process: %s\n", m.Replay)
}
