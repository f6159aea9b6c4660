package deque

import (
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/atomicx"
)

// storeBuffering runs n rounds of the store-buffering litmus test (SB in
// Sewell et al., "x86-TSO", CACM 2010) with store as each side's store: in
// round r two goroutines meet at a barrier, then each stores r in its own
// word and loads the other's. It returns the rounds in which both loads
// missed the other's store, which sequential consistency forbids and which
// a plain store followed by a load allows (the load may pass the store
// waiting in the store buffer).
func storeBuffering(n uint64, store func(x *u64, v uint64, fence *u64)) (bad []uint64) {
	var x, y, fx, fy, arrived u64
	seenX := make([]uint64, n+1) // by the side that stores y, in round r
	seenY := make([]uint64, n+1)
	var sinks [2]atomicx.Padded[uint64] // what the delay loops write, so that they are kept
	side := func(mine, other, fence *u64, seen []uint64, skew uint64, sink *uint64) {
		for r := uint64(1); r <= n; r++ {
			arrived.Add(1)
			for i := 0; arrived.Load() < 2*r; i++ {
				if i%64 == 63 {
					runtime.Gosched() // with one P, let the other side arrive
				}
			}
			// The two sides leave the barrier a cache miss apart; a delay
			// that varies with the round makes the stores of both meet.
			for i := (r * skew) % 64; i > 0; i-- {
				*sink++
			}
			store(mine, r, fence)
			seen[r] = other.Load()
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { side(&x, &y, &fx, seenY, 7, &sinks[0].Value) })
	side(&y, &x, &fy, seenX, 13, &sinks[1].Value)
	wg.Wait()
	for r := uint64(1); r <= n; r++ {
		if seenX[r] < r && seenY[r] < r {
			bad = append(bad, r)
		}
	}
	return bad
}

// TestStoreFencedStoreBuffering checks that a load after storeFenced never
// takes effect before its store: the ordering LIFO Pop's take rests on.
// A release store alone, a plain MOV on amd64, allows the forbidden
// outcome (x86-TSO lets a load pass an earlier store).
func TestStoreFencedStoreBuffering(t *testing.T) {
	n := uint64(1 << 17)
	if testing.Short() {
		n = 1 << 14
	}
	bad := storeBuffering(n, func(x *u64, v uint64, fence *u64) { x.storeFenced(v, fence) })
	require.Empty(t, bad, "rounds in which both loads passed the other side's storeFenced")
}
