//go:build !amd64 || race

package release

import (
	"sync/atomic"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/chaos"
)

// Store64 stores v into x with release ordering: every load and store this
// goroutine did before it happens before a Load of x that returns v. Here it
// is x.Store, which is sequentially consistent (and a release store).
func Store64(x *atomicx.Uint64, v uint64) { x.Store(v) }

// StoreUint64 stores v at addr, an 8-byte-aligned word that other
// goroutines read only with sync/atomic loads, with release ordering. Here
// it is sync/atomic's sequentially consistent store.
func StoreUint64(addr *uint64, v uint64) {
	chaos.Point()
	atomic.StoreUint64(addr, v)
}
