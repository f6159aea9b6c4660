// Package xbeamimpl adapts xbeam's own structures (queue.Bounded at
// capacity 1024, queue.Unbounded, the deque Worker in LIFO and FIFO flavour,
// epoch Handle pins, the sharded atomicx.Counter) to the interfaces of
// internal/bench, so that the benchmark command and the per-package
// testing.B benchmarks run them beside the peers.
//
// It imports the library packages, so only external test packages
// (queue_test, deque_test, ...) and commands may import it.
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
