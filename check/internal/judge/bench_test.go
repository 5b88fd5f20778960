package judge

import (
	"testing"

	"github.com/syncheck/syncheck/check/internal/harness"
	"github.com/syncheck/syncheck/check/internal/prims"
	"github.com/syncheck/syncheck/check/internal/scheduler"
	"github.com/syncheck/syncheck/model"
	"github.com/syncheck/syncheck/model/scenario"
)

// benchCondProgram is a 3-task, 12-operation Condition program: two waiters
// and a notifier that notifies one, then all.
var benchCondProgram = []scenario.Task{
	{Name: "W1", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Wait}, {Kind: model.Release}}},
	{Name: "W2", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Wait}, {Kind: model.Release}}},
	{Name: "N", Ops: []model.Op{{Kind: model.Acquire}, {Kind: model.Notify, Arg: 1}, {Kind: model.Release}, {Kind: model.Acquire}, {Kind: model.NotifyAll}, {Kind: model.Release}}},
}

// benchInputs are executions of benchCondProgram by the built-in
// Condition under PCT, fixed seeds.
func benchInputs(b *testing.B, n int) []Input {
	tg, err := prims.Builtin(model.Condition)
	if err != nil {
		b.Fatal(err)
	}
	p := model.Params{"conditions": 1}
	ins := make([]Input, n)
	for i := range ins {
		e := harness.RunProgram(benchCondProgram, p, &tg, scheduler.Uniform(scheduler.NewPCG(uint64(i))), 10_000)
		ins[i] = NewInput(e, benchCondProgram, model.Condition, model.Go, p)
	}
	return ins
}

// BenchmarkJudgeCondition judges realistic executions of a 3-task,
// 12-operation Condition program (24 history events): one op is one fully
// judged execution (all four verdicts).
func BenchmarkJudgeCondition(b *testing.B) {
	ins := benchInputs(b, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		vs := Judge(ins[i%len(ins)], Options{})
		if vs[0].Status != Pass {
			b.Fatalf("%+v", vs)
		}
	}
}

// BenchmarkRunAndJudgeCondition is the whole pipeline for one execution of
// the same program: run it under PCT with the built-in Condition, then
// judge it.
func BenchmarkRunAndJudgeCondition(b *testing.B) {
	tg, err := prims.Builtin(model.Condition)
	if err != nil {
		b.Fatal(err)
	}
	p := model.Params{"conditions": 1}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		e := harness.RunProgram(benchCondProgram, p, &tg, scheduler.Uniform(scheduler.NewPCG(uint64(i))), 10_000)
		vs := Judge(NewInput(e, benchCondProgram, model.Condition, model.Go, p), Options{})
		if vs[0].Status != Pass {
			b.Fatalf("%+v", vs)
		}
	}
}
