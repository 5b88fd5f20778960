package corpus_test

import (
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/syncheck/syncheck/check/internal/corpus"
	"github.com/syncheck/syncheck/check/internal/judge"
	"github.com/syncheck/syncheck/check/internal/mutants"
	"github.com/syncheck/syncheck/model/scenario"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const dir = "../../../testdata/corpus"

func corpusFiles(t *testing.T) []*scenario.Scenario {
	t.Helper()
	scs, err := scenario.ParseDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(scs) == 0 {
		t.Fatalf("no counterexamples under %s", dir)
	}
	return scs
}

// TestCorpus replays every kept counterexample on the implementation it
// names: a mutant's must still fail (the checker still kills it), the
// built-in implementation's must pass (a fixed bug stays fixed).
func TestCorpus(t *testing.T) {
	for _, sc := range corpusFiles(t) {
		t.Run(strings.TrimPrefix(sc.File, dir+"/"), func(t *testing.T) {
			r, err := replay(sc)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case sc.Target != "" && !r.Fails():
				t.Fatalf("the counterexample of mutant %s no longer fails", sc.Target)
			case sc.Target == "" && r.Fails():
				t.Fatalf("regression: %s: %s", r.Failure.Property, r.Failure.Message)
			}
		})
	}
}

// TestCorpusPassesOnImpl replays every mutant's counterexample on the
// built-in implementation: the same schedule must be judged correct there,
// so what fails is the mutant's bug, not the schedule.
func TestCorpusPassesOnImpl(t *testing.T) {
	for _, sc := range corpusFiles(t) {
		if sc.Target == "" {
			continue
		}
		t.Run(sc.Target, func(t *testing.T) {
			sc.Target = ""
			r, err := replay(sc)
			if err != nil {
				t.Fatal(err)
			}
			if r.Fails() {
				t.Fatalf("the built-in implementation fails: %s: %s", r.Failure.Property, r.Failure.Message)
			}
		})
	}
}

// TestCorpusCoversMutants: every mutant has a counterexample kept.
func TestCorpusCoversMutants(t *testing.T) {
	kept := map[string]bool{}
	for _, sc := range corpusFiles(t) {
		kept[sc.Target] = true
	}
	for _, m := range mutants.All() {
		if !kept[m.Name] {
			t.Errorf("no counterexample for mutant %s under %s (go run ./cmd/checkcli mutants --save testdata/corpus %s)", m.Name, dir, m.Name)
		}
	}
}

// replay replays sc on the target its target line names.
func replay(sc *scenario.Scenario) (*corpus.Result, error) {
	target, err := corpus.TargetOf(sc)
	if err != nil {
		return nil, err
	}
	return corpus.Replay(sc, target, judge.Options{})
}

// TestReplayInconclusive: a judge that runs out of time gives no verdict:
// the replay is Inconclusive, not a failure.
func TestReplayInconclusive(t *testing.T) {
	sc, err := scenario.Parse("x.scn", []byte("primitive lock\ntask A: acquire, release\ntask B: acquire\nA acquire -> ok\nB acquire -> blocks\nA release -> ok\nB acquire -> ok\n"))
	if err != nil {
		t.Fatal(err)
	}
	target, err := corpus.TargetOf(sc)
	if err != nil {
		t.Fatal(err)
	}
	r, err := corpus.Replay(sc, target, judge.Options{Timeout: time.Nanosecond})
	if err != nil || r.Fails() || r.Inconclusive == nil {
		t.Fatalf("err %v, fails %v, inconclusive %v", err, r.Fails(), r.Inconclusive)
	}
	if r, _ := corpus.Replay(sc, target, judge.Options{}); r.Fails() || r.Inconclusive != nil {
		t.Fatalf("with time to judge: fails %v, inconclusive %v", r.Fails(), r.Inconclusive)
	}
}
