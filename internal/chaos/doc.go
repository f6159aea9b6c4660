// Package chaos is the chaos point that xbeam's atomics pass before every
// operation when the module is built with the xbeam_chaos tag: with a
// seeded probability it yields the processor or spins for a short random
// time, so that interleavings which need a goroutine descheduled between
// two particular atomics happen in seconds instead of never.
//
// XBEAM_CHAOS_SEED and XBEAM_CHAOS_RATE (a probability, default 0.02)
// control it; both are printed to standard error once, when the first
// chaos point runs. Without the tag, Point compiles to nothing.
//
// The decision of the n-th chaos point of a process is a pure function of
// (seed, n), so a seed replays the same stream of decisions; which
// goroutine draws which decision still depends on the scheduler.
package chaos
