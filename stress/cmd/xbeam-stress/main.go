package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xbeam/xbeam/atomicx"
	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/stress"
)

// config is the parsed command line.
type config struct {
	target                        string
	duration                      time.Duration
	producers, consumers, thieves int
	procs                         int
	seed, start                   uint64
	out                           io.Writer
	progressEvery                 time.Duration
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is main without the exit, for tests. It returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("xbeam-stress", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := config{out: stdout, progressEvery: time.Second}
	fs.StringVar(&cfg.target, "target", "all", "bounded, unbounded, deque, injector, epoch or all")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "how long to soak each target")
	fs.IntVar(&cfg.producers, "producers", 0, "producer goroutines (epoch: writers); 0 draws 1 to 8 per chunk")
	fs.IntVar(&cfg.consumers, "consumers", 0, "consumer goroutines (epoch: readers); 0 draws 1 to 8 per chunk")
	fs.IntVar(&cfg.thieves, "thieves", 0, "stealing goroutines; 0 draws 1 to 8 per chunk")
	fs.IntVar(&cfg.procs, "procs", 0, "GOMAXPROCS; 0 draws 1, 2, 4 or 8 per chunk")
	fs.Uint64Var(&cfg.seed, "seed", 0, "the run's seed; 0 picks one")
	fs.Uint64Var(&cfg.start, "start", 0, "the first chunk number (to replay a failing chunk)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "xbeam-stress: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if cfg.duration <= 0 || cfg.producers < 0 || cfg.consumers < 0 || cfg.thieves < 0 || cfg.procs < 0 {
		fmt.Fprintln(stderr, "xbeam-stress: -duration must be positive and goroutine counts not negative")
		return 2
	}
	var names []string
	if cfg.target == "all" {
		names = targetNames()
	} else if findTarget(cfg.target) != nil {
		names = []string{cfg.target}
	} else {
		fmt.Fprintf(stderr, "xbeam-stress: unknown -target %q (want %s or all)\n", cfg.target, strings.Join(targetNames(), ", "))
		return 2
	}
	if cfg.seed == 0 {
		cfg.seed = uint64(time.Now().UnixNano())
	}
	fmt.Fprintf(stdout, "xbeam-stress: seed %d, %v per target, %s, race %v, chaos %v (XBEAM_CHAOS_SEED=%d), %d CPUs\n",
		cfg.seed, cfg.duration, runtime.Version(), race.Enabled, atomicx.ChaosEnabled, atomicx.ChaosSeed(), runtime.NumCPU())
	failed := 0
	for _, name := range names {
		if !soak(findTarget(name), cfg) {
			failed++
		}
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "xbeam-stress: FAIL: %d of %d targets had violations\n", failed, len(names))
		return 1
	}
	fmt.Fprintf(stdout, "xbeam-stress: PASS: %s\n", strings.Join(names, ", "))
	return 0
}

// chunkEnv is what a chunk of work gets: its configuration and seed,
// derived from the run's seed and the chunk number only.
type chunkEnv struct {
	k                           uint64
	r                           *rand.Rand
	seed                        uint64
	procs, producers, consumers int
	thieves                     int
	stats                       *stress.Stats
}

// draw returns fixed if not 0, else a random count in [1, 8].
func (e *chunkEnv) draw(fixed int) int {
	if fixed > 0 {
		return fixed
	}
	return 1 + e.r.IntN(8)
}

func newChunkEnv(cfg config, k uint64, st *stress.Stats) *chunkEnv {
	r := rand.New(rand.NewPCG(cfg.seed, k))
	e := &chunkEnv{k: k, r: r, seed: r.Uint64() | 1, stats: st}
	e.procs = cfg.procs
	if e.procs == 0 {
		e.procs = []int{1, 2, 4, 8}[r.IntN(4)]
	}
	e.producers, e.consumers, e.thieves = e.draw(cfg.producers), e.draw(cfg.consumers), e.draw(cfg.thieves)
	return e
}

// opts returns the stress options for this chunk: one configuration, and
// work sized so that a chunk takes well under a second.
func (e *chunkEnv) opts() stress.Options {
	items, histories := 1<<15, 200
	if race.Enabled {
		items, histories = 1<<13, 50
	}
	return stress.Options{
		Producers: []int{e.producers}, Consumers: []int{e.consumers}, Thieves: []int{e.thieves},
		Procs: []int{e.procs}, Items: items, Histories: histories, Seed: e.seed, Stats: e.stats,
	}
}

func (e *chunkEnv) String() string {
	return fmt.Sprintf("chunk %d: GOMAXPROCS=%d producers=%d consumers=%d thieves=%d seed=%d",
		e.k, e.procs, e.producers, e.consumers, e.thieves, e.seed)
}

