//go:build !race && !xbeam_chaos

package queue

// segCheck checks, in race and xbeam_chaos builds only, that the segment s
// in which the caller holds the unfinished index t has not been retired
// (see segcheck_on.go). Here it compiles to nothing.
func segCheck[T any](s *segment[T], t uint64) {}

// segSet sets bit, not yet set, in the slot state st and returns the state
// after it (see the checked segSet in segcheck_on.go for why an add).
func segSet(st *u32, bit uint32) uint32 { return st.Add(bit) }
