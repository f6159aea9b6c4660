package stress

import "sync/atomic"

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
}

// addRound records a checked hammer round of ops successful operations.
func (s *Stats) addRound(ops int64) {
	if s != nil {
		s.Rounds.Add(1)
		s.Ops.Add(ops)
	}
}

// addHistory records a checked history of ops operations.
func (s *Stats) addHistory(ops int) {
	if s != nil {
		s.Histories.Add(1)
		s.HistoryOps.Add(int64(ops))
		s.Ops.Add(int64(ops))
	}
}
