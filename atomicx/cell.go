package atomicx

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/xbeam/xbeam/internal/typeinfo"
)

// Cell holds a value of any type T that goroutines load and store
// atomically: a Load never returns a mix of two Stores (no torn reads),
// whatever the size of T. Use it for configuration or state read far more
// often than written; for a pointer, [Pointer] is simpler, and for an
// integer, [Uint64] and its kin.
//
// How it does so depends on T, and is fixed at the Cell's first operation:
//
//   - T without pointers and at most 8 bytes (integers, floats, small
//     structs and arrays of them): the bits live in one atomic word, and
//     every operation is one atomic instruction: lock-free.
//   - T exactly one pointer word (a pointer, map, channel, func or
//     unsafe.Pointer): an atomic pointer. Lock-free.
//   - Anything else (strings, slices, interfaces, larger structs): a
//     sequence lock (Lamport, "Concurrent reading and writing", CACM 1977)
//     whose lock words live in a table of padded stripes chosen by the
//     Cell's address. Writers serialize on the stripe's mutex; readers take
//     no lock but wait out an active writer, retrying their copy (under
//     the race detector they take the mutex). Blocking.
//
// Size: a Cell[T] takes 16 bytes besides its T, rounded up to a multiple
// of 8 (unsafe.Sizeof(Cell[int]{}) is 24 and Cell[string] 32 on 64-bit
// platforms); the lock words are shared.
//
// The zero value holds the zero T and is ready to use. A Cell must not be
// copied after first use. All methods are safe for concurrent use.
//
// Memory model: a Store (or Swap, or successful [CompareAndSwap]) of v
// synchronizes before every Load that returns v.
type Cell[T any] struct {
	_    noCopy
	mode Uint32 // cellUnknown until the first operation fixes it; a pure function of T
	word Uint64 // cellWord: the bits of T
	// val is the value in cellPointer mode, where it is accessed only by
	// sync/atomic pointer operations, and in cellLocked mode, where it is
	// written under the stripe's mutex with an odd sequence.
	val T
}

const (
	cellUnknown uint32 = iota
	cellWord
	cellPointer
	cellLocked
)

// Lockfree reports whether the Cell's operations are single atomic
// instructions (T without pointers of at most 8 bytes, or T one pointer
// word) rather than a sequence lock.
func (c *Cell[T]) Lockfree() bool { return c.kind() != cellLocked }

func (c *Cell[T]) kind() uint32 {
	if m := c.mode.Load(); m != cellUnknown {
		return m
	}
	m := cellModeOf[T]()
	c.mode.Store(m) // every goroutine computes the same value: a racing Store is harmless
	return m
}

func cellModeOf[T any]() uint32 {
	t := reflect.TypeFor[T]()
	switch {
	case t.Size() <= 8 && t.Align() <= 8 && !typeinfo.HasPointers(t):
		return cellWord
	case t.Size() == unsafe.Sizeof(uintptr(0)) && isPointerShaped(t):
		return cellPointer
	default:
		return cellLocked
	}
}

func isPointerShaped(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.UnsafePointer, reflect.Map, reflect.Chan, reflect.Func:
		return true
	case reflect.Array:
		return t.Len() == 1 && isPointerShaped(t.Elem())
	case reflect.Struct:
		return t.NumField() == 1 && isPointerShaped(t.Field(0).Type)
	}
	return false
}

// toWord and fromWord move the bits of a small pointer-free T in and out of
// a uint64.
//
// Safety: only called in cellWord mode, where T has no pointers, at most 8
// bytes and an alignment of at most 8, so it fits at the start of a uint64.
func toWord[T any](v T) uint64 {
	var w uint64
	*(*T)(unsafe.Pointer(&w)) = v
	return w
}

func fromWord[T any](w uint64) T {
	return *(*T)(unsafe.Pointer(&w))
}

// toPtr and fromPtr view a pointer-shaped T as the one pointer it is, and
// ptrSlot views c.val as a pointer slot.
//
// Safety: only called in cellPointer mode, where T is exactly one pointer
// word that the garbage collector scans as a pointer: c.val is a pointer
// slot, sync/atomic's pointer operations on it apply the write barrier,
// and what it points to stays alive while it is stored.
func toPtr[T any](v T) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&v)) }

func fromPtr[T any](p unsafe.Pointer) T { return *(*T)(unsafe.Pointer(&p)) }

func (c *Cell[T]) ptrSlot() *unsafe.Pointer { return (*unsafe.Pointer)(unsafe.Pointer(&c.val)) }

