// priorityqueue-put-not-unfinished
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
// Minimal counterexample (testdata/mutants/priorityqueue-put-not-unfinished.scn), 1 task / 2 ops /
// 0 preemptions: T puts 1 and joins: the model blocks (1 is unfinished),
// the mutant returns ok.

package mutants

import "github.com/syncheck/syncheck/model"

// The PriorityQueue copy of lifoqueue_put_not_unfinished.go.
var priorityQueuePutNotUnfinished = putNotUnfinished(model.PriorityQueue)
