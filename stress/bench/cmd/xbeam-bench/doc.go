// Command xbeam-bench runs xbeam's structures and their Go peers on the same
// workloads, side by side in one process, and writes what it measured: a
// table on the terminal, results.csv, results.md and one chart per workload.
// docs/benchmarks.md defines the workloads and shows the latest report.
//
//	go -C stress/bench run ./cmd/xbeam-bench                # what make bench runs
//	go -C stress/bench run ./cmd/xbeam-bench -list          # workloads and implementations
//	go -C stress/bench run ./cmd/xbeam-bench -workloads fib -impls xbeam-forkjoin,goroutines
//
// Flags: -workloads and -impls (comma-separated names, or all; -impls also
// takes peers or xbeam), -p (the P values, default 1, 2, 4 ... 2 x
// GOMAXPROCS), -blocking-p (extra P values for mpmc-blocking), -items,
// -loop-items, -fork-depth, -fib-n and -task-items (the sizes of the queue
// and deque, loop, fork-join, fib and other task workloads), -duration
// (producers stop after it; the rate stays exact), -work (local work per
// item), -count (runs per cell; the median is shown), -out (default
// out/bench), -format (svg, png or both, the default), -preset matrix (the
// sizes for a many-core machine; explicit flags override it), -q (no
// progress line).
//
// Each cell is one run of a workload on a fresh instance of one
// implementation at one P. Its figure is millions of operations per second
// (the workload says what one operation is) and two ratios: to the base at
// the same P (the Go channel for the queue workloads; the sequential loop for
// the task workloads, where it is the speed-up) and to the best peer at the
// same P. Every run checks its result (count and sum of the items, the value
// of fib, the sorted order); a run that fails shows FAIL instead of a number
// and the command exits with status 1. A cell stopped by -duration is marked
// *; a cell measured while the machine's cache-line hand-off time (probed
// before every run and in the header) was more than 2x off the header's
// figure is marked ~.
//
// Outputs, in -out: results.csv (one row per cell, after '#' header lines),
// results.md (the header and one Markdown table per workload: paste it into
// docs/benchmarks.md unedited), and WORKLOAD.svg and WORKLOAD.png (throughput
// against P, or one bar per implementation for a workload with one P).
//
// The testing.B benchmarks in package xbeamimpl run the same drivers, named
// impl=NAME/P=N for benchstat -col /impl.
package main
