// Package epoch makes memory reuse safe for lock-free data structures:
// epoch-based reclamation (Fraser's EBR, as engineered by crossbeam-epoch).
//
// # What it is for in Go
//
// Go's garbage collector already keeps memory safe: nothing is freed while it
// is reachable. What it does not give is safe reuse. A lock-free structure
// that recycles its nodes, segments or buffers, to run without allocating,
// must know that no goroutine still reads an object before handing it out
// again; otherwise a slow reader sees recycled contents (the ABA family of
// bugs). This package answers exactly that question, cheaply:
//
//   - A goroutine pins (Handle.Pin or Collector.Pin) for the span of one
//     operation on a shared structure, and unpins at the end.
//   - Whatever it unlinks while pinned it retires through its Guard:
//     Guard.Defer(fn) runs fn later, and Pool.Put(g, x) lets Pool.Get hand x
//     out again later; "later" meaning once every guard pinned at the time
//     of the retirement has unpinned.
//
// It also serves users directly, for read-mostly data swapped under readers
// (RCU style) where the old version holds a resource (a file, a connection, a
// pooled buffer) that must be closed only when no reader can still see it.
//
// # When to use it, and when not
//
// Use it when reuse, not reachability, is the problem: recycling objects
// that lock-free readers may still hold, or releasing a resource that such
// readers may still use. If a mutex or a channel protects the data, the lock
// already orders reuse after use and epoch adds nothing. If objects are
// simply dropped, let the garbage collector have them: sync.Pool or plain
// allocation is simpler, and epoch is only worth it when profiles show
// allocation or GC cost on a hot path.
//
// # Progress
//
// Pin and Unpin of a Handle are wait-free and allocate nothing: one atomic
// store each on the handle's own cache line, plus a load of the global epoch
// in Pin; nested pins touch no shared memory at all.
// Collector.Pin is lock-free in the common case (a CAS on a pooled
// participant, another slot on contention) and takes a lock only to add a
// participant when more goroutines are pinned through it at once than ever
// before.
// Every 128th outermost pin of a participant (K = pinsBetweenCollect) also
// does the amortized work: it tries to advance the global epoch, reading at
// most 128 participant slots and resuming next time where it stopped, so the
// cost of a pin does not grow with the number of registered handles; and it
// runs at most 8 bags of expired deferred functions. Defer and Pool.Put take
// a short lock. Reclamation itself is blocking: a goroutine that stays pinned
// stops it for everyone (see "Stalled participants").
//
// No goroutine is started: garbage is collected by the goroutines that pin
// and by Flush.
//
// # Memory model
//
// A function deferred through a Guard runs after every guard that was
// pinned at the moment of the Defer has been unpinned, and each of those
// Unpins synchronizes before the function runs: everything those guards'
// goroutines did before Unpin happens before fn runs. So a reader may use an
// object it loaded while pinned, with plain (non-atomic) reads of its
// fields, up to its Unpin, and the function that closes or recycles the
// object sees none of that racing with it. The same holds for Pool: Put(g,
// x), and the Unpin of every guard pinned at the time, synchronize before the
// Get that returns x.
//
// All of this rests on Go's atomics being sequentially consistent (the Go
// memory model, "Atomic Values"): the store that publishes a pin and the
// loads that follow it in the reader are in one total order with the
// advancer's loads, so no fence is needed where crossbeam-epoch needs
// fence(SeqCst) (see Handle.Pin).
//
// # Stalled participants
//
// A goroutine that stays pinned holds the global epoch back: it can move at
// most one step past the epoch of that pin, so nothing retired while the
// goroutine is pinned can be reclaimed, and the garbage it holds back is
// exactly what the other goroutines retire meanwhile, as Pending reports.
// Once it unpins, garbage sealed so far (tagged with an epoch at most one
// past its pin) expires after two more advances, and the pin or Flush that
// makes the second advance runs it, so all of it is drained within three
// advances; a participant's unsealed bag (fewer than 64 functions) is sealed
// by its owner's next amortized collection, by Flush or by Unregister.
// ExampleCollector_stalled measures this with exact counts: while one
// goroutine is pinned, 1,000 functions deferred by others all stay pending
// (Pending() == 1000, none has run) and the epoch moves one step; after the
// Unpin, a single Flush advances the epoch twice and runs all 1,000. Epoch
// and Pending are there to watch the same thing in production. The
// structures of this module therefore pin only for the span of one
// operation.
//
// # Where this differs from crossbeam-epoch, and why
//
//   - Advance: crossbeam's try_advance walks every registered participant
//     on each attempt, which its users with many threads found costly
//     (O(participants) per attempt, for nothing while one participant
//     lags). Here an attempt reads at most 128 slots and leaves a cursor
//     (tagged with the epoch it is for) in one atomic word; the next attempt,
//     by any goroutine, resumes there, and a lagging participant is
//     re-checked first. Pin's amortized cost stays flat from 1 to 1,024
//     registered handles. And a participant skips its attempt when the epoch
//     moved since its previous one (someone else is advancing), so the
//     epoch's cache line, read by every Pin, changes about once per 128 pins
//     of the busiest participant instead of once per 128 pins of each.
//   - Participants: an index table with slot reuse rather than a linked
//     list with lazy unlinking, so Unregister frees the slot at once and the
//     table is as large as the most handles registered at one time.
//   - Collector.Pin: Go has no goroutine-local storage, so instead of a
//     thread-local handle it claims one of a fixed-size pool of padded
//     participants (four per GOMAXPROCS, each made on first use) with one
//     CAS, at a slot chosen by hashing the address of a stack variable
//     (goroutine-affine and free to compute), falling back to other slots,
//     then to overflow participants claimed the same way, adding one (under
//     a lock) only when all are taken. A million goroutines that pin once
//     each add no participants beyond the pool and the most pinned at once.
//   - Garbage: crossbeam's sealed bags go to a lock-free queue; here they go
//     to a mutex-guarded list, touched once per bag of 64 functions (or per
//     K pins), never per Defer, with a try-lock on the amortized path.
//     Flush seals every participant's bag (crossbeam has no collector-wide
//     flush), which is what lets Flush promise that everything deferred
//     before it has run when nothing is pinned.
//   - Pool: a typed free list whose entries carry their epoch tag, instead
//     of deferring a closure per object, so that recycling allocates nothing.
//   - Epochs are 64-bit counters that never wrap; no fences (see above).
package epoch
