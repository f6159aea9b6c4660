package epoch_test

import (
	"testing"

	"github.com/xbeam/xbeam/epoch"
)

type node struct {
	_ [4]uint64
}

func TestPoolWaitsForGuards(t *testing.T) {
	c := epoch.NewCollector()
	made := 0
	p := epoch.NewPool(c, func() *node { made++; return &node{} })
	reader := c.Register()
	defer reader.Unregister()
	writer := c.Register()
	defer writer.Unregister()

	x := p.Get()
	if made != 1 {
		t.Fatalf("made = %d, want 1", made)
	}
	rg := reader.Pin()
	wg := writer.Pin()
	p.Put(wg, x)
	wg.Unpin()
	for range 8 * epoch.PinsBetweenCollect {
		writer.Pin().Unpin()
	}
	c.Flush()
	if y := p.Get(); y == x {
		t.Fatal("Get handed out an object while a guard pinned at its Put was still pinned")
	}
	rg.Unpin()
	c.Flush()
	if y := p.Get(); y != x {
		t.Fatal("Get did not recycle the object after every guard unpinned")
	}
}

func TestPoolLimit(t *testing.T) {
	c := epoch.NewCollector()
	p := epoch.NewPool(c, func() *node { return &node{} })
	p.SetLimit(4)
	g := c.Pin()
	for range 10 {
		p.Put(g, &node{})
	}
	g.Unpin()
	if n := p.Len(); n != 10 {
		t.Fatalf("Len = %d: objects still waiting for their epoch were dropped", n)
	}
	c.Flush() // all ten are ready now
	g = c.Pin()
	p.Put(g, &node{})
	g.Unpin()
	if n := p.Len(); n != 10 {
		t.Fatalf("Len = %d after a Put over the limit with ready objects, want 10 (11 put, the oldest ready one dropped)", n)
	}
	p.SetLimit(2)
	if n := p.Len(); n != 2 {
		t.Fatalf("Len = %d after SetLimit(2), want 2", n)
	}
}

// TestPoolHelpsAdvance: a structure that pins only around its Puts (far
// fewer than the 128 pins between amortized collections) still recycles:
// Get advances the epoch itself, so only a handful of objects are ever made.
func TestPoolHelpsAdvance(t *testing.T) {
	c := epoch.NewCollector()
	made := 0
	p := epoch.NewPool(c, func() *node { made++; return &node{} })
	for range 100 {
		x := p.Get()
		g := c.Pin()
		p.Put(g, x)
		g.Unpin()
	}
	if made > 10 {
		t.Fatalf("made %d objects in 100 Get/Put rounds with one pin each, want a handful (Get should advance the epoch)", made)
	}
	t.Logf("made %d objects in 100 rounds", made)
}
