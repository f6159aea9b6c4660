//go:build race

package atomicx

// seqlockReads reports whether Cell readers copy optimistically under a
// sequence lock. Under the race detector they take the stripe's mutex, since
// the detector would report the optimistic copy as a race.
const seqlockReads = false
