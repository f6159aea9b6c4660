package bench

import (
	"runtime"
	"testing"
)

// TestLineHandoff checks that the probe measures a positive time with two
// processors, that a hand-off takes longer than nothing at all (at least a
// nanosecond), and that it declines to measure on one processor, where it
// would spin against the scheduler.
func TestLineHandoff(t *testing.T) {
	if runtime.GOMAXPROCS(0) >= 2 {
		d, ok := LineHandoff(1000)
		if !ok || d <= 0 {
			t.Errorf("LineHandoff(1000) = %v, %v; want a positive time, true", d, ok)
		}
	}
	if d, ok := LineHandoff(1); ok {
		t.Errorf("LineHandoff(1) = %v, true; want false (too few rounds)", d)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	if d, ok := LineHandoff(1000); ok {
		t.Errorf("LineHandoff with GOMAXPROCS=1 = %v, true; want false", d)
	}
}
