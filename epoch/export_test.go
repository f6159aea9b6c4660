package epoch

import "unsafe"

// Exported for tests only.

const (
	PinsBetweenCollect = pinsBetweenCollect
	ScanBudget         = scanBudget
	BagCap             = bagCap
)

// TryAdvance runs one advance attempt with the given slot budget and
// reports whether the global epoch moved.
func (c *Collector) TryAdvance(budget int) bool {
	g := c.global.Load()
	c.tryAdvance(budget)
	return c.global.Load() != g
}

// Slots returns the size of the participant table (its high-water mark).
func (c *Collector) Slots() int { return int(c.reg.len()) }

// Participants returns the number of occupied participant slots.
func (c *Collector) Participants() int {
	k := 0
	for i, n := uint64(0), c.reg.len(); i < n; i++ {
		if c.reg.at(i) != nil {
			k++
		}
	}
	return k
}

// PoolSize returns the number of pool slots for participants behind
// Collector.Pin.
func (c *Collector) PoolSize() int { return int(c.poolMask) + 1 }

// Pinned reports whether g is pinned; owner only.
func (g *Guard) Pinned() bool { return g.h.depth() != 0 }

// ForgeReady makes every object p holds ready for Get at once, whatever the
// guards: a planted premature recycling, for the race detector to catch.
func (p *Pool[T]) ForgeReady() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.ring {
		p.ring[i].tag = 0
	}
	if g := p.c.global.Load(); g < expiry {
		p.c.global.Store(epochWord(expiry))
	}
}

// Len returns the number of objects p holds.
func (p *Pool[T]) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

// ScanCursor returns the slot index at which the next advance attempt
// starts reading.
func (c *Collector) ScanCursor() int { return int(c.scan.Load() & idxMask) }

// HandleLayout returns the offsets of Handle's hot word (state), of the
// first and last cold fields (bagMu, deferred), and its size.
func HandleLayout() (state, bagMu, deferred, size uintptr) {
	var h Handle
	return unsafe.Offsetof(h.state), unsafe.Offsetof(h.bagMu), unsafe.Offsetof(h.deferred), unsafe.Sizeof(h)
}

// CollectorLayout returns the offsets of Collector's hot words.
func CollectorLayout() (global, scan, expireAt, reg uintptr) {
	var c Collector
	return unsafe.Offsetof(c.global), unsafe.Offsetof(c.scan), unsafe.Offsetof(c.expireAt), unsafe.Offsetof(c.reg)
}

// NewCollectorAt returns a new collector whose global epoch starts at e,
// to test the scan cursor's epoch tag across its wrap-around.
func NewCollectorAt(e uint64) *Collector {
	c := NewCollector()
	c.global.Store(epochWord(e))
	c.scan.Store(e << idxBits)
	return c
}

// TagWrap is the first epoch whose scan tag wraps to 0.
const TagWrap = tagMask + 1

// SetScan sets the scan cursor to slot i of a scan for epoch e.
func (c *Collector) SetScan(e uint64, i int) { c.scan.Store(e<<idxBits | uint64(i)) }

// ScanEpochTag returns the epoch tag of the scan cursor.
func (c *Collector) ScanEpochTag() uint64 { return c.scan.Load() >> idxBits }
