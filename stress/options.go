package stress

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/xbeam/xbeam/internal/race"
)

// SeedEnv is the environment variable that overrides Options.Seed (decimal
// or 0x-prefixed), so that a failure printed by a check can be replayed
// without editing the test: XBEAM_STRESS_SEED=1234 go test -run TestX.
const SeedEnv = "XBEAM_STRESS_SEED"

// Options tunes the checks of this package. The zero value is ready to use:
// every zero field takes a default sized by testing.Short() and by whether
// the race detector is compiled in, so that a package calling the checks
// with Options{} stays within its -short and -race time budgets. A bounded
// ring that may report full while a pop hands its slot back, checked with
// its overlap counted:
//
//	var st stress.Stats
//	stress.CheckQueueLinearizable(t, newRing, stress.Options{Capacity: 4, RelaxedFull: true, Stats: &st})
//	t.Logf("%d of %d histories overlapped", st.Overlapping.Load(), st.Histories.Load())
type Options struct {
	// Producers and Consumers are the goroutine counts CheckQueue sweeps;
	// every (producer, consumer) pair is run. Default {1, 3} each.
	Producers []int
	Consumers []int

	// Thieves are the stealing goroutine counts the deque and injector
	// checks sweep. Default {1, 3}.
	Thieves []int

	// Procs are the GOMAXPROCS values swept (restored afterwards).
	// Default {1, 2, 8}: one P (preemption only), the machine's usual
	// two, and more Ps than cores (OS-level preemption mid-operation).
	Procs []int

	// Items is the number of items pushed per round of a conservation
	// hammer (spread over its producers). Default 1<<15 with -short,
	// 1<<18 without; a quarter of that under the race detector.
	Items int

	// Capacity is the exact number of items at which the queue under test
	// is full (a bounded queue's Cap()), or 0 for a queue that is never
	// full. The linearizability model requires TryPush to fail exactly when
	// Capacity items are queued, and the histories are built to reach that
	// state, so a small capacity (2 to 8) exercises full-queue behaviour
	// best. CheckQueue uses it only to check Len, when the queue has one.
	Capacity int

	// RelaxedFull lets a failed TryPush of a bounded queue be
	// linearizable when the queue holds fewer than Capacity items, as long
	// as another client's push (whatever its outcome) or successful pop
	// overlaps the TryPush in time. A ring that stores values in place and
	// whose TryPush reports full instead of waiting for a pop that has
	// taken its value but not yet handed the slot back (xsync's MPMCQueue
	// is one) needs it: with capacity 2, a TryPush may find the one slot
	// it can use still held by an older TryPop in flight while the other
	// slot is free. Without concurrency the queue must still be full at
	// exactly Capacity (see FuzzQueue).
	RelaxedFull bool

	// Histories is the number of concurrent scenarios (random mixes of
	// operations) the linearizability checks draw. Each is run on fresh
	// structures under new schedules until one run's operations overlap
	// (up to 64 runs within about 8ms, so that a machine other processes
	// share still gives the scenario a moment with two free CPUs), then
	// for up to 16 runs within about a millisecond in all; every run whose
	// operations overlapped, up to four, is checked as a history, and a
	// scenario none of whose runs overlapped is checked once. At
	// GOMAXPROCS=1 a scenario is run once. Default 1000 with -short, 4000
	// without; a quarter of that under the race detector.
	Histories int

	// Seed seeds the operation mix, values and delays (the scheduler is not
	// seeded, so a seed reproduces the workload, not the interleaving).
	// 0 picks a random seed; the seed in use is printed on failure. The
	// environment variable XBEAM_STRESS_SEED overrides it.
	Seed uint64

	// CheckTimeout bounds one porcupine check. A check that times out fails
	// the test (an unknown verdict is not a pass). Default 60s.
	CheckTimeout time.Duration

	// Stall is how long a check may go without any operation completing
	// before it reports "no progress for Stall" as a violation, with every
	// goroutine's stack, and stops. It also bounds how long a Pop or Push
	// waiting on a blocking queue may take to return after Close.
	// Default 20s.
	Stall time.Duration

	// ArtifactDir is the directory where a linearizability check writes
	// the HTML visualization of a violation. Default: the test's
	// t.ArtifactDir() (kept with go test -artifacts), or os.TempDir() when
	// the testing.TB has no artifact directory.
	ArtifactDir string

	// Stats, if not nil, receives counts of the work done (see Stats).
	Stats *Stats

	// ErrClosed is the error a blocking queue returns once closed (for
	// example queue.ErrClosed), compared with errors.Is. Required by
	// CheckBlockingQueueLinearizable, unused elsewhere.
	ErrClosed error
}

// defaults returns o with every zero field replaced by its default.
func (o Options) defaults() Options {
	if len(o.Producers) == 0 {
		o.Producers = []int{1, 3}
	}
	if len(o.Consumers) == 0 {
		o.Consumers = []int{1, 3}
	}
	if len(o.Thieves) == 0 {
		o.Thieves = []int{1, 3}
	}
	if len(o.Procs) == 0 {
		o.Procs = []int{1, 2, 8}
	}
	if o.Items == 0 {
		o.Items = 1 << 18
		if isShort() {
			o.Items = 1 << 15
		}
		if race.Enabled {
			o.Items /= 4
		}
	}
	if o.Histories == 0 {
		o.Histories = 4000
		if isShort() {
			o.Histories = 1000
		}
		if race.Enabled {
			o.Histories /= 4
		}
	}
	if o.Stall == 0 {
		o.Stall = 20 * time.Second
	}
	if o.CheckTimeout == 0 {
		o.CheckTimeout = 60 * time.Second
	}
	if s := os.Getenv(SeedEnv); s != "" {
		v, err := strconv.ParseUint(s, 0, 64)
		if err != nil {
			panic("stress: " + SeedEnv + " must be an unsigned integer: " + err.Error())
		}
		o.Seed = v
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano()) | 1
	}
	for _, lists := range [][]int{o.Producers, o.Consumers, o.Thieves, o.Procs} {
		for _, n := range lists {
			if n < 1 {
				panic(fmt.Sprintf("stress: goroutine and GOMAXPROCS counts must be at least 1, got %d", n))
			}
		}
	}
	if o.Items < 1 || o.Histories < 1 || o.Capacity < 0 || o.Stall < 0 || o.CheckTimeout < 0 {
		panic("stress: Options: Items and Histories must be positive; Capacity, Stall and CheckTimeout not negative")
	}
	return o
}

// isShort reports whether -test.short is set; outside a test binary, or
// before its flags are parsed, it reports false instead of panicking.
func isShort() bool {
	return testing.Testing() && flag.Parsed() && testing.Short()
}

// reproduce is the hint printed with every failure.
func (o Options) reproduce() string {
	return fmt.Sprintf("seed %d (replay the workload with %s=%d or Options.Seed)", o.Seed, SeedEnv, o.Seed)
}

// newRand returns a generator for stream i of seed.
func newRand(seed, i uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, i*0x9e3779b97f4a7c15+1))
}

// withProcs runs f with GOMAXPROCS set to n and restores the old value.
func withProcs(n int, f func()) {
	old := runtime.GOMAXPROCS(n)
	defer runtime.GOMAXPROCS(old)
	f()
}
