//go:build !xbeam_chaos

package atomicx

// ChaosEnabled reports whether this binary was built with the xbeam_chaos
// tag, in which every operation of the typed atomics first passes a chaos
// point that may yield the processor.
const ChaosEnabled = false

// ChaosSeed returns the seed of the chaos generator (zero when chaos is off).
func ChaosSeed() uint64 { return 0 }

// chaosPoint compiles to nothing without the xbeam_chaos tag.
func chaosPoint() {}

func setChaosRate(float64) float64 { return 0 }
