// Package stress tests concurrent data structures: xbeam's own and the
// user's. It provides
//
//   - conservation hammers (CheckQueue, CheckDeque, CheckInjector): many
//     producers and consumers or thieves, one start barrier, and a check that
//     every item came out exactly once, in the order each producer put it
//     in, sweeping goroutine counts and GOMAXPROCS;
//   - linearizability checks (CheckQueueLinearizable,
//     CheckBlockingQueueLinearizable, CheckDequeLinearizable,
//     CheckInjectorLinearizable): many short random concurrent histories,
//     each checked with porcupine (github.com/anishathalye/porcupine)
//     against a sequential model; a violation is minimized, printed, and
//     drawn to an HTML file;
//   - sequential models (QueueModel, DequeModel) for property-based
//     state-machine tests, for example with pgregory.net/rapid;
//   - fuzz helpers (FuzzQueue, FuzzBlockingQueue, FuzzDeque, with
//     FuzzSeeds) that decode fuzz input into an operation sequence and
//     compare the structure with its model.
//
// The structures are driven through small interfaces over uint64 items
// (Queue, BlockingQueue, Deque, Stealer, Injector). xbeam's queues satisfy
// Queue as they are; its deques plug in through AdaptDeque and
// AdaptInjector, one line each.
//
// Every check takes an Options whose zero value sizes the work by
// testing.Short() and by whether the race detector is compiled in, and
// prints a seed on failure that replays the workload (XBEAM_STRESS_SEED).
// The scheduler is not seeded, so a seed reproduces what each goroutine
// does, not the interleaving.
//
// A linearizability check can only catch a bug in histories whose
// operations really overlap. Operations of lock-free structures take tens
// of nanoseconds, so on a busy machine without the xbeam_chaos build tag
// most short histories run one goroutine at a time (Stats.Overlapping
// counts the others); with -tags xbeam_chaos every atomic of xbeam's
// structures may yield, and nearly all histories overlap. Run the checks
// both ways.
//
// The command stress/cmd/xbeam-stress runs the same checks against xbeam's
// structures for a given duration (a soak) and exits non-zero with a
// reproducing command line on any violation.
package stress
