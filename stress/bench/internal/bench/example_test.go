package bench_test

import (
	"fmt"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

// Move 10,000 values through a Go channel with 2 producers and 2 consumers;
// the run checks that every value came out exactly once.
func ExampleWorkload_Run() {
	r := bench.MPMC.Run(bench.ChanImpl(), bench.Config{Items: 10000, P: 2})
	fmt.Println(r.Ops, r.Truncated, r.Err)
	// Output: 10000 false <nil>
}
