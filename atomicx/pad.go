package atomicx

// Pad is CacheLineSize bytes of nothing. Put it between two fields that are
// written by different goroutines so that they never share a cache line:
//
//	type ring struct {
//		head atomicx.Uint64 // written by consumers
//		_    atomicx.Pad
//		tail atomicx.Uint64 // written by producers
//		_    atomicx.Pad
//	}
//
// A Pad after the last hot field also keeps whatever the allocator places next
// in memory off that field's line.
type Pad [CacheLineSize]byte

// Padded holds a Value followed by a full Pad, so that the Values of two
// adjacent elements of a []Padded[T], or of two consecutive Padded fields of a
// struct, are at least CacheLineSize bytes apart and never share a cache line
// (nor an adjacent-line prefetch pair).
//
// Use Padded for per-goroutine or per-shard slots in a slice, where a bare
// []T would put several hot slots on one line (false sharing). A Padded[T]
// takes unsafe.Sizeof(T) plus [CacheLineSize] bytes (rounded up to T's
// alignment). The zero value is the zero T, padded.
type Padded[T any] struct {
	Value T
	_     Pad
}
