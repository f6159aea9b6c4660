package epoch_test

import (
	"testing"

	"github.com/xbeam/xbeam/epoch"
)

// registerIdle registers n handles on c that the test leaves idle (or pins
// itself) and unregisters them when the test ends.
func registerIdle(t *testing.T, c *epoch.Collector, n int) []*epoch.Handle {
	hs := make([]*epoch.Handle, n)
	for i := range hs {
		hs[i] = c.Register()
	}
	t.Cleanup(func() {
		for _, h := range hs {
			h.Unregister()
		}
	})
	return hs
}

// TestStalledParticipantBound pins one participant and retires n functions
// from another: none may run, Pending reports exactly n, the epoch moves at
// most one step past the stalled pin; after the unpin, pins alone drain
// everything within three epoch advances.
func TestStalledParticipantBound(t *testing.T) {
	const n = 500 // at most collectSteps bags, so one amortized collection drains them
	c := epoch.NewCollector()
	stalled, worker := c.Register(), c.Register()
	defer stalled.Unregister()
	defer worker.Unregister()

	sg := stalled.Pin()
	e0 := c.Epoch()
	ran := 0
	for i := range n {
		g := worker.Pin()
		g.Defer(func() { ran++ })
		g.Unpin()
		if i%100 == 0 {
			c.Flush()
		}
	}
	for range 10 * epoch.PinsBetweenCollect {
		worker.Pin().Unpin()
	}
	c.Flush() // seals the worker's last bag
	if ran != 0 {
		t.Fatalf("%d functions ran while a participant pinned before their Defer was pinned", ran)
	}
	if p := c.Pending(); p != n {
		t.Fatalf("Pending = %d while stalled, want exactly %d", p, n)
	}
	if e := c.Epoch(); e > e0+1 {
		t.Fatalf("epoch moved from %d to %d past a participant pinned at %d", e0, e, e0)
	}

	sg.Unpin()
	e1 := c.Epoch()
	for ran < n {
		worker.Pin().Unpin()
		if c.Epoch() > e1+3 {
			t.Fatalf("after the unpin, %d of %d functions ran in %d epoch advances, want all within 3", ran, n, c.Epoch()-e1)
		}
	}
	if p := c.Pending(); p != 0 {
		t.Fatalf("Pending = %d after draining, want 0", p)
	}
}

// TestStalledParticipantFlush: after the stalled participant unpins, one
// Flush drains everything, advancing the epoch by at most two.
func TestStalledParticipantFlush(t *testing.T) {
	const n = 5000
	c := epoch.NewCollector()
	stalled := c.Register()
	defer stalled.Unregister()
	sg := stalled.Pin()
	ran := 0
	for range n {
		g := c.Pin()
		g.Defer(func() { ran++ })
		g.Unpin()
	}
	c.Flush()
	if ran != 0 || c.Pending() != n {
		t.Fatalf("while stalled: ran %d, Pending %d; want 0, %d", ran, c.Pending(), n)
	}
	sg.Unpin()
	e := c.Epoch()
	c.Flush()
	if ran != n || c.Pending() != 0 {
		t.Fatalf("after unpin and Flush: ran %d, Pending %d; want %d, 0", ran, c.Pending(), n)
	}
	if d := c.Epoch() - e; d > 2 {
		t.Fatalf("Flush advanced the epoch %d times, want at most 2", d)
	}
}

