package bench

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestGoroutineForkJoinReadsTheClock: with a deadline already past and no
// timer to set the flag, the goroutine-per-task scheme must notice the
// deadline itself (Stop.Tick) and stop far short of the 2^31 leaves: a
// flood of its goroutines can keep the gate's timer goroutine from running
// for longer than the run's timeout, under -race most of all.
func TestGoroutineForkJoinReadsTheClock(t *testing.T) {
	var flag atomic.Bool
	leaves := goroutineForkJoin(31, 2, Stop{flag: &flag, deadline: time.Now().Add(-time.Second)})
	if !flag.Load() {
		t.Fatal("the scheme returned but never set the stop flag")
	}
	// Every goroutine alive when the flag was set may still finish its
	// leaf, so the count is not exactly tickEvery; it is nowhere near 2^31.
	if leaves < tickEvery || leaves >= 1<<24 {
		t.Fatalf("leaves = %d; want at least %d (the first clock read) and far fewer than 2^31", leaves, tickEvery)
	}
}

// TestStopTick: Tick sets the flag only once a deadline exists and has
// passed.
func TestStopTick(t *testing.T) {
	for _, tc := range []struct {
		name     string
		deadline time.Time
		want     bool
	}{
		{"no deadline", time.Time{}, false},
		{"deadline ahead", time.Now().Add(time.Hour), false},
		{"deadline past", time.Now().Add(-time.Millisecond), true},
	} {
		var flag atomic.Bool
		s := Stop{flag: &flag, deadline: tc.deadline}
		s.Tick()
		if s.Stopped() != tc.want {
			t.Errorf("%s: Stopped() after Tick = %v; want %v", tc.name, s.Stopped(), tc.want)
		}
	}
}
