// Command xbeam-stress soaks xbeam's structures: it runs the checks of
// package stress (conservation hammers and porcupine linearizability
// checks) against queue.Bounded, queue.Unbounded, the deque's Worker and
// Stealer, the Injector, and a use-after-retire detector for epoch, over
// and over with fresh random configurations, for a given duration.
//
// Usage:
//
//	go run -race ./stress/cmd/xbeam-stress -target all -duration 2m
//
// Flags:
//
//	-target     bounded, unbounded, deque, injector, epoch or all
//	-duration   how long to soak each target (default 10s)
//	-producers  producer goroutines (epoch: writers); 0 draws 1 to 8 per chunk
//	-consumers  consumer goroutines (epoch: readers); 0 draws 1 to 8 per chunk
//	-thieves    stealing goroutines; 0 draws 1 to 8 per chunk
//	-procs      GOMAXPROCS; 0 draws 1, 2, 4 or 8 per chunk
//	-seed       the run's seed; 0 picks one (printed)
//	-start      the first chunk number (to replay a failing chunk)
//	-stall      how long without any completed operation counts as stuck (default 20s)
//	-artifacts  directory for HTML visualizations of violations (default the temp directory)
//
// The work is cut into chunks: a hammer round or a batch of histories, each
// with a configuration and seed derived from (-seed, chunk number) only, so
// that -seed S -start K replays chunk K's workload at once (the scheduler's
// interleaving is not replayed; build with -race and -tags xbeam_chaos for
// more interleavings, and the same XBEAM_CHAOS_SEED).
//
// It prints one progress line per second per target (operations per second,
// checks done, violations) and a summary. On a violation it prints the
// failure, as the checks report it, and the exact command line that
// reproduces it, including -race, -tags xbeam_chaos and the chaos seed when
// the binary was built with them; the exit status is then 1 (2 for bad
// flags). A target that makes no progress for -stall is a violation too:
// the report says "no progress", carries every goroutine's stack, and the
// run stops there, since its stuck goroutines cannot be stopped.
package main
