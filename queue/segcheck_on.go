//go:build race || xbeam_chaos

package queue

// segCheck panics if s, the segment in which the caller holds the
// unfinished index t, is no longer segment t>>segShift: it was retired
// (live is segNotLive) or retired and linked again under another number.
// Neither can happen while a slot of s is unfinished (see segment.live);
// the check turns a retire scan that finishes a segment too early, which
// would otherwise corrupt a recycled segment silently and rarely, into a
// panic wherever the race and chaos test runs reach it. It costs one load
// per slot operation, so normal builds leave it out (segcheck.go).
func segCheck[T any](s *segment[T], t uint64) {
	if s.live.Load() != t>>segShift {
		panic("queue: internal error: a segment was retired while one of its slots was in use")
	}
}
