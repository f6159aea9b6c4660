//go:build !amd64 || race

package release

import (
	"github.com/xbeam/xbeam/atomicx"
)

// Store64 stores v into x with release ordering: every load and store this
// goroutine did before it happens before a Load of x that returns v. Here it
// is x.Store, which is sequentially consistent (and a release store).
func Store64(x *atomicx.Uint64, v uint64) { x.Store(v) }
