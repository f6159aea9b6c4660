package main

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
	"github.com/xbeam/xbeam/stress/bench/internal/bench/xbeamimpl"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// options are the parsed flags.
type options struct {
	workloads    []*bench.Workload
	impls        []*bench.Impl
	ps           []int
	blockingPs   []int // extra P values for mpmc-blocking
	items        int   // queue and deque workloads
	loopItems    int   // epoch-pin and counter-shared
	forkDepth    int   // fork-join: 2^forkDepth leaves
	fibN         int   // fib: fib(fibN)
	taskItems    int   // mergesort, parallel-for, parallel-for-skewed
	work         int   // local work per item (bench.Config.Work)
	duration     time.Duration
	count        int
	out          string
	formats      []string // chart formats: svg, png
	quiet        bool
	cmdline      string
	progressTerm bool // rewrite one progress line (stderr is a terminal)
}

// presets are named flag sets; explicit flags override them.
var presets = map[string]map[string]string{
	// The full scalability matrix for a many-core machine.
	"matrix": {
		"p":          "1,2,4,8,16",
		"blocking-p": "64",
		"items":      "20000000",
		"loop-items": "100000000",
		"fork-depth": "25",
		"duration":   "1.5s",
	},
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("xbeam-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: xbeam-bench [flags]\n\nRuns the benchmark workloads on xbeam and its peers side by side and\nwrites a table, a CSV file, a Markdown file and one chart per workload.\n\nflags:\n")
		fs.PrintDefaults()
	}
	workloads := fs.String("workloads", "all", "comma-separated workloads (-list shows them), or all")
	impls := fs.String("impls", "all", "comma-separated implementations (-list shows them), or all, peers, xbeam")
	ps := fs.String("p", "", "comma-separated P values (default 1, 2, 4 ... up to 2 x GOMAXPROCS)")
	blockingPs := fs.String("blocking-p", "", "extra comma-separated P values for mpmc-blocking only (the matrix adds 64)")
	items := fs.Int("items", 5_000_000, "values moved per queue or deque run (the matrix preset: 20000000)")
	loopItems := fs.Int("loop-items", 50_000_000, "pairs or adds per epoch-pin or counter-shared run")
	forkDepth := fs.Int("fork-depth", 20, "fork-join tree depth: 2^depth leaves (the matrix preset: 25)")
	fibN := fs.Int("fib-n", 30, "fib: compute fib(n), one task per call (fib(30): 2,692,537 calls)")
	taskItems := fs.Int("task-items", 10_000_000, "values sorted by mergesort, indexes of parallel-for and parallel-for-skewed")
	duration := fs.Duration("duration", 1500*time.Millisecond, "producers (and every other source of work but the task workloads) stop after this even if items remain")
	work := fs.Int("work", 0, "local work per item outside the structure (xorshift rounds by producer and consumer; queue and deque-steal workloads)")
	count := fs.Int("count", 1, "runs per cell; the table shows the median")
	out := fs.String("out", filepath.Join("out", "bench"), "output folder")
	format := fs.String("format", "svg,png", "chart formats, comma-separated: svg, png")
	preset := fs.String("preset", "", "a named flag set: matrix (the full matrix for a many-core machine, P up to 16, mpmc-blocking also at 64); explicit flags override it")
	list := fs.Bool("list", false, "list workloads and implementations, then exit")
	quiet := fs.Bool("q", false, "no progress line")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	all := append(bench.Peers(), xbeamimpl.Impls()...)
	if *list {
		printList(stderr, all)
		return nil, flag.ErrHelp
	}
	if *preset != "" {
		p, ok := presets[*preset]
		if !ok {
			return nil, fmt.Errorf("-preset: unknown preset %q (known: matrix)", *preset)
		}
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for name, v := range p {
			if !set[name] {
				if err := fs.Set(name, v); err != nil {
					return nil, err
				}
			}
		}
	}

	o := &options{items: *items, loopItems: *loopItems, forkDepth: *forkDepth, fibN: *fibN, taskItems: *taskItems, work: *work,
		duration: *duration, count: *count, out: *out, quiet: *quiet}
	var err error
	if o.workloads, err = pickWorkloads(*workloads); err != nil {
		return nil, err
	}
	if o.impls, err = pickImpls(*impls, all); err != nil {
		return nil, err
	}
	if *ps == "" {
		o.ps = bench.Ps()
	} else if o.ps, err = parseInts("-p", *ps); err != nil {
		return nil, err
	}
	if *blockingPs != "" {
		if o.blockingPs, err = parseInts("-blocking-p", *blockingPs); err != nil {
			return nil, err
		}
	}
	switch {
	case o.items < 1 || o.items >= 1<<31:
		return nil, fmt.Errorf("-items: %d is not in [1, 2^31)", o.items)
	case o.loopItems < 1:
		return nil, fmt.Errorf("-loop-items: %d is below 1", o.loopItems)
	case o.forkDepth < 0 || o.forkDepth > 40:
		return nil, fmt.Errorf("-fork-depth: %d is not in [0, 40]", o.forkDepth)
	case o.fibN < 1 || o.fibN > 45:
		return nil, fmt.Errorf("-fib-n: %d is not in [1, 45]", o.fibN)
	case o.taskItems < 1 || o.taskItems >= 1<<31:
		return nil, fmt.Errorf("-task-items: %d is not in [1, 2^31)", o.taskItems)
	case o.duration <= 0:
		return nil, fmt.Errorf("-duration: %v is not positive", o.duration)
	case o.work < 0:
		return nil, fmt.Errorf("-work: %d is negative", o.work)
	case o.count < 1:
		return nil, fmt.Errorf("-count: %d is below 1", o.count)
	}
	for f := range strings.SplitSeq(*format, ",") {
		f = strings.TrimSpace(f)
		if f != "svg" && f != "png" {
			return nil, fmt.Errorf("-format: %q is neither svg nor png", f)
		}
		if !slices.Contains(o.formats, f) {
			o.formats = append(o.formats, f)
		}
	}
	o.cmdline = commandLine(args)
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && stderr == io.Writer(os.Stderr) {
		o.progressTerm = true
	}
	return o, nil
}

