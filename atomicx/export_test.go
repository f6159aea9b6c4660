package atomicx

import "github.com/xbeam/xbeam/internal/chaos"

// Internals exposed to the black-box tests.

var ShardIndex = shardIndex

// CellMode reports the representation a Cell chose: "word", "pointer" or
// "locked".
func CellMode[T any](c *Cell[T]) string {
	return [...]string{"unknown", "word", "pointer", "locked"}[c.kind()]
}

// SetChaosRate changes the chaos probability for a test and returns the
// previous one; it is a no-op returning 0 without the xbeam_chaos tag.
var SetChaosRate = chaos.SetRate

// ChaosPoints returns the number of chaos points passed so far (0 without
// the xbeam_chaos tag).
var ChaosPoints = chaos.Points

// CanSpin reports whether Snooze would spin now, as far as it knows
// GOMAXPROCS (see procs).
var CanSpin = canSpin

// ChaosActs reports whether the n-th chaos point of a run with the given
// seed and rate acts (always false without the xbeam_chaos tag).
var ChaosActs = chaos.Acts
