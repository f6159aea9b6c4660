package epoch_test

import (
	"testing"
	"unsafe"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/epoch"
)

// TestLayout checks that the words written by different goroutines sit on
// different cache lines: a Handle's state (written by its owner on every
// pin, read by advancers) comes first, for Pin's inlining, with a full line
// of padding before the cold fields that Defer and Flush touch and another
// after them, before whatever the allocator places next; the Collector's
// global epoch (read by every pin), scan cursor and expiry word are a line
// apart.
func TestLayout(t *testing.T) {
	const line = atomicx.CacheLineSize
	state, bagMu, deferred, size := epoch.HandleLayout()
	if state != 0 {
		t.Errorf("Handle.state at offset %d, want 0", state)
	}
	if bagMu-state < line {
		t.Errorf("Handle.bagMu %d bytes after state, want at least %d", bagMu-state, line)
	}
	if size-deferred < line {
		t.Errorf("Handle is %d bytes with its last field at %d: want a full line of padding after it", size, deferred)
	}
	// Collector.Pin loads a pool slot through the word of its
	// atomicx.Pointer: the pointer must be all the slot holds.
	if n := unsafe.Sizeof(atomicx.Pointer[epoch.Handle]{}); n != unsafe.Sizeof(unsafe.Pointer(nil)) {
		t.Errorf("atomicx.Pointer is %d bytes, want one pointer", n)
	}
	global, scan, expireAt, reg := epoch.CollectorLayout()
	if global < line || scan-global < line || expireAt-scan < line || reg-expireAt < line {
		t.Errorf("Collector hot words at %d, %d, %d (next field %d), want them %d bytes apart", global, scan, expireAt, reg, line)
	}
}
