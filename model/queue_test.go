package model

import "testing"

func queueScript(t *testing.T, p Primitive, maxsize int, ds []Dialect, src string) {
	t.Helper()
	runScript(t, p, Params{"maxsize": maxsize}, ds, src)
}

var goAnd313 = []Dialect{Go, Asyncio313}

// §6 operations: put_nowait / get_nowait errors, qsize, empty, full, and
// task_done / join (test_nonblocking_put, test_nonblocking_get_exception,
// test_task_done, test_join_empty_queue).
func TestQueueBasics(t *testing.T) {
	queueScript(t, Queue, 2, all, `
		X empty -> true
		X full -> false
		X getnowait -> queue-empty
		X join -> ok                # nothing unfinished: at once
		X taskdone -> task-done-too-often
		P putnowait 1 -> ok
		P put 2 -> ok
		X full -> true
		X qsize -> 2
		P putnowait 3 -> queue-full
		X qsize -> 2
		C get -> 1
		C getnowait -> 2
		X empty -> true
		J join -> blocks
		C taskdone -> ok
		status J=waiting
		C taskdone -> ok
		status J=runnable
		J join -> ok
		C taskdone -> task-done-too-often
	`)
	queueScript(t, Queue, 0, all, `
		P putnowait 1 -> ok         # maxsize 0: unbounded, never full
		P putnowait 2 -> ok
		P putnowait 3 -> ok
		X full -> false
		X qsize -> 3
	`)
}

// Probe Q5: putting 1, 3, 2; Queue gives 1 3 2, LifoQueue 2 3 1,
// PriorityQueue 1 2 3 (test_order).
func TestQueueDisciplines(t *testing.T) {
	for _, c := range []struct {
		p   Primitive
		out [3]string
	}{{Queue, [3]string{"1", "3", "2"}}, {LifoQueue, [3]string{"2", "3", "1"}}, {PriorityQueue, [3]string{"1", "2", "3"}}} {
		queueScript(t, c.p, 0, all, `
			P put 1 -> ok
			P put 3 -> ok
			P put 2 -> ok
			C get -> `+c.out[0]+`
			C get -> `+c.out[1]+`
			C get -> `+c.out[2]+`
		`)
	}
}

// Blocking both ways, and probe Q1: in asyncio a getter woken by a put can
// lose the item to a newcomer and then waits again at the tail; in go (G14)
// the item is handed to it.
func TestQueueQ1(t *testing.T) {
	queueScript(t, Queue, 1, all, `
		G1 get -> blocks
		G2 get -> blocks
		P putnowait 1 -> ok
		[go]      X qsize -> 0      # handed to G1
		[asyncio] X qsize -> 1
		status G1=runnable G2=waiting
		[go]      N getnowait -> queue-empty
		[asyncio] N getnowait -> 1  # barging
		[go]      G1 get -> 1
		[asyncio] G1 get -> blocks  # woken, finds it empty: back to the tail
		P putnowait 2 -> ok
		[go]      G2 get -> 2
		[asyncio] G2 get -> 2       # G2 before G1 now
		[asyncio] status G1=waiting
	`)
	queueScript(t, Queue, 1, all, `
		P1 put 1 -> ok
		P2 put 2 -> blocks          # full: waits for a place
		P3 put 3 -> blocks
		C get -> 1
		[go]      X qsize -> 1      # G14: P2's item admitted at once
		[asyncio] X qsize -> 0
		[go]      X full -> true
		P2 put 2 -> ok
		status P3=waiting
		C get -> 2
		P3 put 3 -> ok
		C get -> 3
		D taskdone -> ok
		D taskdone -> ok
		J join -> blocks
		D taskdone -> ok
		J join -> ok
	`)
}

// Probe Q2 and bpo-23812 (test_get_cancel_drop_one_pending_reader): a
// getter cancelled after an item was meant for it. asyncio: the cancel wins
// and the cleanup wakes the next getter, so no item is lost; go (G15): the
// item was handed over, the get returns it.
func TestQueueGetCancelledAfterWake(t *testing.T) {
	queueScript(t, Queue, 0, all, `
		G1 get -> blocks
		G2 get -> blocks
		P putnowait 1 -> ok
		cancel G1
		[go]      G1 get -> 1
		[asyncio] G1 get -> cancelled
		[asyncio] status G2=runnable # the wake-up passed on
		[asyncio] G2 get -> 1
		[go]      status G2=waiting
		X qsize -> 0
	`)
	queueScript(t, Queue, 0, all, `
		G1 get -> blocks
		cancel G1
		P putnowait 1 -> ok
		[go]      G1 get -> 1       # G3: still queued when the item came
		[asyncio] G1 get -> cancelled
		[asyncio] X qsize -> 1      # abandoned: the item stays queued
	`)
}