// TestAdvanceCostBounded: with many idle handles an advance takes
// ceil(slots/ScanBudget) bounded attempts, and a lagging participant makes
// later attempts start at it.
func TestAdvanceCostBounded(t *testing.T) {
	c := epoch.NewCollector()
	hs := registerIdle(t, c, 1024)
	slots := c.Slots()
	attempts := (slots + epoch.ScanBudget - 1) / epoch.ScanBudget
	e := c.Epoch()
	for i := 1; i < attempts; i++ {
		if c.TryAdvance(epoch.ScanBudget) {
			t.Fatalf("advanced after %d attempts of %d slots over %d slots", i, epoch.ScanBudget, slots)
		}
		if got, want := c.ScanCursor(), i*epoch.ScanBudget; got != want {
			t.Fatalf("cursor %d after %d attempts, want %d", got, i, want)
		}
	}
	if !c.TryAdvance(epoch.ScanBudget) || c.Epoch() != e+1 {
		t.Fatalf("no advance after %d attempts over %d slots", attempts, slots)
	}

	// A participant pinned at epoch e+1 lags once the epoch is e+2: the
	// scan stops at its slot, and later attempts start there.
	lag := hs[1000]
	lagSlot := 1000 // handles take slots in Register order; nothing pinned through c.Pin
	g := lag.Pin()
	for !c.TryAdvance(epoch.ScanBudget) {
	}
	for i := range 3 * attempts {
		if c.TryAdvance(epoch.ScanBudget) {
			g.Unpin()
			t.Fatal("advanced past a lagging participant")
		}
		if i >= attempts && c.ScanCursor() != lagSlot {
			g.Unpin()
			t.Fatalf("cursor at %d after %d blocked attempts, want the laggard's slot %d", c.ScanCursor(), i+1, lagSlot)
		}
	}
	g.Unpin()
	for i := 0; !c.TryAdvance(epoch.ScanBudget); i++ {
		if i > attempts {
			t.Fatal("no advance after the laggard unpinned")
		}
	}
}

// TestCollectorPinOverflow pins more pooled guards at once than the pool
// holds: every guard is distinct, and a second round reuses the overflow
// participants instead of adding more.
func TestCollectorPinOverflow(t *testing.T) {
	c := epoch.NewCollector()
	n := c.PoolSize() + 10
	for round := range 3 {
		seen := map[*epoch.Guard]bool{}
		gs := make([]*epoch.Guard, 0, n)
		for range n {
			g := c.Pin()
			if seen[g] {
				t.Fatal("Collector.Pin returned a guard that is still pinned")
			}
			seen[g] = true
			gs = append(gs, g)
		}
		for _, g := range gs {
			g.Unpin()
		}
		if got := c.Slots(); got != n {
			t.Fatalf("round %d: %d participant slots, want %d", round, got, n)
		}
	}
}

// TestScanCursorTags: a cursor left by a scan for an older epoch is
// restarted from slot 0 (its reads say nothing about the current epoch),
// and one for a later epoch (seen by a scanner whose epoch is stale) is
// left alone.
func TestScanCursorTags(t *testing.T) {
	c := epoch.NewCollector()
	registerIdle(t, c, 3*epoch.ScanBudget)
	for c.Epoch() < 5 {
		c.TryAdvance(epoch.ScanBudget)
	}
	e := c.Epoch()

	// An older scan claimed most of the table: restart, do not trust it.
	c.SetScan(e-1, 3*epoch.ScanBudget-1)
	if c.TryAdvance(epoch.ScanBudget) {
		t.Fatal("advanced on the strength of a scan for an older epoch")
	}
	if got := c.ScanCursor(); got != epoch.ScanBudget || c.ScanEpochTag() != e {
		t.Fatalf("cursor at slot %d for epoch %d, want slot %d for epoch %d", got, c.ScanEpochTag(), epoch.ScanBudget, e)
	}

	// A later scan's cursor is not reset by a scanner at epoch e.
	c.SetScan(e+1, 7)
	if c.TryAdvance(epoch.ScanBudget) {
		t.Fatal("advanced on a cursor for a later epoch")
	}
	if got := c.ScanCursor(); got != 7 || c.ScanEpochTag() != e+1 {
		t.Fatalf("cursor moved to slot %d for epoch %d, want it left at slot 7 for epoch %d", got, c.ScanEpochTag(), e+1)
	}
}
