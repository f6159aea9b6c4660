//go:build amd64 || arm64

package bench

// pause executes one spin-wait hint (PAUSE on amd64, YIELD on arm64), as
// Rust's std::hint::spin_loop does in crossbeam-ref's loops.
func pause()