func pickWorkloads(s string) ([]*bench.Workload, error) {
	if s == "all" {
		return bench.Workloads(), nil
	}
	var ws []*bench.Workload
	for name := range strings.SplitSeq(s, ",") {
		w := bench.WorkloadByName(strings.TrimSpace(name))
		if w == nil {
			return nil, fmt.Errorf("-workloads: unknown workload %q (-list shows them)", name)
		}
		if !slices.Contains(ws, w) {
			ws = append(ws, w)
		}
	}
	return ws, nil
}

func pickImpls(s string, all []*bench.Impl) ([]*bench.Impl, error) {
	var out []*bench.Impl
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		var add []*bench.Impl
		switch name {
		case "all":
			add = all
		case "peers", "xbeam":
			for _, impl := range all {
				if impl.Peer == (name == "peers") {
					add = append(add, impl)
				}
			}
		default:
			impl := bench.Find(all, name)
			if impl == nil {
				return nil, fmt.Errorf("-impls: unknown implementation %q (-list shows them)", name)
			}
			add = []*bench.Impl{impl}
		}
		for _, impl := range add {
			if !slices.Contains(out, impl) {
				out = append(out, impl)
			}
		}
	}
	return out, nil
}

func parseInts(flagName, s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s: %q is not a positive integer", flagName, f)
		}
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	slices.Sort(out)
	return out, nil
}

func printList(w io.Writer, impls []*bench.Impl) {
	fmt.Fprintln(w, "workloads:")
	for _, wl := range bench.Workloads() {
		fmt.Fprintf(w, "  %-21s %s\n", wl.Name, wl.Doc)
	}
	fmt.Fprintln(w, "implementations:")
	for _, impl := range impls {
		var ws []string
		for _, wl := range bench.Workloads() {
			if wl.Supports(impl) {
				ws = append(ws, wl.Name)
			}
		}
		fmt.Fprintf(w, "  %-17s %s\n  %-17s   runs in: %s\n", impl.Name, impl.Doc, "", strings.Join(ws, ", "))
	}
}

// commandLine renders the command as a user would type it: go run ... when
// the binary was built by go run (or go test) in a temporary folder, else
// the binary's path as invoked.
func commandLine(args []string) string {
	parts := []string{"go -C stress/bench run ./cmd/xbeam-bench"}
	if bin := os.Args[0]; !strings.Contains(bin, "go-build") {
		parts[0] = bin
	}
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$\\*?") {
			a = strconv.Quote(a)
		}
		parts = append(parts, a)
	}
	return strings.Join(parts, " ")
}

