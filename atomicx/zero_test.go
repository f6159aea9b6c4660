package atomicx_test

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/atomicx"
)

// TestCellSize checks the size Cell's doc states: 16 bytes besides its T,
// rounded up to a multiple of 8.
func TestCellSize(t *testing.T) {
	want := func(size uintptr) uintptr { return (16 + size + 7) &^ 7 }
	assert.Equal(t, want(unsafe.Sizeof(int(0))), unsafe.Sizeof(atomicx.Cell[int]{}), "Cell[int]")
	assert.Equal(t, want(unsafe.Sizeof("")), unsafe.Sizeof(atomicx.Cell[string]{}), "Cell[string]")
	assert.Equal(t, want(1), unsafe.Sizeof(atomicx.Cell[bool]{}), "Cell[bool]")
	assert.Equal(t, want(unsafe.Sizeof((*int)(nil))), unsafe.Sizeof(atomicx.Cell[*int]{}), "Cell[*int]")
	assert.Equal(t, want(24), unsafe.Sizeof(atomicx.Cell[[3]int64]{}), "Cell[[3]int64]")
	assert.Equal(t, want(unsafe.Sizeof(any(nil))), unsafe.Sizeof(atomicx.Cell[any]{}), "Cell[any]")
	if unsafe.Sizeof(uintptr(0)) == 8 {
		assert.Equal(t, uintptr(24), unsafe.Sizeof(atomicx.Cell[int]{}))
		assert.Equal(t, uintptr(32), unsafe.Sizeof(atomicx.Cell[string]{}))
	}
}

// TestZeroValues calls every operation of every exported type of atomicx
// on its zero value: each type documents its zero value as ready to use,
// so every operation must work and see the zero value.
func TestZeroValues(t *testing.T) {
	cases := []struct {
		name string
		op   func(t *testing.T)
	}{
		{"Uint64", func(t *testing.T) {
			var x atomicx.Uint64
			require.Zero(t, x.Load())
			x.Store(1)
			require.Equal(t, uint64(1), x.Swap(2))
			require.True(t, x.CompareAndSwap(2, 3))
			require.Equal(t, uint64(4), x.Add(1))
			require.Equal(t, uint64(4), x.And(6))
			require.Equal(t, uint64(4), x.Or(1))
			require.Equal(t, uint64(5), x.Load())
		}},
		{"Uint32", func(t *testing.T) {
			var x atomicx.Uint32
			require.Zero(t, x.Load())
			x.Store(1)
			require.Equal(t, uint32(1), x.Swap(2))
			require.True(t, x.CompareAndSwap(2, 3))
			require.Equal(t, uint32(4), x.Add(1))
			require.Equal(t, uint32(4), x.And(6))
			require.Equal(t, uint32(4), x.Or(1))
		}},
		{"Int64", func(t *testing.T) {
			var x atomicx.Int64
			require.Zero(t, x.Load())
			x.Store(-1)
			require.Equal(t, int64(-1), x.Swap(2))
			require.True(t, x.CompareAndSwap(2, 3))
			require.Equal(t, int64(1), x.Add(-2))
		}},
		{"Int32", func(t *testing.T) {
			var x atomicx.Int32
			require.Zero(t, x.Load())
			x.Store(-1)
			require.Equal(t, int32(-1), x.Swap(2))
			require.True(t, x.CompareAndSwap(2, 3))
			require.Equal(t, int32(1), x.Add(-2))
		}},
		{"Uintptr", func(t *testing.T) {
			var x atomicx.Uintptr
			require.Zero(t, x.Load())
			x.Store(1)
			require.Equal(t, uintptr(1), x.Swap(2))
			require.True(t, x.CompareAndSwap(2, 3))
			require.Equal(t, uintptr(4), x.Add(1))
		}},
		{"Bool", func(t *testing.T) {
			var x atomicx.Bool
			require.False(t, x.Load())
			x.Store(true)
			require.True(t, x.Swap(false))
			require.True(t, x.CompareAndSwap(false, true))
			require.True(t, x.Load())
		}},
		{"Pointer", func(t *testing.T) {
			var x atomicx.Pointer[int]
			require.Nil(t, x.Load())
			p, q := new(int), new(int)
			x.Store(p)
			require.Same(t, p, x.Swap(q))
			require.True(t, x.CompareAndSwap(q, p))
			require.Same(t, p, x.Load())
		}},
		{"Cell[int]", func(t *testing.T) {
			var c atomicx.Cell[int]
			require.Zero(t, c.Load())
			require.True(t, c.Lockfree())
			c.Store(1)
			require.Equal(t, 1, c.Swap(2))
			require.True(t, atomicx.CompareAndSwap(&c, 2, 3))
			require.Equal(t, 3, c.Load())
		}},
		{"Cell[*int]", func(t *testing.T) {
			var c atomicx.Cell[*int]
			require.Nil(t, c.Load())
			p := new(int)
			c.Store(p)
			require.Same(t, p, c.Swap(nil))
			require.True(t, atomicx.CompareAndSwap(&c, nil, p))
			require.Same(t, p, c.Load())
		}},
		{"Cell[string]", func(t *testing.T) {
			var c atomicx.Cell[string]
			require.Empty(t, c.Load())
			require.False(t, c.Lockfree())
			c.Store("a")
			require.Equal(t, "a", c.Swap("b"))
			require.True(t, atomicx.CompareAndSwap(&c, "b", "c"))
			require.Equal(t, "c", c.Load())
		}},
		{"Counter", func(t *testing.T) {
			var c atomicx.Counter
			require.Zero(t, c.Load())
			c.Add(3)
			require.Equal(t, int64(3), c.Load())
			c.Reset()
			require.Zero(t, c.Load())
		}},
		{"Padded", func(t *testing.T) {
			var p atomicx.Padded[atomicx.Uint64]
			require.Zero(t, p.Value.Load())
			p.Value.Add(1)
			require.Equal(t, uint64(1), p.Value.Load())
		}},
		{"Pad", func(t *testing.T) {
			var p atomicx.Pad
			require.Len(t, p, atomicx.CacheLineSize)
		}},
		{"Backoff", func(t *testing.T) {
			var b atomicx.Backoff
			require.False(t, b.ShouldPark())
			b.Spin()
			b.Snooze()
			b.Reset()
			for !b.ShouldPark() {
				b.Snooze()
			}
			b.Reset()
			require.False(t, b.ShouldPark())
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, tc.op)
	}
}
