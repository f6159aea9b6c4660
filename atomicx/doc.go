// Package atomicx holds the atomic helpers the rest of xbeam rests on, each
// small enough to read in a minute.
//
//   - [Uint64], [Uint32], [Int64], [Int32], [Uintptr], [Bool] and
//     [Pointer]: the typed atomics of sync/atomic, sequentially consistent,
//     each method inlined to the plain instruction. Built with the tag
//     xbeam_chaos, every operation first passes a chaos point that, with a
//     seeded probability, yields the processor or spins for a short random
//     time, so that interleavings which need a goroutine descheduled
//     between two particular atomics happen in seconds instead of never.
//     XBEAM_CHAOS_SEED and XBEAM_CHAOS_RATE (default 0.02) control it; both
//     are printed to standard error when chaos starts, and [ChaosSeed]
//     returns the seed. Use these types in your own lock-free code to get
//     the same treatment; use sync/atomic for statistics.
//   - [Pad] and [Padded]: cache-line padding, so that words written by
//     different goroutines never share a cache line (false sharing).
//   - [Backoff]: exponential spinning, then yielding, then a report that
//     the caller should park. For CAS retry loops and waits on another
//     goroutine.
//   - [Cell]: an atomic cell for a value of any type, lock-free when the
//     value fits one machine word, never a torn read.
//   - [Counter]: a sharded counter whose Adds scale with cores, for hot
//     statistics that are read rarely.
//
// Every type works as its zero value, allocates nothing per operation (a
// Counter allocates its shards once), and must not be copied after first
// use. [CacheLineSize] is 128 on amd64 and arm64, where the spatial
// prefetcher fetches lines in pairs, 256 on s390x and 64 elsewhere.
package atomicx
