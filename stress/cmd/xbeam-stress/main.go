package main

import (
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"runtime/pprof"
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
	stall                         time.Duration
	artifacts                     string
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
	fs.DurationVar(&cfg.stall, "stall", 20*time.Second, "report a violation, with every goroutine's stack, and stop when no operation completes for this long")
	fs.StringVar(&cfg.artifacts, "artifacts", os.TempDir(), "directory for the HTML visualizations of violations")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "xbeam-stress: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if cfg.duration <= 0 || cfg.stall <= 0 || cfg.producers < 0 || cfg.consumers < 0 || cfg.thieves < 0 || cfg.procs < 0 {
		fmt.Fprintln(stderr, "xbeam-stress: -duration and -stall must be positive and goroutine counts not negative")
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
		passed, stuck := soak(findTarget(name), cfg)
		if !passed {
			failed++
		}
		if stuck {
			// The stuck goroutines cannot be stopped: end the run.
			fmt.Fprintf(stdout, "xbeam-stress: FAIL: %s made no progress; the remaining targets were not run\n", name)
			return 1
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
	stall                       time.Duration
	artifacts                   string
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
	e := &chunkEnv{k: k, r: r, seed: r.Uint64() | 1, stats: st, stall: cfg.stall, artifacts: cfg.artifacts}
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
		Stall: e.stall, ArtifactDir: e.artifacts,
	}
}

func (e *chunkEnv) String() string {
	return fmt.Sprintf("chunk %d: GOMAXPROCS=%d producers=%d consumers=%d thieves=%d seed=%d",
		e.k, e.procs, e.producers, e.consumers, e.thieves, e.seed)
}

// soak runs one target for cfg.duration and reports whether it passed, and
// whether it stopped because the target made no progress (its goroutines
// are then stuck for good).
//
// The checks report a stall themselves, after cfg.stall without progress.
// The soak keeps a watchdog of its own, at twice that, for whatever the
// checks do not watch (a check stuck outside its workers): it then prints
// "no progress" with every goroutine's stack and gives up on the chunk.
func soak(t *target, cfg config) (passed, stuck bool) {
	st := &stress.Stats{}
	start := time.Now()
	deadline := start.Add(cfg.duration)
	var (
		mu         sync.Mutex
		violations int
	)
	done := make(chan struct{})
	stalled := make(chan string, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(min(cfg.progressEvery, cfg.stall/4))
		defer tick.Stop()
		lastOps, lastTime, lastPrint, lastChange := int64(0), start, start, start
		for {
			select {
			case <-done:
				return
			case now := <-tick.C:
				ops := st.Ops.Load()
				if ops != lastOps {
					lastChange = now
				} else if now.Sub(lastChange) > 2*cfg.stall {
					stalled <- fmt.Sprintf("no progress for %v: no operation completed; goroutines:\n%s",
						now.Sub(lastChange).Truncate(time.Second), goroutineDump())
					return
				}
				if now.Sub(lastPrint) < cfg.progressEvery {
					continue
				}
				rate := float64(ops-lastOps) / now.Sub(lastTime).Seconds()
				lastOps, lastTime, lastPrint = ops, now, now
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
		msg, hung := runChunk(t, env, stalled)
		if msg != "" {
			mu.Lock()
			violations++
			mu.Unlock()
			failure, failedEnv, stuck = msg, env, hung || strings.Contains(msg, "no progress for")
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
		return false, stuck
	}
	fmt.Fprintf(cfg.out, "xbeam-stress: %s: PASS in %v: %d chunks, %d operations, %d hammer rounds, %d histories (%d operations; %d with overlapping operations) linearizable, 0 violations\n",
		t.name, elapsed, chunks, st.Ops.Load(), st.Rounds.Load(), st.Histories.Load(), st.HistoryOps.Load(), st.Overlapping.Load())
	return true, false
}

// goroutineDump returns the stacks of every goroutine.
func goroutineDump() string {
	var b strings.Builder
	if err := pprof.Lookup("goroutine").WriteTo(&b, 2); err != nil {
		return "(goroutine dump failed: " + err.Error() + ")"
	}
	return b.String()
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
	if cfg.stall != 20*time.Second {
		fmt.Fprintf(&b, " -stall %v", cfg.stall)
	}
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

// runChunk runs one chunk of t and returns its failure report, if any. If
// the soak's watchdog reports a stall first, it returns that report and
// hung, leaving the chunk's goroutines behind.
func runChunk(t *target, env *chunkEnv, stalled <-chan string) (report string, hung bool) {
	rec := &recorder{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		t.chunk(rec, env)
	}()
	select {
	case <-done:
		return rec.report(), false
	case msg := <-stalled:
		return msg, true
	}
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
