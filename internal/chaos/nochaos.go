//go:build !xbeam_chaos

package chaos

// Enabled reports whether this binary was built with the xbeam_chaos tag.
const Enabled = false

// Point does nothing without the xbeam_chaos tag; it inlines to nothing.
func Point() {}

// Seed returns the seed of the chaos generator: 0 without the tag.
func Seed() uint64 { return 0 }

// SetRate does nothing without the tag and returns 0.
func SetRate(float64) float64 { return 0 }

// Points returns the number of chaos points passed: 0 without the tag.
func Points() uint64 { return 0 }

// Acts reports whether the n-th chaos point of a run with the given seed
// and rate acts: always false without the tag.
func Acts(seed, n uint64, rate float64) bool { return false }
