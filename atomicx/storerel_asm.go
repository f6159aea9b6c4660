//go:build (amd64 || arm64) && !race

package atomicx

// storeRelease64 stores val at addr with release ordering: a plain MOV on
// amd64, where x86-TSO already orders a store after every earlier load and
// store of the same core, and STLR on arm64. See Uint64.StoreRelease.
//
//go:noescape
func storeRelease64(addr *uint64, val uint64)
