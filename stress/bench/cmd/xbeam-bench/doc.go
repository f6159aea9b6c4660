// Command xbeam-bench measures xbeam against Go channels and other Go
// libraries on the workloads of BENCHMARKS.md, side by side in one run, and
// writes the answer for the machine it runs on: a table on the terminal, a
// CSV file, a Markdown file and one chart per workload.
//
// # Usage
//
//	go run ./stress/cmd/xbeam-bench            # what make bench runs: every workload, P = 1, 2, 4 ... 2 x GOMAXPROCS
//	go run ./stress/cmd/xbeam-bench -list      # the workloads and implementations
//	go run ./stress/cmd/xbeam-bench -workloads mpmc,mpsc -impls chan,xsync-mpmc,xbeam -p 1,2,4,8
//
// The default run took 59 s as `make bench` on the 2-core machine of
// docs/benchmarks.md (each run stops its producers after -duration, 1.5 s;
// the progress line on stderr says which run is going and about how long is
// left).
//
// For the full BENCHMARKS.md scalability matrix (20,000,000 items, P = 1
// ... 16, mpmc-blocking also at 64, fork-join over 2^25 leaves, producers
// stopped after 1.5 s), build a static binary and run it on the 16-core
// machine (how long it takes there was not recorded; the progress line
// estimates it as it goes):
//
//	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -o bin/xbeam-bench ./stress/cmd/xbeam-bench
//	scp bin/xbeam-bench big:  &&  ssh big ./xbeam-bench -preset matrix -out bench-16core
//
// Flags given beside -preset override its values.
//
// # What is measured
//
// Each cell is one run of a workload (internal/bench) on a fresh instance
// of one implementation at one P: spsc, mpsc, mpmc and mpmc-blocking move
// the values 1..items through one queue, deque-owner and deque-steal through
// one deque, fork-join runs a binary task tree, epoch-pin and counter-shared
// loop an operation on P goroutines. The figure is Mops/s: items moved
// (one push and one pop), pairs, leaves or adds per microsecond.
//
// Every queue and deque run checks that the count and the sum of the values
// that came out equal those that went in; a run that fails its check shows
// FAIL in every output instead of a number, and the command exits with
// status 1. Producers stop at the deadline even if not all items are pushed
// (the cell is then marked *), consumers still drain, so the check stays
// exact.
//
// Beside each figure stand two ratios: to the blocking Go channel ("chan")
// at the same P, and to the best peer (the fastest implementation that is
// not xbeam's) at the same P. Ratios measured in one run hold on a machine
// whose absolute numbers drift; compare ratios, not numbers, across runs.
// With -count N each cell is run N times (rounds interleaved) and the median
// is shown.
//
// The header also gives the machine's cache-line hand-off time, measured
// before the first run and after the last (bench.LineHandoff: two goroutines
// pass a counter through one atomic word). Every queue moves its items
// through lines that cross between cores, so its figures move with this
// one. On a virtual machine that places its cores differently from one
// hour to the next (the 2-core machine of docs/benchmarks.md), two runs
// compare only if their hand-off figures agree, and a run whose two
// figures disagree changed state in the middle: when they differ by more
// than 2x either way, the header says so with a WARNING. A quicker probe
// (a few milliseconds) also runs before every run, and a cell any of whose
// runs started more than 2x away from the header's first figure carries a
// "~" after its number: it was measured in another state, and its ratios
// to cells measured in the header's state mean little. The CSV gives each
// cell's probe (the median over its runs) and the flag.
//
// # Output
//
// Into -out (default out/bench, which git ignores):
//
//   - results.csv: one row per cell (workload, impl, peer, P, items, ops,
//     elapsed_s, mops, truncated, status, ratio_chan, ratio_best_peer, runs,
//     handoff_ns, state_shift, error), after '#' header lines;
//   - results.md: the same tables in Markdown, with the date, machine (CPU
//     model and core count), GOMAXPROCS, Go version and command line; paste
//     this file, never typed numbers, into docs/benchmarks.md;
//   - WORKLOAD.svg (or .png with -format png): throughput against P, one
//     line per implementation, or one bar per implementation for the
//     single-threaded workloads.
//
// # testing.B benchmarks and benchstat
//
// The packages' own benchmarks run the same drivers through testing.B
// (bench.Run), with sub-benchmarks named impl=NAME/P=N, b.N items per run,
// and ns/op and Mops/s reported over the measured span. To compare two
// versions of the code with statistics, run each ten times and let
// benchstat (golang.org/x/perf/cmd/benchstat) line them up:
//
//	go test -run '^$' -bench . -count 10 ./queue > old.txt
//	# change the code
//	go test -run '^$' -bench . -count 10 ./queue > new.txt
//	benchstat old.txt new.txt
//
// benchstat can also compare implementations within one file by treating
// the impl key as the column: benchstat -col /impl new.txt. The package
// internal/bench/xbeamimpl holds the whole side-by-side matrix as testing.B
// benchmarks (BenchmarkSPSC ... BenchmarkCounterShared, every peer and every
// xbeam structure), and BenchmarkMPMCWork adds the work=W knob (local work
// per item, the -work flag here):
//
//	go test -run '^$' -bench . -count 10 ./internal/bench/xbeamimpl | tee new.txt
//	benchstat -col /impl new.txt
package main
