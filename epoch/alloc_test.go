package epoch_test

import (
	"testing"

	"github.com/xbeam/xbeam/epoch"
	"github.com/xbeam/xbeam/internal/race"
)

func TestAllocs(t *testing.T) {
	if race.Enabled {
		t.Log("the race detector allocates; counting anyway is meaningless, checking the calls run")
	}
	c := epoch.NewCollector()
	h := c.Register()
	defer h.Unregister()
	check := func(name string, f func()) {
		t.Helper()
		for range 4 * epoch.PinsBetweenCollect {
			f() // warm up: bags, rings and amortized paths
		}
		if n := testing.AllocsPerRun(10*epoch.PinsBetweenCollect, f); n != 0 && !race.Enabled {
			t.Errorf("%s: %v allocs per run, want 0", name, n)
		}
	}
	check("Handle.Pin/Unpin", func() { h.Pin().Unpin() })
	check("nested Handle.Pin/Unpin", func() {
		g := h.Pin()
		h.Pin().Unpin()
		g.Unpin()
	})
	check("Collector.Pin/Unpin", func() { c.Pin().Unpin() })
	fn := func() {}
	check("Pin/Defer(prebuilt fn)/Unpin", func() {
		g := h.Pin()
		g.Defer(fn)
		g.Unpin()
	})

	p := epoch.NewPool(c, func() *node { return &node{} })
	check("Pool.Get/Put via Handle", func() {
		x := p.Get()
		g := h.Pin()
		p.Put(g, x)
		g.Unpin()
	})
	check("Pool.Get/Put via Collector.Pin", func() {
		g := c.Pin()
		x := p.Get()
		p.Put(g, x)
		g.Unpin()
	})
}
