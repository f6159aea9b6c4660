//go:build !(amd64 || arm64 || ppc64 || ppc64le || s390x)

package atomicx

// CacheLineSize is the distance, in bytes, that two hot words must keep so
// that writes to one never invalidate the cache line holding the other.
// On the remaining architectures Go supports, lines are 64 bytes or smaller.
const CacheLineSize = 64
