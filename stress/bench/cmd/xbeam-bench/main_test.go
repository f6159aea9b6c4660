package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// The hand-off probes are what a tiny run spends its time on; a
	// smaller probe still exercises every path that reports it.
	handoffRounds, cellHandoffRounds = 5_000, 200
	// ants starts a default pool when it is loaded and never stops it.
	goleak.VerifyTestMain(m,
		goleak.IgnoreAnyFunction("github.com/panjf2000/ants/v2.(*poolCommon).purgeStaleWorkers"),
		goleak.IgnoreAnyFunction("github.com/panjf2000/ants/v2.(*poolCommon).ticktock"))
}

// readCSV parses results.csv and returns its rows as maps by column.
func readCSV(t *testing.T, path string) []map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("results.csv does not parse: %v", err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], csvHeader) {
		t.Fatalf("results.csv header = %q; want %q", recs[:min(1, len(recs))], csvHeader)
	}
	var rows []map[string]string
	for _, rec := range recs[1:] {
		row := map[string]string{}
		for i, col := range csvHeader {
			row[col] = rec[i]
		}
		rows = append(rows, row)
	}
	return rows
}

// TestSmoke runs every workload on every implementation with tiny sizes
// and checks that the output files exist and parse.
func TestSmoke(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	args := []string{"-work", "3", "-items", "600", "-loop-items", "600", "-fork-depth", "6", "-fib-n", "12", "-task-items", "40000", "-format", "svg", "-p", "1,2", "-blocking-p", "3", "-out", dir, "-q"}
	if code := run(args, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, &stdout, &stderr)
	}
	out := stdout.String()
	for _, want := range []string{"GOMAXPROCS:", "Go:", "machine:", "command:", "handoff:", "xbeam-bench -work 3 -items 600", "work 3,", "mpmc: P producers", "wrote "} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	rows := readCSV(t, filepath.Join(dir, "results.csv"))
	seen := map[string]bool{}
	for _, row := range rows {
		if row["status"] != "ok" {
			t.Errorf("row %v: status %q", row, row["status"])
		}
		if m, err := strconv.ParseFloat(row["mops"], 64); err != nil || m <= 0 {
			t.Errorf("row %v: mops %q is not a positive number", row, row["mops"])
		}
		seen[row["workload"]] = true
		if runtime.GOMAXPROCS(0) >= 2 {
			if h, err := strconv.Atoi(row["handoff_ns"]); err != nil || h <= 0 {
				t.Errorf("row %v: handoff_ns %q is not a positive number", row, row["handoff_ns"])
			}
		}
		if row["workload"] == "mpmc" && row["impl"] == bench.ChanName && row["ratio_base"] != "1.00" {
			t.Errorf("chan's ratio to chan = %q; want 1.00", row["ratio_base"])
		}
		if row["workload"] == "mpmc-blocking" && row["P"] == "3" && row["impl"] == bench.ChanName {
			seen["blocking-p"] = true
		}
	}
	for _, w := range bench.Workloads() {
		if !seen[w.Name] {
			t.Errorf("results.csv has no %s row", w.Name)
		}
		chart, err := os.ReadFile(filepath.Join(dir, w.Name+".svg"))
		if err != nil || !bytes.Contains(chart, []byte("<svg")) {
			t.Errorf("%s.svg: missing or not SVG (err %v)", w.Name, err)
		}
	}
	if !seen["blocking-p"] {
		t.Errorf("-blocking-p 3 did not add P=3 to mpmc-blocking")
	}
	md, err := os.ReadFile(filepath.Join(dir, "results.md"))
	if err != nil {
		t.Fatal(err)
	}
	wants := []string{"- GOMAXPROCS: ", "- handoff: ", "#### mpmc: ", "| impl | P=1 | P=2 |", "|---|---:|---:|", "| chan | "}
	if runtime.GOMAXPROCS(0) >= 2 {
		// The final report carries the hand-off measured after the runs.
		wants = append(wants, " ns after (")
	}
	for _, want := range wants {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("results.md lacks %q", want)
		}
	}
}

// lossy loses every 10th value it is given.
type lossy struct{ bench.MutexRing }

func (l *lossy) TryPush(v uint64) bool {
	if v%10 == 0 {
		return true
	}
	return l.MutexRing.TryPush(v)
}

