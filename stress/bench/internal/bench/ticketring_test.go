package bench

import "testing"

// TestTicketRingConserves checks the reference itself: a benchmark figure
// from a ring that loses or duplicates items would mean nothing.
func TestTicketRingConserves(t *testing.T) {
	items := 200_000
	if testing.Short() {
		items = 20_000
	}
	for _, p := range []int{1, 2, 4} {
		r := MPMCBlocking.Run(TicketRingImpl(), Config{Items: items, P: p})
		if r.Err != nil {
			t.Fatalf("P=%d: %v", p, r.Err)
		}
		if r.Ops != uint64(items) {
			t.Fatalf("P=%d: moved %d items, want %d", p, r.Ops, items)
		}
	}
}
