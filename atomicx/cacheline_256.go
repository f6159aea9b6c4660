//go:build s390x

package atomicx

// CacheLineSize is the distance, in bytes, that two hot words must keep so
// that writes to one never invalidate the cache line holding the other.
// s390x has 256-byte cache lines.
const CacheLineSize = 256