// TestFailPrintsFAIL plants a queue that loses items: its cells read FAIL,
// never a number, and the exit status is 1.
func TestFailPrintsFAIL(t *testing.T) {
	dir := t.TempDir()
	var stdout, stderr bytes.Buffer
	o, err := parseFlags([]string{"-workloads", "mpmc", "-impls", "chan", "-items", "1000", "-p", "1,2", "-out", dir, "-q", "-format", "png"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	o.impls = append(o.impls, &bench.Impl{Name: "lossy", NewTry: func() bench.TryQueue { return new(lossy) }})
	if code := runPlan(o, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d; want 1\n%s", code, &stdout)
	}
	var lossyLine string
	for line := range strings.SplitSeq(stdout.String(), "\n") {
		if strings.HasPrefix(line, "lossy ") {
			lossyLine = line
		}
	}
	if f := strings.Fields(lossyLine); len(f) != 3 || f[1] != "FAIL" || f[2] != "FAIL" {
		t.Errorf("table row for the lossy queue = %q; want FAIL in both cells", lossyLine)
	}
	if !strings.Contains(stdout.String(), "FAIL: 2 runs failed") {
		t.Errorf("stdout lacks the failure summary:\n%s", &stdout)
	}
	for _, row := range readCSV(t, filepath.Join(dir, "results.csv")) {
		if row["impl"] == "lossy" && (row["status"] != "FAIL" || row["mops"] != "" || !strings.Contains(row["error"], "lost")) {
			t.Errorf("CSV row %v; want status FAIL, no mops, an error", row)
		}
	}
	md, _ := os.ReadFile(filepath.Join(dir, "results.md"))
	if !bytes.Contains(md, []byte("| **lossy** | FAIL | FAIL |")) {
		t.Errorf("results.md lacks the FAIL row:\n%s", md)
	}
	if _, err := os.Stat(filepath.Join(dir, "mpmc.png")); err != nil {
		t.Errorf("mpmc.png: %v", err)
	}
}

func TestFlags(t *testing.T) {
	var stderr bytes.Buffer
	o, err := parseFlags([]string{"-preset", "matrix", "-items", "5"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	if o.items != 5 || !slices.Equal(o.ps, []int{1, 2, 4, 8, 16}) || !slices.Equal(o.blockingPs, []int{64}) ||
		o.forkDepth != 25 || o.duration != 1500*time.Millisecond || o.loopItems != 100_000_000 {
		t.Errorf("-preset matrix -items 5: got %+v", o)
	}
	o, err = parseFlags([]string{"-impls", "xbeam,chan", "-workloads", "mpmc"}, &stderr)
	if err != nil {
		t.Fatal(err)
	}
	for _, impl := range o.impls {
		if impl.Peer && impl.Name != bench.ChanName {
			t.Errorf("-impls xbeam,chan picked peer %s", impl.Name)
		}
	}
	for _, bad := range [][]string{
		{"-p", "0"}, {"-p", "x"}, {"-workloads", "nope"}, {"-impls", "nope"}, {"-items", "0"},
		{"-duration", "0s"}, {"-work", "-1"}, {"-format", "gif"}, {"-preset", "nope"}, {"extra"}, {"-count", "0"},
	} {
		if _, err := parseFlags(bad, &stderr); err == nil {
			t.Errorf("parseFlags(%q): no error", bad)
		}
	}
	if code := run([]string{"-list"}, &stderr, &stderr); code != 0 || !strings.Contains(stderr.String(), "xsync-mpmc") {
		t.Errorf("-list: exit %d, output lacks xsync-mpmc", code)
	}
	if code := run([]string{"-p", "0"}, &stderr, &stderr); code != 2 {
		t.Errorf("bad flag: exit %d; want 2", code)
	}
}

// TestHandoffWarning checks that the header warns when the hand-off time
// measured after the runs differs from the one before by more than
// handoffShift, either way, and stays quiet otherwise.
func TestHandoffWarning(t *testing.T) {
	for _, c := range []struct {
		before, after time.Duration
		warn          bool
	}{
		{52, 59, false},
		{241, 246, false},
		{62, 253, true},
		{253, 62, true},
		{100, 200, false},
		{100, 201, true},
		{100, 0, false}, // not yet measured
	} {
		got := meta{HandoffBefore: c.before, HandoffAfter: c.after}.handoff()
		if warned := strings.Contains(got, "WARNING"); warned != c.warn {
			t.Errorf("before %v, after %v: %q; want a warning: %v", c.before, c.after, got, c.warn)
		}
	}
}

// TestStateShiftMarker checks the "~" marker: a cell whose run started with
// the hand-off time more than 2x off the header's first figure is marked in
// the table, escaped in Markdown and flagged in the CSV; one within 2x is
// not, and nothing is marked where the hand-off was not measured.
func TestStateShiftMarker(t *testing.T) {
	ok := bench.Result{Ops: 1000, Elapsed: time.Millisecond}
	same := &cell{w: bench.MPMC, impl: bench.ChanImpl(), p: 1, items: 1000,
		runs: []bench.Result{ok, ok}, handoffs: []time.Duration{60, 110}}
	other := &cell{w: bench.MPMC, impl: bench.MutexRingImpl(), p: 1, items: 1000,
		runs: []bench.Result{ok, ok}, handoffs: []time.Duration{60, 250}}
	unmeasured := &cell{w: bench.MPMC, impl: bench.XsyncMPMCImpl(), p: 1, items: 1000,
		runs: []bench.Result{ok}}
	rep := newReport(meta{HandoffBefore: 55}, []*cell{same, other, unmeasured})
	g := rep.groups[0]
	for _, c := range []struct {
		c    *cell
		mark bool
	}{{same, false}, {other, true}, {unmeasured, false}} {
		if got := strings.Contains(g.cellText(c.c), "~"); got != c.mark {
			t.Errorf("%s: cell %q; want the marker: %v", c.c.impl.Name, g.cellText(c.c), c.mark)
		}
	}
	if md := rep.markdown(); !strings.Contains(md, `| mutex-ring | 1.00\~`) || strings.Contains(md, "1.00~") {
		t.Errorf("results.md lacks the escaped marker or has an unescaped one:\n%s", md)
	}
	dir := t.TempDir()
	if err := rep.writeCSV(filepath.Join(dir, "results.csv")); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"chan": {"110", "false"}, "mutex-ring": {"250", "true"}, "xsync-mpmc": {"", "false"}}
	for _, row := range readCSV(t, filepath.Join(dir, "results.csv")) {
		if w := want[row["impl"]]; row["handoff_ns"] != w[0] || row["state_shift"] != w[1] {
			t.Errorf("%s: handoff_ns %q, state_shift %q; want %q, %q", row["impl"], row["handoff_ns"], row["state_shift"], w[0], w[1])
		}
	}
}