// soak runs one target for cfg.duration and reports whether it passed.
func soak(t *target, cfg config) bool {
	st := &stress.Stats{}
	start := time.Now()
	deadline := start.Add(cfg.duration)
	var (
		mu         sync.Mutex
		violations int
	)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(cfg.progressEvery)
		defer tick.Stop()
		lastOps, lastTime := int64(0), start
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				ops := st.Ops.Load()
				rate := float64(ops-lastOps) / now.Sub(lastTime).Seconds()
				lastOps, lastTime = ops, now
				mu.Lock()
				v := violations
				mu.Unlock()
				fmt.Fprintf(cfg.out, "xbeam-stress: %-9s %6s  %8s ops/s  %d checks (%d rounds, %d histories, %d concurrent)  %d violations\n",
					t.name, now.Sub(start).Truncate(time.Second), human(rate), st.Rounds.Load()+st.Histories.Load(),
					st.Rounds.Load(), st.Histories.Load(), st.Overlapping.Load(), v)
			}
		}
	}()
	k := cfg.start
	chunks := 0
	var failure string
	var failedEnv *chunkEnv
	for chunks == 0 || time.Now().Before(deadline) {
		env := newChunkEnv(cfg, k, st)
		if msg := runChunk(t, env); msg != "" {
			mu.Lock()
			violations++
			mu.Unlock()
			failure, failedEnv = msg, env
			break
		}
		chunks++
		k++
	}
	close(done)
	wg.Wait()
	elapsed := time.Since(start).Truncate(time.Millisecond)
	if failure != "" {
		fmt.Fprintf(cfg.out, "xbeam-stress: %s: VIOLATION in %s after %v:\n%s\n", t.name, failedEnv, elapsed, failure)
		fmt.Fprintf(cfg.out, "xbeam-stress: reproduce with:\n  %s\n", reproduce(cfg, t.name, failedEnv.k))
		return false
	}
	fmt.Fprintf(cfg.out, "xbeam-stress: %s: PASS in %v: %d chunks, %d operations, %d hammer rounds, %d histories (%d operations; %d with overlapping operations) linearizable, 0 violations\n",
		t.name, elapsed, chunks, st.Ops.Load(), st.Rounds.Load(), st.Histories.Load(), st.HistoryOps.Load(), st.Overlapping.Load())
	return true
}

// reproduce returns the command line that replays chunk k of target.
func reproduce(cfg config, target string, k uint64) string {
	var b strings.Builder
	if atomicx.ChaosEnabled {
		fmt.Fprintf(&b, "XBEAM_CHAOS_SEED=%d ", atomicx.ChaosSeed())
		if r := os.Getenv("XBEAM_CHAOS_RATE"); r != "" {
			fmt.Fprintf(&b, "XBEAM_CHAOS_RATE=%s ", r)
		}
	}
	b.WriteString("go run")
	if race.Enabled {
		b.WriteString(" -race")
	}
	if atomicx.ChaosEnabled {
		b.WriteString(" -tags xbeam_chaos")
	}
	fmt.Fprintf(&b, " ./stress/cmd/xbeam-stress -target %s -seed %d -start %d -duration %v", target, cfg.seed, k, cfg.duration)
	for _, f := range []struct {
		name string
		v    int
	}{{"producers", cfg.producers}, {"consumers", cfg.consumers}, {"thieves", cfg.thieves}, {"procs", cfg.procs}} {
		if f.v != 0 {
			fmt.Fprintf(&b, " -%s %d", f.name, f.v)
		}
	}
	return b.String()
}

// runChunk runs one chunk of t and returns its failure report, if any.
func runChunk(t *target, env *chunkEnv) string {
	rec := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.chunk(rec, env)
	}()
	<-done
	return rec.report()
}

// human formats a rate: 1234567 -> "1.23M".
func human(x float64) string {
	switch {
	case x >= 1e9:
		return fmt.Sprintf("%.2fG", x/1e9)
	case x >= 1e6:
		return fmt.Sprintf("%.2fM", x/1e6)
	case x >= 1e3:
		return fmt.Sprintf("%.1fk", x/1e3)
	}
	return fmt.Sprintf("%.0f", x)
}

// recorder is the testing.TB the checks report to in this command: it
// collects failures; Fatal ends the chunk's goroutine, as in a test. Only
// the methods the checks use are implemented; the embedded nil TB makes
// any other call panic loudly rather than pass silently.
type recorder struct {
	testing.TB
	mu     sync.Mutex
	failed bool
	msgs   []string
}

func (r *recorder) Helper()                         {}
func (r *recorder) Log(args ...any)                 {}
func (r *recorder) Logf(format string, args ...any) {}
func (r *recorder) Name() string                    { return "xbeam-stress" }
func (r *recorder) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}
func (r *recorder) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recorder) Error(args ...any)                 { r.add(fmt.Sprint(args...)) }
func (r *recorder) Errorf(format string, args ...any) { r.add(fmt.Sprintf(format, args...)) }
func (r *recorder) Fatal(args ...any)                 { r.add(fmt.Sprint(args...)); runtime.Goexit() }
func (r *recorder) Fatalf(format string, args ...any) {
	r.add(fmt.Sprintf(format, args...))
	runtime.Goexit()
}
func (r *recorder) FailNow() { r.Fail(); runtime.Goexit() }
func (r *recorder) add(msg string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.msgs = append(r.msgs, msg)
}

func (r *recorder) report() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.failed {
		return ""
	}
	if len(r.msgs) == 0 {
		return "(the check failed without a message)"
	}
	return strings.Join(r.msgs, "\n")
}
