//go:build !amd64

package atomicx

// loadsInOrder reports whether the processor never lets a load pass an
// earlier load. Only amd64 is assumed to guarantee it.
const loadsInOrder = false
