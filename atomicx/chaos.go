//go:build xbeam_chaos

package atomicx

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// ChaosEnabled reports whether this binary was built with the xbeam_chaos
// tag, in which every operation of the typed atomics first passes a chaos
// point that may yield the processor.
const ChaosEnabled = true

// The chaos point decides from a seeded counter-based generator: decision
// number n is a pure function of (seed, n), so a given seed produces the same
// stream of decisions in every run (which goroutine draws which decision still
// depends on the scheduler).
var (
	chaosOnce  sync.Once
	chaosSeed  uint64
	chaosRate  atomic.Uint64 // out of 1<<16
	chaosCount atomic.Uint64
)

func chaosInit() {
	chaosSeed = uint64(time.Now().UnixNano())
	if s := os.Getenv("XBEAM_CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			panic("atomicx: XBEAM_CHAOS_SEED must be an unsigned integer: " + err.Error())
		}
		chaosSeed = v
	}
	rate := 0.02
	if s := os.Getenv("XBEAM_CHAOS_RATE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 || v > 1 {
			panic("atomicx: XBEAM_CHAOS_RATE must be a probability in [0, 1], got " + strconv.Quote(s))
		}
		rate = v
	}
	chaosRate.Store(uint64(rate * (1 << 16)))
	fmt.Fprintf(os.Stderr, "xbeam chaos: on, XBEAM_CHAOS_SEED=%d XBEAM_CHAOS_RATE=%g\n", chaosSeed, rate)
}

// ChaosSeed returns the seed of the chaos generator (zero when chaos is off).
func ChaosSeed() uint64 {
	chaosOnce.Do(chaosInit)
	return chaosSeed
}

// chaosPoint is called before every typed atomic operation. With probability
// XBEAM_CHAOS_RATE (default 0.02) it either yields the processor or spins for
// a short random time, widening the window between two atomic operations so
// that interleavings that need a goroutine to be descheduled there happen.
func chaosPoint() {
	chaosOnce.Do(chaosInit)
	x := splitmix64(chaosSeed + chaosCount.Add(1))
	if x&0xffff >= chaosRate.Load() {
		return
	}
	x >>= 16
	switch x % 4 {
	case 0, 1:
		runtime.Gosched()
	case 2:
		procYield(uint32(x>>2) % 256)
	default:
		for i := uint64(0); i < (x>>2)%4+1; i++ {
			runtime.Gosched()
		}
	}
}

// splitmix64 is Steele, Lea and Flood's SplitMix64 finalizer: a bijective
// mix whose output bits all depend on every input bit.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// setChaosRate sets the probability of a chaos action and returns the
// previous one. Tests use it to compare a race with and without chaos.
func setChaosRate(p float64) float64 {
	chaosOnce.Do(chaosInit)
	return float64(chaosRate.Swap(uint64(p*(1<<16)))) / (1 << 16)
}
