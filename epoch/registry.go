package epoch

import (
	"math/bits"
	"sync"

	"github.com/xbeam/xbeam/atomicx"
)

const (
	// firstChunk is the number of slots in the registry's first chunk; chunk
	// k holds firstChunk<<k slots.
	firstChunk = 64
	// numChunks bounds the registry at firstChunk*(2^numChunks-1) slots,
	// more than maxSlots.
	numChunks = 19
	// maxSlots is the most participants a Collector can hold at once: the
	// advance cursor packs a slot index into idxBits bits.
	maxSlots = 1<<idxBits - 1
)

// registry is the collector's participant table: an append-only array of
// slots, grown by chunks that never move (so that a scanner can read slot i
// without a lock while the table grows), each slot holding the *Handle
// registered there or nil. Freed slots are reused, so the table stays as
// large as the largest number of participants registered at one time.
//
// Invariants: chunks[k] is set once, under mu, before n counts any of its
// slots; n only grows; slot i < n is written (a handle or nil) only under mu.
// Scanners read n, then slots below it, without mu.
type registry struct {
	_ noCopy

	// n is the number of slots in use or ever used (the high-water mark).
	// Written under mu (after the slot and its chunk are stored, so that a
	// scanner that reads n finds them); read by scanners without mu.
	n atomicx.Uint64
	// chunks hold the slots; chunk k is stored once, under mu, before n
	// covers it. Read by scanners.
	chunks [numChunks]atomicx.Pointer[[]atomicx.Pointer[Handle]]

	mu   sync.Mutex
	free []uint64 // indexes of emptied slots below n; under mu
}

// locate returns the chunk and offset of slot i.
func locate(i uint64) (k int, off uint64) {
	q := i/firstChunk + 1
	k = bits.Len64(q) - 1
	return k, i - firstChunk*(1<<k-1)
}

// len returns the number of slots a scanner must look at.
func (r *registry) len() uint64 { return r.n.Load() }

// at returns the handle in slot i < len(), or nil if the slot is empty.
func (r *registry) at(i uint64) *Handle {
	k, off := locate(i)
	return (*r.chunks[k].Load())[off].Load()
}

// add stores h in a free slot and returns the slot's index.
func (r *registry) add(h *Handle) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.free); n > 0 {
		i := r.free[n-1]
		r.free = r.free[:n-1]
		k, off := locate(i)
		// Publishes h to scanners: a scanner that loads h from the slot
		// sees its fields as initialized by Register.
		(*r.chunks[k].Load())[off].Store(h)
		return i
	}
	i := r.n.Load()
	if i >= maxSlots {
		panic("epoch: too many registered handles (unregister the ones no longer used)")
	}
	k, off := locate(i)
	if off == 0 {
		s := make([]atomicx.Pointer[Handle], firstChunk<<k)
		r.chunks[k].Store(&s)
	}
	(*r.chunks[k].Load())[off].Store(h)
	// Publishes the new slot (and its chunk) to scanners.
	r.n.Store(i + 1)
	return i
}

// remove empties slot i; scanners that load it afterwards skip it.
func (r *registry) remove(i uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k, off := locate(i)
	(*r.chunks[k].Load())[off].Store(nil)
	r.free = append(r.free, i)
}
