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
	// one goroutine at a time.
	Overlapping atomic.Int64
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
