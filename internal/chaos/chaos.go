//go:build xbeam_chaos

package chaos

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Enabled reports whether this binary was built with the xbeam_chaos tag.
const Enabled = true

// These use sync/atomic directly: the chaos point must not pass itself.
var (
	once  sync.Once
	seed  uint64        // written once, in initialize; read after once.Do
	rate  atomic.Uint64 // probability of acting, out of 1<<16
	count atomic.Uint64 // chaos points passed so far: the n of the stream
)

func initialize() {
	seed = uint64(time.Now().UnixNano())
	if s := os.Getenv("XBEAM_CHAOS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			panic("xbeam chaos: XBEAM_CHAOS_SEED must be an unsigned integer: " + err.Error())
		}
		seed = v
	}
	p := 0.02
	if s := os.Getenv("XBEAM_CHAOS_RATE"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || !(v >= 0 && v <= 1) {
			panic("xbeam chaos: XBEAM_CHAOS_RATE must be a probability in [0, 1], got " + strconv.Quote(s))
		}
		p = v
	}
	rate.Store(fixed(p))
	fmt.Fprintf(os.Stderr, "xbeam chaos: on, XBEAM_CHAOS_SEED=%d XBEAM_CHAOS_RATE=%g\n", seed, p)
}

// fixed converts a probability in [0, 1] to a threshold out of 1<<16.
func fixed(p float64) uint64 { return uint64(p * (1 << 16)) }

// Seed returns the seed of the chaos generator.
func Seed() uint64 {
	once.Do(initialize)
	return seed
}

// Points returns the number of chaos points passed so far in this process.
func Points() uint64 { return count.Load() }

// SetRate sets the probability that a chaos point acts and returns the
// previous one. It panics if p is not in [0, 1].
func SetRate(p float64) float64 {
	if !(p >= 0 && p <= 1) {
		panic("xbeam chaos: SetRate needs a probability in [0, 1]")
	}
	once.Do(initialize)
	return float64(rate.Swap(fixed(p))) / (1 << 16)
}

// Acts reports whether the n-th chaos point of a run with the given seed
// and rate acts: the decision Point makes, as a pure function.
func Acts(seed, n uint64, rate float64) bool {
	return splitmix64(seed+n)&0xffff < fixed(rate)
}

// Point is called before every atomic operation of xbeam's atomics. With
// the configured probability it yields the processor (half of the actions),
// spins for a short random time (a quarter) or yields one to four times
// (the rest).
func Point() {
	once.Do(initialize)
	x := splitmix64(seed + count.Add(1))
	if x&0xffff >= rate.Load() {
		return
	}
	x >>= 16
	switch x % 4 {
	case 0, 1:
		runtime.Gosched()
	case 2:
		spin(uint32(x>>2) % 256)
	default:
		for range (x>>2)%4 + 1 {
			runtime.Gosched()
		}
	}
}

// spin busy-waits for about n iterations without yielding.
func spin(n uint32) {
	for i := uint32(0); i < n; i++ {
	}
}

// splitmix64 is Steele, Lea and Flood's SplitMix64 finalizer ("Fast
// splittable pseudorandom number generators", OOPSLA 2014): a bijective mix
// whose output bits all depend on every input bit.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
