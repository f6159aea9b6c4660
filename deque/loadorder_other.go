//go:build !amd64

package deque

// loadsInOrder reports whether the processor never lets a load pass an
// earlier load. Only amd64 is assumed to guarantee it; elsewhere the
// speculative Steal rechecks the buffer generation with a read-modify-write
// (arm64's load-acquire orders only what follows it).
const loadsInOrder = false
