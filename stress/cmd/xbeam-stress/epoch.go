package main

import (
	"testing"

	"github.com/xbeam/xbeam/internal/race"
	"github.com/xbeam/xbeam/internal/reclaimcheck"
)

// epochChunk runs the use-after-retire detector of package reclaimcheck on
// a fresh epoch.Collector and Pool: up to 6 readers (the consumers) pin
// and check the current object while up to 4 writers (the producers) swap
// in new ones and retire the old, by Guard.Defer of a poisoning free (even
// chunks) or by Pool.Put with reuse through Pool.Get (odd chunks). The
// detector's own tests plant a reclaimer that frees too early and check
// that it is caught.
func epochChunk(t testing.TB, e *chunkEnv) {
	cfg := reclaimcheck.Config{
		Readers: min(e.consumers, 6), Writers: min(e.producers, 4), Swaps: 20000,
		Pool: e.k%2 == 1, Plain: true, Procs: e.procs,
	}
	if race.Enabled {
		cfg.Swaps = 4000
	}
	res := reclaimcheck.Run(t, cfg, reclaimcheck.Epoch())
	e.stats.Ops.Add(res.Ops)
	e.stats.Rounds.Add(1)
}
