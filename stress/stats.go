package stress

import (
	"sync/atomic"

	"github.com/anishathalye/porcupine"
)

// Stats counts the work the checks did, for progress reports (the soak
// command prints it every second). Set Options.Stats to collect it; the
// checks add to it as they go, and its fields may be read at any time.
type Stats struct {
	// Ops counts successful operations on the structures under test:
	// pushes and items taken by the hammers, and operations recorded in
	// linearizability histories.
	Ops atomic.Int64
	// Rounds counts hammer rounds completed and checked for conservation.
	Rounds atomic.Int64
	// Histories counts histories checked for linearizability, and
	// HistoryOps the operations in them.
	Histories  atomic.Int64
	HistoryOps atomic.Int64
	// Overlapping counts the checked histories in which operations of two
	// goroutines overlapped in time. Only those exercise concurrency: on a
	// loaded machine without -tags xbeam_chaos most short histories run
	// one goroutine at a time. A scenario may be checked in several
	// overlapping runs (see Scenarios), so Overlapping/Histories overstates
	// how often the harness achieved overlap; OverlappingScenarios/Scenarios
	// does not.
	Overlapping atomic.Int64
	// Scenarios counts the scenarios the linearizability checks ran (one
	// per Options.Histories, each run under several schedules), and
	// OverlappingScenarios those in which at least one run's operations
	// overlapped. With one processor (GOMAXPROCS=1) operations overlap
	// only if the structure itself yields in the middle of one.
	Scenarios            atomic.Int64
	OverlappingScenarios atomic.Int64
}

// addScenario records a scenario that was run, and whether its operations
// overlapped in some run.
func (s *Stats) addScenario(overlapped bool) {
	if s == nil {
		return
	}
	s.Scenarios.Add(1)
	if overlapped {
		s.OverlappingScenarios.Add(1)
	}
}

// addRound records a checked hammer round of ops successful operations.
func (s *Stats) addRound(ops int64) {
	if s != nil {
		s.Rounds.Add(1)
		s.Ops.Add(ops)
	}
}

// addHistory records a checked history.
func (s *Stats) addHistory(h []porcupine.Operation) {
	if s == nil {
		return
	}
	s.Histories.Add(1)
	s.HistoryOps.Add(int64(len(h)))
	s.Ops.Add(int64(len(h)))
	if overlapping(h) {
		s.Overlapping.Add(1)
	}
}

// overlapping reports whether two operations of different clients in h
// overlap in time.
func overlapping(h []porcupine.Operation) bool {
	for i := range h {
		for j := range i {
			if overlap(h[i], h[j]) {
				return true
			}
		}
	}
	return false
}
