package epoch_test

import (
	"fmt"
	"testing"

	"pgregory.net/rapid"

	"github.com/xbeam/xbeam/epoch"
)

// epochModel tracks, for each deferred function, the pin spans that were
// active at its Defer: it may run only once all of them have ended (may
// have run), and it must have run after a Flush during which nothing was
// pinned (must have run).
type epochModel struct {
	c *epoch.Collector

	handles []*modelHandle // registered, in order
	pooled  []*modelGuard  // guards from Collector.Pin, still pinned

	nextSpan int
	active   map[int]bool // pin spans not yet ended

	fns     []*modelFn
	ran     int
	failure string

	pool   *epoch.Pool[modelObj]
	objs   map[*modelObj]*modelFn // objects in the pool: blockers at their Put
	nextID int
}

// modelObj is a Pool object; id 0 marks one made by newFn.
type modelObj struct{ id int }

type modelHandle struct {
	h     *epoch.Handle
	g     *epoch.Guard // the guard while pinned
	depth int
	span  int
}

type modelGuard struct {
	g    *epoch.Guard
	span int
}

type modelFn struct {
	blockers []int
	runs     int
}

func (m *epochModel) newSpan() int {
	m.nextSpan++
	m.active[m.nextSpan] = true
	return m.nextSpan
}

// newFn returns a retirement blocked by every pin span active now.
func (m *epochModel) newFn() *modelFn {
	f := &modelFn{}
	for s := range m.active {
		f.blockers = append(f.blockers, s)
	}
	return f
}

// pinnedGuards returns the guards pinned now: those of pinned handles, then
// those from Collector.Pin.
func (m *epochModel) pinnedGuards() []*epoch.Guard {
	var gs []*epoch.Guard
	for _, mh := range m.handles {
		if mh.depth > 0 {
			gs = append(gs, mh.g)
		}
	}
	for _, mg := range m.pooled {
		gs = append(gs, mg.g)
	}
	return gs
}

func (m *epochModel) deferFn(g *epoch.Guard) {
	f := m.newFn()
	m.fns = append(m.fns, f)
	id := len(m.fns) - 1
	g.Defer(func() {
		f.runs++
		m.ran++
		if f.runs > 1 && m.failure == "" {
			m.failure = fmt.Sprintf("function %d ran %d times", id, f.runs)
		}
		for _, s := range f.blockers {
			if m.active[s] && m.failure == "" {
				m.failure = fmt.Sprintf("function %d ran while pin span %d, active at its Defer, is still pinned", id, s)
			}
		}
	})
}

func (m *epochModel) anyPinned() bool { return len(m.active) > 0 }

func TestModel(t *testing.T) {
	rapid.Check(t, modelProperty)
}

// FuzzModel runs the same state machine with the fuzzer choosing the
// operations (rapid decodes the fuzz input into its draws).
func FuzzModel(f *testing.F) {
	f.Fuzz(rapid.MakeFuzz(modelProperty))
}

