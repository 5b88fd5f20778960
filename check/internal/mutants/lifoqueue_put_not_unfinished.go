// lifoqueue-put-not-unfinished
//
// The bug: LifoQueue and PriorityQueue override how an item is stored, and
// their put path no longer counts the item as unfinished: Join returns at
// once although items were put and never got, and the TaskDone for an item
// got fails as called too often.
//
// Reference: python/asyncio#235 (LifoQueue and PriorityQueue put did not
// increment unfinished_tasks, so join() returned immediately and
// task_done() raised ValueError).
//
// Class S: whole operations, one task.
//
// Minimal counterexample (testdata/mutants/lifoqueue-put-not-unfinished.scn), 1 task / 2 ops /
// 0 preemptions: T puts 1 and joins: the model blocks (1 is unfinished),
// the mutant returns ok.

package mutants

import "github.com/syncheck/syncheck/model"

func putNotUnfinished(kind model.Primitive) func() Mutant {
	return func() Mutant {
		name := string(kind) + "-put-not-unfinished"
		return Mutant{
			Name:      name,
			Primitive: kind,
			Class:     ClassS,
			Pattern:   "put does not count the item as unfinished, so join returns at once and task_done fails (python/asyncio#235)",
			Target: queueTarget(kind, name, func(q *queue) queueImpl {
				q.perPut = 0 // BUG: an item put is not counted as unfinished
				return q
			}),
			Minimal: Size{Tasks: 1, Ops: 2, Preemptions: 0},
			Params:  model.Params{"maxsize": 1},
		}
	}
}
