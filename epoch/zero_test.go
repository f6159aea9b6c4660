package epoch_test

import (
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/internal/race"
)

// TestZeroValues calls every operation of every exported type on its zero
// value: each must panic with the message that names its constructor (none
// of them works as a zero value), never with an index or nil-pointer error.
func TestZeroValues(t *testing.T) {
	const (
		collector = "epoch: Collector used without NewCollector"
		handle    = "epoch: Pin of a Handle that is not registered (Collector.Register makes one)"
		unreg     = "epoch: Unregister of a Handle that is not registered (Collector.Register makes one)"
		guard     = "epoch: Guard used without Handle.Pin or Collector.Pin"
		pool      = "epoch: Pool used without NewPool"
	)
	c := epoch.NewCollector()
	live := c.Register()
	defer live.Unregister()
	cases := []struct {
		name, msg string
		op        func()
	}{
		{"Collector.Register", collector, func() { new(epoch.Collector).Register() }},
		{"Collector.Pin", collector, func() { new(epoch.Collector).Pin() }},
		{"Collector.Flush", collector, func() { new(epoch.Collector).Flush() }},
		{"Collector.Pending", collector, func() { new(epoch.Collector).Pending() }},
		{"Collector.Epoch", collector, func() { new(epoch.Collector).Epoch() }},
		{"Handle.Pin", handle, func() { new(epoch.Handle).Pin() }},
		{"Handle.Unregister", unreg, func() { new(epoch.Handle).Unregister() }},
		{"Guard.Unpin", guard, func() { new(epoch.Guard).Unpin() }},
		{"Guard.Defer", guard, func() { new(epoch.Guard).Defer(func() {}) }},
		{"Pool.Put with a zero Guard", guard, func() {
			epoch.NewPool(c, func() *int { return new(int) }).Put(new(epoch.Guard), new(int))
		}},
		{"Pool.Get", pool, func() { new(epoch.Pool[int]).Get() }},
		{"Pool.Put", pool, func() {
			g := live.Pin()
			defer g.Unpin()
			new(epoch.Pool[int]).Put(g, new(int))
		}},
		{"Pool.SetLimit", pool, func() { new(epoch.Pool[int]).SetLimit(4) }},
		{"NewPool(nil, f)", "epoch: NewPool with a nil Collector", func() {
			epoch.NewPool(nil, func() *int { return nil })
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.PanicsWithValue(t, tc.msg, tc.op)
		})
	}
	g := live.Pin()
	require.True(t, g.Pinned(), "a registered handle still pins after the panics")
	g.Unpin()
}

// TestFlushFromDeferredPanics: a deferred function that calls Flush would
// wait for itself (when a Flush runs it) or run other deferred functions
// inside itself (when a Pin does); either way it panics instead, and the
// collector goes on working.
func TestFlushFromDeferredPanics(t *testing.T) {
	const msg = "epoch: Flush called from a deferred function"
	c := epoch.NewCollector()
	other := epoch.NewCollector()

	g := c.Pin()
	g.Defer(func() { c.Flush() })
	g.Unpin()
	require.PanicsWithValue(t, msg, c.Flush, "Flush inside a function that Flush runs")

	h := c.Register()
	defer h.Unregister()
	g = h.Pin()
	g.Defer(func() { other.Flush() })
	g.Unpin()
	require.PanicsWithValue(t, msg, func() {
		for range 4 * epoch.PinsBetweenCollect {
			h.Pin().Unpin() // the amortized collection runs it
		}
	}, "Flush of another collector inside a function that a Pin runs")

	ran := false
	g = h.Pin()
	g.Defer(func() { ran = true })
	g.Unpin()
	c.Flush()
	require.True(t, ran, "functions deferred after the panics still run")
	require.Zero(t, c.Pending())
	other.Flush() // outside a deferred function Flush works
}

// TestNoValueKeptAlive: a deferred function, and what it captures, is
// released once it has run; an object a Pool drops or hands out is not kept
// by the pool. Checked with cleanups, which run only once the object is
// unreachable.
func TestNoValueKeptAlive(t *testing.T) {
	c := epoch.NewCollector()
	h := c.Register()
	defer h.Unregister()

	const n = 50
	collected := make(chan int, 4*n)
	for i := range n {
		obj := new([64]byte)
		runtime.AddCleanup(obj, func(i int) { collected <- i }, i)
		g := h.Pin()
		g.Defer(func() { obj[0]++ })
		g.Unpin()
	}
	c.Flush()
	require.Zero(t, c.Pending())
	waitCollected(t, collected, n, "deferred functions' captures")

	p := epoch.NewPool(c, func() *[64]byte { return new([64]byte) })
	p.SetLimit(1)
	for i := range n {
		obj := new([64]byte)
		runtime.AddCleanup(obj, func(i int) { collected <- i }, i)
		g := h.Pin()
		p.Put(g, obj)
		g.Unpin()
		c.Flush()
	}
	// Most objects went past the limit and were dropped; taking the rest
	// out leaves the pool holding nothing.
	for p.Len() > 0 {
		p.Get()
	}
	waitCollected(t, collected, n, "objects dropped or handed out by a Pool")
}

// waitCollected runs the garbage collector until want cleanups have
// reported; the cleanups run on the runtime's goroutine, after the cycle
// that finds their object unreachable.
func waitCollected(t *testing.T, ch <-chan int, want int, what string) {
	t.Helper()
	got := 0
	for range 100 {
		runtime.GC()
		for len(ch) > 0 {
			<-ch
			got++
		}
		if got >= want {
			return
		}
		runtime.Gosched()
	}
	t.Fatalf("%s: %d of %d collected after 100 garbage collections", what, got, want)
}

// TestPoolEarlyRecycleDetected plants a premature recycling (the pool hands
// an object out while a reader pinned at its Put still reads it) in a child
// process built with -race, and checks that the race detector reports it:
// under -race, Pool.Get rewrites the object it recycles.
func TestPoolEarlyRecycleDetected(t *testing.T) {
	if os.Getenv("XBEAM_EPOCH_PLANT") == "1" {
		plantEarlyRecycle()
		return
	}
	if !race.Enabled {
		t.Skip("the check is the race detector's; run with -race")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestPoolEarlyRecycleDetected$", "-test.count=1")
	cmd.Env = append(os.Environ(), "XBEAM_EPOCH_PLANT=1")
	out, err := cmd.CombinedOutput()
	require.Error(t, err, "the child must fail:\n%s", out)
	require.True(t, strings.Contains(string(out), "WARNING: DATA RACE"), "no race reported:\n%s", out)
}

type victim struct{ a, b int }

func plantEarlyRecycle() {
	c := epoch.NewCollector()
	p := epoch.NewPool(c, func() *victim { return new(victim) })
	x := p.Get()
	x.a = 1
	reader, writer := c.Register(), c.Register()
	rg := reader.Pin()
	done := make(chan int)
	go func() {
		// Pinned before the Put: may read x until it unpins.
		s := 0
		for range 1000 {
			s += x.a + x.b
		}
		done <- s
	}()
	wg := writer.Pin()
	p.Put(wg, x)
	wg.Unpin()
	p.ForgeReady() // the planted bug
	if p.Get() != x {
		panic("the forged pool did not hand x out")
	}
	<-done
	rg.Unpin()
	reader.Unregister()
	writer.Unregister()
}
