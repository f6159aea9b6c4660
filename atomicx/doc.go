// Package atomicx holds the atomic helpers that the rest of xbeam rests on,
// each small enough to read in a minute.
//
//   - Uint64, Uint32, Int64, Int32, Uintptr, Bool and Pointer[T]: the typed
//     atomics of sync/atomic, behind one choke point. Every atomic operation
//     that an xbeam structure's correctness rests on goes through them.
//     Normally each method compiles to the plain sync/atomic instruction,
//     inlined. Built with the tag xbeam_chaos, each first passes a chaos point
//     that, with a seeded probability, yields the processor or spins for a
//     random short time: interleavings that need a goroutine descheduled
//     between two particular atomics then happen in seconds instead of never.
//     XBEAM_CHAOS_SEED and XBEAM_CHAOS_RATE (default 0.02) control it; both
//     are printed to standard error once when chaos is on. Use these types
//     in your own structures to get the same treatment; use sync/atomic for
//     statistics nobody's correctness depends on.
//   - Pad and Padded[T]: cache-line padding, so that two hot fields, or two
//     neighbouring elements of a slice, never share a cache line. Use them
//     where different goroutines write neighbouring words (head and tail of
//     a ring, per-shard counters): without padding each write invalidates the
//     other core's copy of the line (false sharing), and the benchmark
//     BenchmarkFalseSharing shows the cost.
//   - Backoff: exponential spinning, then yielding, then a report that the
//     caller should park. Use it in CAS retry loops (Spin) and in loops that
//     wait for another goroutine (Snooze); park when ShouldPark says so.
//   - Cell[T]: an atomic cell for a value of any type, lock-free when the
//     value fits one machine word, a striped sequence lock otherwise, never a
//     torn read. Use it for configuration or state that is read far more
//     often than written; for a pointer, Pointer[T] is simpler.
//   - Counter: a sharded counter whose Adds scale with cores. Use it for hot
//     statistics that are read rarely; use a plain Int64 when reads are as
//     frequent as writes or an exact snapshot is needed.
//
// CacheLineSize is 128 on amd64 and arm64, where the spatial prefetcher
// fetches lines in pairs, 256 on s390x and 64 elsewhere.
package atomicx
