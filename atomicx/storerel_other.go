//go:build !(amd64 || arm64) || race

package atomicx

import "sync/atomic"

// storeRelease64 is the sequentially consistent store where no release-only
// store is written for the architecture, and under the race detector, which
// must see the store as a synchronizing atomic write. See
// Uint64.StoreRelease.
func storeRelease64(addr *uint64, val uint64) { atomic.StoreUint64(addr, val) }
