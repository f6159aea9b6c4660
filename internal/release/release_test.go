package release_test

import (
	"runtime"
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/release"
)

func TestStore64Layout(t *testing.T) {
	var x atomicx.Uint64
	require.Equal(t, uintptr(8), unsafe.Sizeof(x), "atomicx.Uint64 must be exactly its word")
	require.Equal(t, uintptr(8), unsafe.Alignof(x))
	for _, v := range []uint64{1, 1 << 63, ^uint64(0), 0} {
		release.Store64(&x, v)
		require.Equal(t, v, x.Load())
	}
}

// TestStore64Publishes hands a plain value over through a release store and
// an atomic load, the pattern Store64 exists for; under -race this is the
// detector's check that the hand-off synchronizes.
func TestStore64Publishes(t *testing.T) {
	const rounds = 1000
	var stamp atomicx.Uint64
	var data [rounds + 1]uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := uint64(1); i <= rounds; i++ {
			data[i] = i * 3
			release.Store64(&stamp, i)
		}
	}()
	for seen := uint64(0); seen < rounds; runtime.Gosched() {
		if s := stamp.Load(); s > seen {
			for i := seen + 1; i <= s; i++ {
				require.Equal(t, i*3, data[i])
			}
			seen = s
		}
	}
	wg.Wait()
}
