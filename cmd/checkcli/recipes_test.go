package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/syncheck/syncheck/check"
)

// buildCheckcli builds checkcli once into a temporary directory, for the
// tests that run it as a user would.
var buildCheckcli = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "checkcli-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "checkcli")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// block returns the YAML block scalar ("key: |" or "- |") that follows the
// first line matching after, as text (its indentation removed).
func block(t *testing.T, yaml, after string) string {
	t.Helper()
	lines := strings.Split(yaml, "\n")
	start := -1
	for i, l := range lines {
		if strings.Contains(l, after) {
			start = i
			break
		}
	}
	for ; start >= 0 && start < len(lines) && !strings.HasSuffix(strings.TrimSpace(lines[start]), "|"); start++ {
	}
	if start < 0 || start >= len(lines) {
		t.Fatalf("no block after %q", after)
	}
	head := lines[start]
	indent := len(head) - len(strings.TrimLeft(head, " "))
	var out []string
	for _, l := range lines[start+1:] {
		if strings.TrimSpace(l) != "" && len(l)-len(strings.TrimLeft(l, " ")) <= indent {
			break
		}
		out = append(out, l)
	}
	// Remove the block's own indentation.
	ind := -1
	for _, l := range out {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " ")); ind < 0 || n < ind {
			ind = n
		}
	}
	for i, l := range out {
		if len(l) >= ind {
			out[i] = l[ind:]
		}
	}
	return strings.Join(out, "\n")
}

// yamlValue is the value of the first "key: value" (or "value: v" after
// "name: key") in yaml.
func yamlValue(t *testing.T, yaml, key string) string {
	t.Helper()
	if m := regexp.MustCompile(`(?m)^\s*` + key + `:\s*"?([^"\n]+)"?$`).FindStringSubmatch(yaml); m != nil {
		return strings.TrimSpace(m[1])
	}
	if m := regexp.MustCompile(`name: ` + key + `\s+value:\s*"?([^"\n]+)"?`).FindStringSubmatch(yaml); m != nil {
		return strings.TrimSpace(m[1])
	}
	t.Fatalf("no %s in the recipe", key)
	return ""
}

// runScript runs a shell script in dir with checkcli on the PATH.
func runScript(t *testing.T, shell, script, dir string, env ...string) (string, error) {
	t.Helper()
	bin, err := buildCheckcli()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(shell, "-c", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok {
		err = fmt.Errorf("%v: %s", err, ee.Stderr)
	}
	return string(out), err
}

// wholeSearch runs the search the recipes split, in one process.
func wholeSearch(t *testing.T, primitive, seed, runs string) check.VerifyReport {
	t.Helper()
	code, out, errOut := runCLI(t, "verify", primitive, "--no-specs", "--seed", seed, "--runs", runs, "--time", "0", "--json")
	var v check.VerifyReport
	if err := json.Unmarshal([]byte(out), &v); err != nil || code != 0 {
		t.Fatalf("whole search: exit %d, %v\n%s", code, err, errOut)
	}
	return v
}

// checkMerged: the merge of the shards' results passed, with the whole
// search's totals.
func checkMerged(t *testing.T, out string, whole check.VerifyReport, shards int) {
	t.Helper()
	var m check.VerifyReport
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("merge --json: %v\n%s", err, out)
	}
	if m.Failed || len(m.Shards) != shards || m.Programs != whole.Programs || m.Executions != whole.Executions || m.WindowCancels != whole.WindowCancels {
		t.Fatalf("merged: failed %v, %d shards, %d programs, %d executions, %d window cancels; the whole search: %d, %d, %d",
			m.Failed, len(m.Shards), m.Programs, m.Executions, m.WindowCancels, whole.Programs, whole.Executions, whole.WindowCancels)
	}
	if m.Replay != whole.Replay {
		t.Fatalf("merged replay %q, the whole search's %q", m.Replay, whole.Replay)
	}
}

