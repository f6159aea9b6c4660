package bench

import (
	"unsafe"

	"github.com/bytedance/gopkg/collection/lscq"
)

// LSCQUint64 adapts lscq.Uint64Queue, bytedance's unbounded LSCQ (Nikolaev,
// DISC 2019) specialized to uint64.
type LSCQUint64 struct{ q *lscq.Uint64Queue }

// TryPush enqueues v; the queue is unbounded, so it always succeeds.
func (x LSCQUint64) TryPush(v uint64) bool { return x.q.Enqueue(v) }

// TryPop reports whether a value was dequeued.
func (x LSCQUint64) TryPop() (uint64, bool) { return x.q.Dequeue() }

// LSCQUint64Impl returns the lscq uint64 peer, "lscq-u64".
func LSCQUint64Impl() *Impl {
	return &Impl{
		Name:   "lscq-u64",
		Peer:   true,
		Doc:    "github.com/bytedance/gopkg v0.1.4 collection/lscq Uint64Queue (unbounded)",
		NewTry: func() TryQueue { return LSCQUint64{lscq.NewUint64()} },
	}
}

// LSCQPointer adapts lscq.PointerQueue, the variant a Go program uses for
// values of any type. To measure the queue rather than an allocation per
// item, the value travels in the pointer word itself, offset by pointerBase;
// the pointer is never dereferenced.
type LSCQPointer struct{ q *lscq.PointerQueue }

// pointerBase keeps encoded values at or above 4096, the lowest address the
// runtime's pointer checks (checkptr, under -race) accept as a pointer.
const pointerBase = 1 << 12

// TryPush enqueues v; the queue is unbounded, so it always succeeds. v must
// be below 1<<32: the drivers' values are.
func (x LSCQPointer) TryPush(v uint64) bool {
	// Safety: p is stored in the queue's pointer slots and read back, never
	// dereferenced. The garbage collector ignores a pointer that points
	// outside its heap arenas, and every value here is at least 4096 and
	// below 1<<32+4096, under any address the Go heap uses on the supported
	// platforms (arenas start at 0xc000000000 on 64-bit Linux). unsafe.Add
	// from nil (rather than converting a uintptr) keeps escape analysis from
	// tracing p to a variable and go vet's unsafeptr check quiet.
	p := unsafe.Add(nil, uintptr(v)+pointerBase)
	return x.q.Enqueue(p)
}

// TryPop reports whether a value was dequeued.
func (x LSCQPointer) TryPop() (uint64, bool) {
	p, ok := x.q.Dequeue()
	if !ok {
		return 0, false
	}
	return uint64(uintptr(p)) - pointerBase, true
}

// LSCQPointerImpl returns the lscq pointer peer, "lscq-ptr".
func LSCQPointerImpl() *Impl {
	return &Impl{
		Name:   "lscq-ptr",
		Peer:   true,
		Doc:    "github.com/bytedance/gopkg v0.1.4 collection/lscq PointerQueue (unbounded)",
		NewTry: func() TryQueue { return LSCQPointer{lscq.NewPointer()} },
	}
}