// Probe Q3 (test_put_cancel_drop): a putter cancelled after a place was
// freed for it. asyncio passes the place on; go admitted its item already.
func TestQueuePutCancelledAfterWake(t *testing.T) {
	queueScript(t, Queue, 1, all, `
		P0 put 0 -> ok
		P1 put 1 -> blocks
		P2 put 2 -> blocks
		C get -> 0
		cancel P1
		[go]      P1 put 1 -> ok    # G15: its item is in
		[go]      X qsize -> 1
		[go]      status P2=waiting
		[asyncio] P1 put 1 -> cancelled
		[asyncio] status P2=runnable
		[asyncio] P2 put 2 -> ok
		[go]      C get -> 1
		[asyncio] C get -> 2
	`)
}

// Probe Q4: a join released keeps its release even if an item is put
// before it runs (Event rules), and a join cancelled before it was released
// returns cancelled.
func TestQueueJoin(t *testing.T) {
	queueScript(t, Queue, 0, all, `
		P put 1 -> ok
		J join -> blocks
		K join! -> cancelled        # would wait with a done context
		C get -> 1
		C taskdone -> ok
		status J=runnable
		P put 2 -> ok
		J join -> ok
		L join -> blocks
		cancel L
		L join -> cancelled
	`)
	queueScript(t, Queue, 0, all, `
		P put 1 -> ok
		J join -> blocks
		X taskdone -> ok
		cancel J
		[go]      J join -> ok      # released: nil whatever ctx says
		[asyncio] J join -> cancelled
	`)
}

// G2 / §1.5: a call that completes without suspending does so with a done
// context; one that would block returns cancelled at once, leaving nothing.
func TestQueueDoneContext(t *testing.T) {
	queueScript(t, Queue, 1, all, `
		P put! 1 -> ok
		P put! 2 -> cancelled       # full
		[go] C get! -> 1            # asyncio: the pending cancel fires here
		[go] C get! -> cancelled
		[go] X qsize -> 0
	`)
}

// 3.13 shutdown (probe Q6) and G16.
func TestQueueShutdown(t *testing.T) {
	queueScript(t, Queue, 1, goAnd313, `
		P put 1 -> ok
		P2 put 2 -> blocks
		J join -> blocks
		X shutdown -> ok
		P2 put 2 -> queue-shut-down
		P putnowait 3 -> queue-shut-down
		C get -> 1                  # drains what is queued
		C get -> queue-shut-down
		C getnowait -> queue-shut-down
		status J=waiting            # join still waits for task_done
		C taskdone -> ok
		J join -> ok
		C taskdone -> task-done-too-often
	`)
	queueScript(t, Queue, 0, goAnd313, `
		G get -> blocks
		X shutdownnow -> ok
		G get -> queue-shut-down
	`)
	queueScript(t, Queue, 0, goAnd313, `
		P put 1 -> ok
		P put 2 -> ok
		C get -> 1
		J join -> blocks
		X shutdownnow -> ok         # drops 2, counted done; 1 is still out
		X qsize -> 0
		status J=waiting
		C taskdone -> ok
		J join -> ok
		C taskdone -> task-done-too-often  # Q6c: ValueError, not QueueShutDown
		X shutdownnow -> ok         # Q6e: again
	`)
	// Q6d: a getter woken by a put whose item an immediate shutdown drops
	// raises QueueShutDown (asyncio); go handed it the item already.
	queueScript(t, Queue, 0, goAnd313, `
		G get -> blocks
		P putnowait 7 -> ok
		X shutdownnow -> ok
		[go]   G get -> 7
		[3.13] G get -> queue-shut-down
	`)
}

// Shutdown does not exist before 3.13.
func TestQueueNoShutdownIn311(t *testing.T) {
	d := Describe(Queue)
	o, _ := d.Op(Shutdown)
	if o.In(Asyncio311) || !o.In(Asyncio313) || !o.In(Go) {
		t.Errorf("shutdown's dialects: %v", o.Dialects)
	}
	m, _ := New(Queue, Asyncio311, nil)
	mustPanic(t, "shutdown in 3.11", func() { m.Invoke(0, Op{Kind: Shutdown}) })
}

func TestExploreQueue(t *testing.T) {
	base := prog(t,
		"put 1, put 2",
		"get, taskdone",
		"get, taskdone, join",
		"put! 3, getnowait, putnowait 4",
	)
	shut := prog(t,
		"put 1, put 2",
		"get, taskdone",
		"join, shutdownnow",
		"shutdown, get, put 5",
	)
	for _, prim := range []Primitive{Queue, LifoQueue, PriorityQueue} {
		for _, size := range []int{0, 1} {
			for _, d := range Dialects {
				m, _ := New(prim, d, Params{"maxsize": size})
				see := []string{"granted"}
				if size == 1 {
					see = append(see, "putters: T0(")
				}
				t.Logf("%s(%d) %s: %d states", prim, size, d, explore(t, m, base, 2, see...))
				if d != Asyncio311 && prim == Queue {
					t.Logf("%s(%d) %s shutdown: %d states", prim, size, d, explore(t, m, shut, 2, "shut down"))
				}
			}
		}
	}
}
