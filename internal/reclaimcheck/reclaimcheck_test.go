package reclaimcheck_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/xbeam/xbeam/internal/reclaimcheck"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// plantedKind is the bug a planted reclaimer has.
type plantedKind int

const (
	early plantedKind = iota // frees and recycles at once, ignoring pins
	never                    // never runs deferred frees
	twice                    // runs each deferred free twice, at Flush
)

func (k plantedKind) String() string {
	return [...]string{"early", "never", "twice"}[k]
}

// planted is a broken reclaimer: it ignores pins, and frees as its kind
// says.
type planted struct {
	kind     plantedKind
	mu       sync.Mutex
	free     []*reclaimcheck.Victim
	deferred []func()
}

type plantedGuard struct{ r *planted }

func (r *planted) Register() reclaimcheck.Handle { return plantedHandle{r} }
func (r *planted) Pin() reclaimcheck.Guard       { return plantedGuard{r} }

func (r *planted) Flush() {
	if r.kind != twice {
		return
	}
	r.mu.Lock()
	fns := r.deferred
	r.deferred = nil
	r.mu.Unlock()
	for _, fn := range fns {
		fn()
		fn()
	}
}

func (r *planted) Pending() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.deferred)
}

func (r *planted) Get() *reclaimcheck.Victim {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.free); n > 0 {
		v := r.free[n-1]
		r.free = r.free[:n-1]
		return v
	}
	return new(reclaimcheck.Victim)
}

func (r *planted) Put(_ reclaimcheck.Guard, v *reclaimcheck.Victim) {
	if r.kind != early {
		return // dropped: the garbage collector takes it, always safe
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.free = append(r.free, v)
}

type plantedHandle struct{ r *planted }

func (h plantedHandle) Pin() reclaimcheck.Guard { return plantedGuard(h) }
func (plantedHandle) Unregister()               {}

func (g plantedGuard) Defer(fn func()) {
	if g.r.kind == early {
		fn()
		return
	}
	g.r.mu.Lock()
	defer g.r.mu.Unlock()
	g.r.deferred = append(g.r.deferred, fn)
}
func (plantedGuard) Unpin() {}

// collector is a testing.TB that collects what Run reports instead of
// failing the test. Run calls only Helper and Errorf on it; the embedded
// nil TB makes any other call panic.
type collector struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (c *collector) Helper() {}
func (c *collector) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.msgs = append(c.msgs, fmt.Sprintf(format, args...))
}
func (c *collector) report() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.msgs, "\n")
}

func modeName(pool bool) string {
	if pool {
		return "Pool"
	}
	return "Defer"
}

// The real reclaimer passes in both modes, and the run does work.
func TestEpochPasses(t *testing.T) {
	for _, pool := range []bool{false, true} {
		for _, procs := range []int{1, 4} {
			cfg := reclaimcheck.Config{Readers: 3, Writers: 3, Swaps: 3000, Pool: pool, Plain: true, Procs: procs}
			res := reclaimcheck.Run(t, cfg, reclaimcheck.Epoch())
			if len(res.Problems) != 0 {
				t.Errorf("%s mode: Problems = %q, want none", modeName(pool), res.Problems)
			}
			if res.Ops < int64(cfg.Swaps) {
				t.Errorf("%s mode: Ops = %d, want at least the %d swaps", modeName(pool), res.Ops, cfg.Swaps)
			}
		}
	}
}

// A reclaimer that frees or recycles while readers are pinned is caught,
// in both modes, and the report names the mode, the goroutine counts and
// GOMAXPROCS. Whether a reader is between its looks when the object is
// freed is up to the scheduler, so a run that catches nothing is retried,
// up to 20 times.
func TestCatchesEarlyFree(t *testing.T) {
	for _, pool := range []bool{false, true} {
		cfg := reclaimcheck.Config{Readers: 4, Writers: 2, Swaps: 20000, Pool: pool, Procs: 4}
		want := fmt.Sprintf("use-after-retire (%s mode, 4 readers, 2 writers, GOMAXPROCS=4)", modeName(pool))
		caught := false
		for try := 0; try < 20 && !caught; try++ {
			c := &collector{}
			res := reclaimcheck.Run(c, cfg, &planted{kind: early})
			msg := c.report()
			if msg == "" {
				if len(res.Problems) != 0 {
					t.Fatalf("%s mode: Problems %q but nothing reported", modeName(pool), res.Problems)
				}
				continue
			}
			caught = true
			if len(res.Problems) == 0 {
				t.Errorf("%s mode: reported but Result.Problems is empty:\n%s", modeName(pool), msg)
			}
			if !strings.Contains(msg, want) {
				t.Errorf("%s mode: report lacks %q:\n%s", modeName(pool), want, msg)
			}
			t.Logf("try %d caught:\n%s", try, msg)
		}
		if !caught {
			t.Errorf("%s mode: an early-freeing reclaimer was not caught in 20 runs", modeName(pool))
		}
	}
}

// A reclaimer that never runs deferred frees, or runs them twice, is
// caught by the count after the final Flush, whatever the scheduling.
func TestCatchesWrongFreeCount(t *testing.T) {
	for _, tc := range []struct {
		kind plantedKind
		want string
	}{
		{never, "0 of 100 retired objects were freed after Flush"},
		{never, "Pending() = "},
		{twice, "a deferred free ran twice"},
	} {
		c := &collector{}
		// Too few swaps for a Flush before the last one, which runs with
		// no reader left: the free count is the only thing wrong.
		reclaimcheck.Run(c, reclaimcheck.Config{Readers: 2, Writers: 2, Swaps: 100}, &planted{kind: tc.kind})
		if msg := c.report(); !strings.Contains(msg, tc.want) {
			t.Errorf("%v reclaimer: report lacks %q:\n%s", tc.kind, tc.want, msg)
		}
	}
}
