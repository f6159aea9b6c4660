// Package release stores to xbeam's atomic words with release ordering only,
// for the few stores that publish what came before them but that no
// store-then-load handshake (Dekker's pattern) depends on: a slot stamp that
// hands a value over, a position hint, the unpin of an epoch participant.
//
// The Go memory model has no release-only store: sync/atomic's Store is
// sequentially consistent, which costs a locked exchange (XCHG) on amd64.
// On amd64 without the race detector, Store64 is therefore a plain store, and
// its ordering rests on two facts outside the memory model:
//
//   - the processor: x86-TSO never lets a store pass an earlier load or store
//     of the same core (Intel SDM vol. 3A, "Memory Ordering in P6 and More
//     Recent Processor Families"; Sewell et al., "x86-TSO", CACM 2010), so
//     whatever the goroutine read or wrote before the store is done when
//     another core sees it;
//   - the compiler: gc keeps every load and store before a later store to
//     memory in program order (its scheduler orders each load before the
//     next store, cmd/compile/internal/ssa/schedule.go), and Store64 is
//     inlined like any other assignment.
//
// A load that follows Store64 in program order may still take effect before
// it: that is what "release only" gives up. On other architectures, and
// under the race detector (which must see a synchronizing atomic write),
// Store64 is sync/atomic's Store; on arm64 that is STLR, already a release
// store. Readers of the word always use the word's atomic Load.
package release
