//go:build !race

package atomicx

// seqlockReads reports whether Cell readers copy optimistically under a
// sequence lock. The race detector reports such copies (it does not model
// the sequence check that discards them), so race builds read under the
// stripe's mutex instead; see seqlock_race.go.
const seqlockReads = true
