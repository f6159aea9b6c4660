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

// segSet sets bit in the slot state st and returns the state after it. Each
// state bit is set at most once per use of a slot, by one party (see
// segWritten), so an add sets it as an Or would: on amd64 one LOCK XADD,
// where an Or whose result is used compiles to a load and a LOCK CMPXCHG
// loop that retries whenever the other party writes the line in between.
// An add onto a bit already set would carry into the next bit instead, so
// here, in race and xbeam_chaos builds, that is checked and panics.
func segSet(st *u32, bit uint32) uint32 {
	s := st.Add(bit)
	if s&bit == 0 {
		panic("queue: internal error: a slot state bit was set twice")
	}
	return s
}
