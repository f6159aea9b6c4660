//go:build race

// Package race reports whether the race detector is compiled in, so that
// tests and hammers can size their loops: the detector slows atomics and
// memory accesses by 5-20x and caps the number of live goroutines at 8128.
package race

// Enabled reports whether the binary was built with -race.
const Enabled = true
