package bench

import "testing"

// TestTallyAddRange: addRange counts as adding each value does, including
// where the sum wraps.
func TestTallyAddRange(t *testing.T) {
	for _, r := range [][2]uint64{{1, 1}, {1, 256}, {7, 300}, {1 << 31, 1<<31 + 255}, {1<<62 - 3, 1<<62 + 4}, {1<<63 - 6, 1<<63 - 2}} {
		var want, got tally
		for v := r[0]; ; v++ {
			want.n++
			want.sum += v
			if v == r[1] {
				break
			}
		}
		got.addRange(r[0], r[1])
		if got.n != want.n || got.sum != want.sum {
			t.Errorf("addRange(%d, %d) = %d values, sum %d; want %d, %d", r[0], r[1], got.n, got.sum, want.n, want.sum)
		}
	}
}