// modelProperty drives Register/Unregister/Pin/Unpin/Defer/Flush and Pool
// Put/Get against epochModel.
func modelProperty(t *rapid.T) {
	m := &epochModel{c: epoch.NewCollector(), active: map[int]bool{}, objs: map[*modelObj]*modelFn{}}
	m.pool = epoch.NewPool(m.c, func() *modelObj { return &modelObj{} })
	pickHandle := func(t *rapid.T) *modelHandle {
		if len(m.handles) == 0 {
			t.Skip("no handles")
		}
		return m.handles[rapid.IntRange(0, len(m.handles)-1).Draw(t, "handle")]
	}
	t.Repeat(map[string]func(*rapid.T){
		"Register": func(t *rapid.T) {
			if len(m.handles) >= 4 {
				t.Skip("enough handles")
			}
			m.handles = append(m.handles, &modelHandle{h: m.c.Register()})
		},
		"Unregister": func(t *rapid.T) {
			mh := pickHandle(t)
			if mh.depth > 0 {
				mustPanicRapid(t, "epoch: Unregister while pinned: every Pin needs its Unpin first", mh.h.Unregister)
				return
			}
			mh.h.Unregister()
			for i, x := range m.handles {
				if x == mh {
					m.handles = append(m.handles[:i], m.handles[i+1:]...)
					break
				}
			}
		},
		"Pin": func(t *rapid.T) {
			mh := pickHandle(t)
			if mh.depth == 0 {
				mh.span = m.newSpan()
			}
			g := mh.h.Pin()
			if mh.depth > 0 && g != mh.g {
				t.Fatal("nested Pin returned another guard")
			}
			mh.g = g
			mh.depth++
		},
		"Unpin": func(t *rapid.T) {
			mh := pickHandle(t)
			if mh.depth == 0 {
				if mh.g != nil {
					mustPanicRapid(t, "epoch: Unpin of a guard that is not pinned", mh.g.Unpin)
				}
				return
			}
			mh.depth--
			if mh.depth == 0 {
				delete(m.active, mh.span)
			}
			mh.g.Unpin()
		},
		"PinUnpinMany": func(t *rapid.T) {
			// Drives the amortized advance and collection.
			mh := pickHandle(t)
			if mh.depth > 0 {
				t.Skip("pinned")
			}
			k := rapid.IntRange(1, 3*epoch.PinsBetweenCollect).Draw(t, "k")
			for range k {
				s := m.newSpan()
				g := mh.h.Pin()
				delete(m.active, s)
				g.Unpin()
			}
		},
		"CollectorPin": func(t *rapid.T) {
			if len(m.pooled) >= 3 {
				t.Skip("enough pooled guards")
			}
			s := m.newSpan()
			m.pooled = append(m.pooled, &modelGuard{g: m.c.Pin(), span: s})
		},
		"CollectorUnpin": func(t *rapid.T) {
			if len(m.pooled) == 0 {
				t.Skip("no pooled guards")
			}
			i := rapid.IntRange(0, len(m.pooled)-1).Draw(t, "pooled")
			mg := m.pooled[i]
			m.pooled = append(m.pooled[:i], m.pooled[i+1:]...)
			delete(m.active, mg.span)
			mg.g.Unpin()
		},
		"Defer": func(t *rapid.T) {
			gs := m.pinnedGuards()
			if len(gs) == 0 {
				mh := pickHandle(t)
				if mh.g != nil {
					mustPanicRapid(t, "epoch: Defer on an unpinned guard", func() { mh.g.Defer(func() {}) })
				}
				return
			}
			m.deferFn(gs[rapid.IntRange(0, len(gs)-1).Draw(t, "guard")])
		},
		"PoolPut": func(t *rapid.T) {
			gs := m.pinnedGuards()
			if len(gs) == 0 {
				t.Skip("nothing pinned")
			}
			f := m.newFn()
			m.nextID++
			x := &modelObj{id: m.nextID}
			m.objs[x] = f
			m.pool.Put(gs[rapid.IntRange(0, len(gs)-1).Draw(t, "guard")], x)
		},
		"PoolGet": func(t *rapid.T) {
			x := m.pool.Get()
			if x.id == 0 {
				return // new
			}
			f, ok := m.objs[x]
			if !ok {
				t.Fatalf("Get returned object %d, which is not in the pool", x.id)
			}
			delete(m.objs, x) // handed out: a second Get of it fails above
			for _, s := range f.blockers {
				if m.active[s] {
					t.Fatalf("Get returned object %d while pin span %d, active at its Put, is still pinned", x.id, s)
				}
			}
		},
		"Flush": func(t *rapid.T) {
			quiet := !m.anyPinned()
			m.c.Flush()
			if quiet && m.ran != len(m.fns) {
				t.Fatalf("Flush with nothing pinned left %d of %d deferred functions unrun", len(m.fns)-m.ran, len(m.fns))
			}
			if quiet && len(m.objs) > 0 {
				// Must be recyclable now: Get may not make a new one.
				x := m.pool.Get()
				if _, ok := m.objs[x]; !ok {
					t.Fatalf("Get after a Flush with nothing pinned returned object %d, not one of the %d in the pool", x.id, len(m.objs))
				}
				delete(m.objs, x)
			}
		},
		"": func(t *rapid.T) {
			if m.failure != "" {
				t.Fatal(m.failure)
			}
			if got, want := m.c.Pending(), len(m.fns)-m.ran; got != want {
				t.Fatalf("Pending = %d, want %d", got, want)
			}
		},
	})
	// Clean up: unpin everything, flush, and check that all ran.
	for _, mh := range m.handles {
		for ; mh.depth > 0; mh.depth-- {
			mh.g.Unpin()
		}
		delete(m.active, mh.span)
	}
	for _, mg := range m.pooled {
		delete(m.active, mg.span)
		mg.g.Unpin()
	}
	m.c.Flush()
	if m.failure != "" {
		t.Fatal(m.failure)
	}
	if m.ran != len(m.fns) || m.c.Pending() != 0 {
		t.Fatalf("after unpinning all and Flush: ran %d of %d, Pending %d", m.ran, len(m.fns), m.c.Pending())
	}
	for _, mh := range m.handles {
		mh.h.Unregister()
	}
}

func mustPanicRapid(t *rapid.T, msg string, f func()) {
	t.Helper()
	defer func() {
		t.Helper()
		r := recover()
		if s, ok := r.(string); !ok || s != msg {
			t.Fatalf("panic %v; want %q", r, msg)
		}
	}()
	f()
}
