// Package xbeamimpl adapts xbeam's own structures (queue.Bounded at
// capacity 1024, queue.Unbounded, the deque Worker in LIFO and FIFO flavour,
// epoch Handle pins, the sharded atomicx.Counter, and the deque/forkjoin Pool
// for the task workloads: see forkjoin.go) to the interfaces of package
// bench, so that xbeam-bench and the testing.B benchmarks here run them
// beside the peers.
package xbeamimpl

import "github.com/xbeam/xbeam/stress/bench/internal/bench"

// Impls returns xbeam's implementations, freshly allocated.
func Impls() []*bench.Impl {
	var impls []*bench.Impl
	for _, f := range registered {
		impls = append(impls, f())
	}
	return impls
}

// registered holds one constructor per adapted structure, appended to by
// each structure's file, in file name order.
var registered []func() *bench.Impl
