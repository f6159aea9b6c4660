package atomicx_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/xbeam/xbeam/atomicx"
)

// runGoroutines runs body(g, n) on each of P goroutines, splitting b.N
// operations between them, and waits for all.
func runGoroutines(b *testing.B, p int, body func(g, n int)) {
	var wg sync.WaitGroup
	per := b.N/p + 1
	b.ResetTimer()
	for g := range p {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(g, per)
		}()
	}
	wg.Wait()
}

func procsList() []int {
	ps := []int{1, 2}
	for p := 4; p <= 2*runtime.GOMAXPROCS(0); p *= 2 {
		ps = append(ps, p)
	}
	return ps
}

// BenchmarkFalseSharing: P goroutines each increment their own counter;
// unpadded neighbours share cache lines, padded ones do not.
func BenchmarkFalseSharing(b *testing.B) {
	for _, p := range procsList() {
		b.Run(fmt.Sprintf("impl=unpadded/P=%d", p), func(b *testing.B) {
			b.ReportAllocs()
			counts := make([]atomic.Int64, p)
			runGoroutines(b, p, func(g, n int) {
				for range n {
					counts[g].Add(1)
				}
			})
		})
		b.Run(fmt.Sprintf("impl=padded/P=%d", p), func(b *testing.B) {
			b.ReportAllocs()
			counts := make([]atomicx.Padded[atomic.Int64], p)
			runGoroutines(b, p, func(g, n int) {
				for range n {
					counts[g].Value.Add(1)
				}
			})
		})
	}
}

// BenchmarkCASLoop: P goroutines increment one word with a load-CAS retry
// loop, retrying at once or backing off after each lost race.
func BenchmarkCASLoop(b *testing.B) {
	for _, p := range procsList() {
		b.Run(fmt.Sprintf("impl=retry/P=%d", p), func(b *testing.B) {
			b.ReportAllocs()
			var x atomicx.Uint64
			runGoroutines(b, p, func(_, n int) {
				for range n {
					for {
						v := x.Load()
						if x.CompareAndSwap(v, v+1) {
							break
						}
					}
				}
			})
		})
		b.Run(fmt.Sprintf("impl=backoff/P=%d", p), func(b *testing.B) {
			b.ReportAllocs()
			var x atomicx.Uint64
			runGoroutines(b, p, func(_, n int) {
				for range n {
					var bo atomicx.Backoff
					for {
						v := x.Load()
						if x.CompareAndSwap(v, v+1) {
							break
						}
						bo.Spin()
					}
				}
			})
		})
	}
}

// BenchmarkCounter compares the sharded Counter with one shared atomic word
// under RunParallel (GOMAXPROCS goroutines; use -cpu to vary).
func BenchmarkCounter(b *testing.B) {
	b.Run("impl=atomic.Int64", func(b *testing.B) {
		b.ReportAllocs()
		var x atomic.Int64
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				x.Add(1)
			}
		})
	})
	b.Run("impl=Counter", func(b *testing.B) {
		b.ReportAllocs()
		var c atomicx.Counter
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c.Add(1)
			}
		})
	})
}

// BenchmarkCell measures Load on each Cell representation.
func BenchmarkCell(b *testing.B) {
	b.Run("impl=word", func(b *testing.B) {
		b.ReportAllocs()
		var c atomicx.Cell[int64]
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_ = c.Load()
			}
		})
	})
	b.Run("impl=seqlock32B", func(b *testing.B) {
		b.ReportAllocs()
		var c atomicx.Cell[[4]uint64]
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				_ = c.Load()
			}
		})
	})
}
