// Package stress finds concurrency bugs in queues and deques, xbeam's or
// anyone's, from a test:
//
//	func TestMyQueue(t *testing.T) {
//		newQ := func() stress.Queue { return myqueue.New(4) }
//		stress.CheckQueue(t, newQ, stress.Options{Capacity: 4})
//		stress.CheckQueueLinearizable(t, newQ, stress.Options{Capacity: 4})
//	}
//
// The hammers (CheckQueue, CheckDeque, CheckInjector) push many distinct
// items through the structure from several goroutines and fail the test if
// one is lost, duplicated, invented or taken out of order. The
// linearizability checks (CheckQueueLinearizable,
// CheckBlockingQueueLinearizable, CheckDequeLinearizable,
// CheckInjectorLinearizable) record many short concurrent histories and
// check each with porcupine against a sequential model; a violation is
// minimized, printed with the operations that overlap, and drawn to an
// HTML file in the test's artifact directory (kept by go test -artifacts).
// The blocking check also requires Close to wake every parked Pop and
// Push. QueueModel and DequeModel are the sequential models, for property
// tests; FuzzQueue, FuzzBlockingQueue and FuzzDeque drive a structure from
// fuzz input.
//
// Structures plug in through small interfaces over uint64 items (Queue,
// BlockingQueue, Deque, Injector); AdaptDeque and AdaptInjector wrap
// generic deques shaped like xbeam's.
//
// The harness drives operations into real overlap by itself: clients are
// released together, in lockstep rounds or freely, with random short
// spins and yields, a goroutine that stops the world in the middle of
// some runs, and, on Linux, clients that interrupt another client's
// thread with a signal so that it stops mid-operation while they overtake
// it. Each scenario is run several times and every run whose operations
// overlapped is checked (see Options.Histories). The log and Stats say
// how many scenarios and runs overlapped, per GOMAXPROCS; with one
// processor operations overlap only where the structure itself yields.
//
// Every check is sized by Options, whose zero value fits -short and -race
// budgets; it prints a seed that replays the workload (XBEAM_STRESS_SEED),
// not the interleaving. A check that makes no progress for Options.Stall
// fails with every goroutine's stack instead of hanging. Checks must be
// called from the test's goroutine. The command stress/cmd/xbeam-stress
// runs the same checks on xbeam's structures for a given duration.
package stress