// TestGitHubActionsRecipe runs the recipe's shard step for every shard
// of its matrix, then its merge step, as the runner would (bash, in the
// checkout; checkcli already built), with a small RUNS; the merge must
// equal the search run in one process.
func TestGitHubActionsRecipe(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds checkcli and runs the recipe's scripts")
	}
	b, err := os.ReadFile("recipes/github-actions.yml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := string(b)
	shards, _ := strconv.Atoi(yamlValue(t, yaml, "SHARDS"))
	primitive, seed := yamlValue(t, yaml, "PRIMITIVE"), yamlValue(t, yaml, "SEED")
	var want []string
	for k := 1; k <= shards; k++ {
		want = append(want, strconv.Itoa(k))
	}
	if m := regexp.MustCompile(`shard: \[([^\]]*)\]`).FindStringSubmatch(yaml); m == nil || strings.ReplaceAll(m[1], " ", "") != strings.Join(want, ",") {
		t.Fatalf("the matrix does not list shards 1..%d: %v", shards, m)
	}
	const build = "go build -o checkcli ./cmd/checkcli\n"
	shardStep, mergeStep := block(t, yaml, "name: verify one shard"), block(t, yaml, "name: merge the shards")
	if !strings.HasPrefix(shardStep, build) || !strings.HasPrefix(mergeStep, build) {
		t.Fatalf("the steps should build checkcli first:\n%s\n%s", shardStep, mergeStep)
	}
	dir := t.TempDir()
	bin, _ := buildCheckcli()
	if err := os.Symlink(bin, filepath.Join(dir, "checkcli")); err != nil {
		t.Fatal(err)
	}
	env := []string{"PRIMITIVE=" + primitive, "SEED=" + seed, "RUNS=700", "SHARDS=" + strconv.Itoa(shards)}
	for k := 1; k <= shards; k++ {
		script := strings.ReplaceAll(strings.TrimPrefix(shardStep, build), "${{ matrix.shard }}", strconv.Itoa(k))
		if _, err := runScript(t, "bash", "set -eo pipefail\n"+script, dir, env...); err != nil {
			t.Fatalf("shard %d: %v", k, err)
		}
	}
	out, err := runScript(t, "bash", "set -eo pipefail\n"+strings.TrimSpace(strings.TrimPrefix(mergeStep, build))+" --json", dir, env...)
	if err != nil {
		t.Fatalf("merge: %v", err)
	}
	checkMerged(t, out, wholeSearch(t, primitive, seed, "700"), shards)
}

// TestKubernetesRecipe runs the Indexed Job's script for every completion
// index, collects what each prints (its log), and merges them as the
// recipe's instructions say; the merge must equal the search run in one
// process.
func TestKubernetesRecipe(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("builds checkcli and runs the recipe's script")
	}
	b, err := os.ReadFile("recipes/kubernetes-job.yaml")
	if err != nil {
		t.Fatal(err)
	}
	yaml := string(b)
	completions, _ := strconv.Atoi(yamlValue(t, yaml, "completions"))
	shards, _ := strconv.Atoi(yamlValue(t, yaml, "SHARDS"))
	if completions != shards || shards < 2 || yamlValue(t, yaml, "completionMode") != "Indexed" {
		t.Fatalf("completions %d, SHARDS %d, want equal and an Indexed Job", completions, shards)
	}
	primitive, seed := yamlValue(t, yaml, "PRIMITIVE"), yamlValue(t, yaml, "SEED")
	script := block(t, yaml, "args:")
	dir := t.TempDir()
	var files []string
	for i := range completions {
		out, err := runScript(t, "sh", script, dir, "PRIMITIVE="+primitive, "SEED="+seed, "RUNS=700",
			"SHARDS="+strconv.Itoa(shards), "JOB_COMPLETION_INDEX="+strconv.Itoa(i))
		if err != nil {
			t.Fatalf("index %d: %v", i, err)
		}
		f := filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))
		if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	code, out, errOut := runCLI(t, append([]string{"merge", "--json"}, files...)...)
	if code != 0 {
		t.Fatalf("merge: exit %d\n%s", code, errOut)
	}
	checkMerged(t, out, wholeSearch(t, primitive, seed, "700"), shards)
}
