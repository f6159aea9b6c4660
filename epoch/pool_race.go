//go:build race

package epoch

// markReused rewrites *x with its own value, a write of every byte that the
// race detector checks against every access to x made by goroutines that
// are not ordered before this Get. A correct retirement orders them all:
// the Unpin of every guard pinned at the Put synchronizes before this Get,
// and goroutines that pinned later cannot reach x. A premature hand-out does
// not, and -race reports the reader that still used x.
func markReused[T any](x *T) {
	v := *x
	*x = v
}
