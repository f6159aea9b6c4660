// Package bench holds the workload drivers and peer adapters behind xbeam's
// side-by-side benchmarks: the workloads (spsc, mpsc, mpmc, mpmc-blocking,
// the deque owner and steal patterns, fork-join, the task workloads fib,
// mergesort and parallel-for, epoch-pin, counter-shared) written once, and
// run on every implementation through a small interface over uint64 values.
// docs/benchmarks.md defines each workload.
//
// The same driver serves two callers:
//
//   - a testing.B benchmark: [Run] makes one sub-benchmark per implementation
//     and P, named impl=NAME/P=N, moves b.N items, and reports ns/op and
//     Mops/s from the measured span, so that
//     go test -bench . -count 10 | benchstat compares runs;
//   - the command xbeam-bench (cmd/xbeam-bench), which calls [Workload.Run] with an
//     item count and a deadline and draws tables and charts.
//
// Every queue and deque run checks conservation: the count and the sum of the
// values taken out must equal those put in. A run whose check fails returns a
// [Result] with a non-nil Err, and callers print FAIL instead of a number.
//
// The peers ([Peers]) are the Go channel (blocking, and in select-default
// form), a mutex around a ring buffer, github.com/puzpuzpuz/xsync/v4
// MPMCQueue and UMPSCQueue, github.com/bytedance/gopkg collection/lscq in its
// uint64 and pointer variants, a mutex deque, goroutine-per-task, a
// channel-fed worker pool, errgroup, ants and conc pools and the sequential
// loop for the task workloads, an RWMutex read section (the nearest Go
// primitive to an epoch pin) and a one-word atomic counter. xbeam's own
// structures are adapted in the subpackage xbeamimpl.
//
// It lives in the nested module github.com/xbeam/xbeam/stress/bench, so that
// the library's own go.mod does not carry the peers and the plotting
// packages; it imports none of xbeam's packages (xbeamimpl does).
package bench