// cell is one (workload, P, implementation) point of the plan.
type cell struct {
	w     *bench.Workload
	impl  *bench.Impl
	p     int
	items int
	runs  []bench.Result
	// handoffs holds, for each run, the machine's hand-off time measured
	// just before it (cellHandoffRounds); empty where it declines.
	handoffs []time.Duration
}

// result is the median run of the cell, or its first failed one.
func (c *cell) result() bench.Result {
	for _, r := range c.runs {
		if r.Err != nil {
			return r
		}
	}
	return median(c.runs, func(a, b bench.Result) int { return cmp.Compare(a.Mops(), b.Mops()) })
}

// median returns the middle element of s in the order of compare (the
// upper one of the two middles when len(s) is even); s must not be empty
// and is left as it was.
func median[T any](s []T, compare func(a, b T) int) T {
	s = slices.Clone(s)
	slices.SortFunc(s, compare)
	return s[len(s)/2]
}

// plan lists the cells in run order: for each workload and P, every
// implementation, so that the ratios compare runs made close in time.
func plan(o *options) []*cell {
	var cells []*cell
	for _, w := range o.workloads {
		ps := o.ps
		switch {
		case w.FixedP != 0:
			ps = []int{w.FixedP}
		case w == bench.MPMCBlocking && len(o.blockingPs) > 0:
			ps = slices.Sorted(slices.Values(append(slices.Clone(ps), o.blockingPs...)))
			ps = slices.Compact(ps)
		}
		items := o.items
		switch w {
		case bench.EpochPin, bench.CounterShared:
			items = o.loopItems
		case bench.ForkJoin:
			items = 1 << o.forkDepth
		case bench.Fib:
			items = int(bench.FibCalls(o.fibN))
		case bench.MergeSort, bench.ParallelFor, bench.ParallelForSkewed:
			items = o.taskItems
		}
		for _, p := range ps {
			for _, impl := range o.impls {
				if w.Supports(impl) {
					cells = append(cells, &cell{w: w, impl: impl, p: p, items: items})
				}
			}
		}
	}
	return cells
}

func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "xbeam-bench:", err)
		return 2
	}
	return runPlan(o, stdout, stderr)
}

func runPlan(o *options, stdout, stderr io.Writer) int {
	cells := plan(o)
	if len(cells) == 0 {
		fmt.Fprintln(stderr, "xbeam-bench: no implementation runs the chosen workloads")
		return 2
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		fmt.Fprintln(stderr, "xbeam-bench:", err)
		return 1
	}
	meta := collectMeta(o)
	fmt.Fprint(stdout, meta.text())
	fmt.Fprintln(stdout)

	prog := newProgress(stderr, len(cells)*o.count, o.progressTerm, o.quiet)
	for k := range o.count {
		for i, c := range cells {
			prog.start(fmt.Sprintf("%s P=%d %s", c.w.Name, c.p, c.impl.Name), k)
			runtime.GC()
			if h := probeHandoff(cellHandoffRounds); h > 0 {
				c.handoffs = append(c.handoffs, h)
			}
			r := c.w.Run(c.impl, bench.Config{Items: c.items, P: c.p, Deadline: o.duration, Work: o.work})
			c.runs = append(c.runs, r)
			prog.done(r)
			if k == o.count-1 && i+1 < len(cells) && cells[i+1].w != c.w {
				// A workload is complete: write what there is, so that
				// an interrupted run leaves its finished workloads.
				if _, err := newReport(meta, cells[:i+1]).write(o.out, o.formats); err != nil {
					fmt.Fprintln(stderr, "xbeam-bench:", err)
					return 1
				}
			}
		}
	}
	prog.finish()
	meta.HandoffAfter = probeHandoff(handoffRounds)

	rep := newReport(meta, cells)
	fmt.Fprint(stdout, rep.text())
	files, err := rep.write(o.out, o.formats)
	if err != nil {
		fmt.Fprintln(stderr, "xbeam-bench:", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nwrote %d files to %s: %s\n", len(files), o.out, strings.Join(files, ", "))
	if n := rep.failed(); n > 0 {
		fmt.Fprintf(stdout, "FAIL: %d runs failed their check\n", n)
		return 1
	}
	return 0
}
