// Package epoch makes memory reuse safe for lock-free data structures: it is
// epoch-based reclamation (Fraser's EBR, as engineered by crossbeam-epoch).
//
// Go's garbage collector never frees what a goroutine can still reach, but
// it cannot tell a structure when an object it recycles (a node, a segment,
// a buffer) or a resource it releases (a file, a connection) is no longer
// used by a lock-free reader. This package answers that question:
//
//   - A goroutine pins, with [Handle.Pin] or [Collector.Pin], for the span
//     of one operation on a shared structure, and unpins with
//     [Guard.Unpin] at its end.
//   - What it unlinks while pinned it retires through its [Guard]:
//     [Guard.Defer] runs a function later, and [Pool.Put] lets [Pool.Get]
//     hand the object out again later, "later" meaning once every guard
//     pinned at the time of the retirement has unpinned.
//
// Use it when reuse, not reachability, is the problem. Where a mutex or a
// channel guards the data, the lock already orders reuse after use; where
// objects can simply be dropped, let the garbage collector have them.
//
// Progress: Pin and Unpin are wait-free and allocate nothing; a pin pair on
// a Handle executes one locked instruction. Collector.Pin is lock-free in
// the common case. Reclamation is blocking: while one goroutine stays
// pinned, nothing retired by anyone is reused ([Collector.Pending] and
// [Collector.Epoch] show it), so pin only for the span of an operation.
// No goroutine is started: the goroutines that pin, and [Collector.Flush],
// do the collector's work.
//
// Memory model: a Defer of fn, and the return of Unpin of every guard
// pinned at the time of the Defer, synchronize before fn runs; a Put of x,
// and the return of Unpin of every guard pinned at the time of the Put,
// synchronize before the Get that returns x. So a reader may use an object
// it loaded while pinned, with plain reads, up to its Unpin.
//
// Misuse panics with a message that says what went wrong: using a zero
// value instead of its constructor, unpinning a guard that is not pinned,
// deferring on an unpinned guard, calling Flush from a deferred function.
// The design, and how it differs from crossbeam-epoch, is described in
// docs/epoch-design.md.
package epoch
