//go:build amd64 || arm64

package bench

// pause executes one spin-wait hint (PAUSE on amd64, YIELD on arm64), as
// Rust's std::hint::spin_loop does in crossbeam-ref's loops. It is the
// harness's own rather than atomicx's backoff, so that the loops around the
// peers run no xbeam code and spin the same fixed amount for everyone.
func pause()
