//go:build amd64 || arm64 || ppc64 || ppc64le

package atomicx

// CacheLineSize is the distance, in bytes, that two hot words must keep so
// that writes to one never invalidate the cache line holding the other.
//
// On amd64 and arm64 the hardware line is 64 bytes, but the adjacent-line
// (spatial) prefetcher fetches lines in aligned pairs, so two words less than
// 128 bytes apart still interfere; POWER has 128-byte lines.
const CacheLineSize = 128