// Load returns the value most recently stored.
func (c *Cell[T]) Load() T {
	switch c.kind() {
	case cellWord:
		return fromWord[T](c.word.Load())
	case cellPointer:
		chaosPoint()
		return fromPtr[T](atomic.LoadPointer(c.ptrSlot()))
	}
	return c.loadLocked()
}

// Store sets the value to v.
func (c *Cell[T]) Store(v T) {
	switch c.kind() {
	case cellWord:
		c.word.Store(toWord(v))
	case cellPointer:
		chaosPoint()
		atomic.StorePointer(c.ptrSlot(), toPtr(v))
	default:
		s := c.stripe()
		s.mu.Lock()
		writeLocked(s, &c.val, v)
		s.mu.Unlock()
	}
}

// Swap sets the value to v and returns the previous value.
func (c *Cell[T]) Swap(v T) T {
	switch c.kind() {
	case cellWord:
		return fromWord[T](c.word.Swap(toWord(v)))
	case cellPointer:
		chaosPoint()
		return fromPtr[T](atomic.SwapPointer(c.ptrSlot(), toPtr(v)))
	}
	s := c.stripe()
	s.mu.Lock()
	old := c.val
	writeLocked(s, &c.val, v)
	s.mu.Unlock()
	return old
}

// CompareAndSwap sets the value of c to new if it is == old, and reports
// whether it did. It is a function rather than a method because only a
// comparable T can be compared with ==. Comparison is Go's ==, so a NaN is
// never swapped out and +0 and -0 match each other.
func CompareAndSwap[T comparable](c *Cell[T], old, new T) (swapped bool) {
	switch c.kind() {
	case cellWord:
		for {
			cur := c.word.Load()
			if fromWord[T](cur) != old {
				return false
			}
			if c.word.CompareAndSwap(cur, toWord(new)) {
				return true
			}
		}
	case cellPointer:
		for {
			chaosPoint()
			cur := atomic.LoadPointer(c.ptrSlot())
			if fromPtr[T](cur) != old {
				return false
			}
			chaosPoint()
			if atomic.CompareAndSwapPointer(c.ptrSlot(), cur, toPtr(new)) {
				return true
			}
		}
	}
	s := c.stripe()
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.val != old {
		return false
	}
	writeLocked(s, &c.val, new)
	return true
}

// cellStripe is one sequence lock of the striped table.
type cellStripe struct {
	mu sync.Mutex // serializes writers (and, under -race, readers)
	// seq is odd while a writer copies into a value guarded by this stripe.
	// Written by writers under mu; read by lock-free readers before and
	// after their copy: equal even values mean no write overlapped it.
	seq Uint64
	_   Pad
}

const cellStripes = 64

var cellTable [cellStripes]cellStripe

func (c *Cell[T]) stripe() *cellStripe {
	// Fibonacci hashing of the address; cells are at least 8 bytes apart.
	h := uint64(uintptr(unsafe.Pointer(c))) * 0x9e3779b97f4a7c15
	return &cellTable[h>>(64-6)]
}

// write copies v into *dst inside a write section; s.mu is held. The
// increments are atomic so that lock-free readers, who read seq without mu,
// see them in order with the copy (Go's atomics are sequentially consistent
// and the compiler does not move memory accesses across them).
func writeLocked[T any](s *cellStripe, dst *T, v T) {
	s.seq.Add(1) // odd: a copy is in progress
	*dst = v
	s.seq.Add(1) // even again: the copy is complete
}

// loadLocked reads a cellLocked value: without the race detector by
// optimistic copying under the stripe's sequence, retrying while a writer is
// active; under it, with the stripe's mutex (see seqlockReads).
func (c *Cell[T]) loadLocked() T {
	s := c.stripe()
	if !seqlockReads {
		s.mu.Lock()
		v := c.val
		s.mu.Unlock()
		return v
	}
	var b Backoff
	for {
		before := s.seq.Load()
		if before&1 == 0 {
			// This copy may race with a writer; the sequence check below
			// discards it if one overlapped. A torn copy is never returned.
			v := c.val
			if s.recheck() == before {
				return v
			}
		}
		b.Snooze()
	}
}

// recheck reads the sequence after an optimistic copy. The copy's plain
// loads must complete before this read. amd64 never reorders a load with a
// later load, so a plain atomic load suffices there; on weaker machines
// (arm64's load-acquire orders only what follows it) an atomic
// read-modify-write, which is also a release, keeps the copy before it.
func (s *cellStripe) recheck() uint64 {
	if loadsInOrder {
		return s.seq.Load()
	}
	return s.seq.Add(0)
}
