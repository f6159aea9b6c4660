package atomicx

import "github.com/xbeam/xbeam/internal/chaos"

// ChaosEnabled reports whether this binary was built with the xbeam_chaos
// tag, in which every operation of the typed atomics first passes a chaos
// point that may yield the processor (see the package doc).
const ChaosEnabled = chaos.Enabled

// ChaosSeed returns the seed of the chaos generator, or 0 when chaos is off.
// A run is replayed (as far as the scheduler allows) by setting
// XBEAM_CHAOS_SEED to it.
func ChaosSeed() uint64 { return chaos.Seed() }

// chaosPoint is called before every typed atomic operation; without the
// xbeam_chaos tag it inlines to nothing.
func chaosPoint() { chaos.Point() }
