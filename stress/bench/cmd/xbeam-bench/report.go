package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

// report turns the finished cells into tables, a CSV file and charts.
type report struct {
	meta   meta
	groups []*group
}

// group is one workload's cells.
type group struct {
	w     *bench.Workload
	ps    []int
	impls []*bench.Impl
	cells map[string]*cell // by impl name + "/" + P
	// handoffRef is the header's hand-off figure before the runs, the
	// reference of stateShifted (zero: not measured).
	handoffRef time.Duration
}

func key(impl string, p int) string { return impl + "/" + strconv.Itoa(p) }

func newReport(m meta, cells []*cell) *report {
	r := &report{meta: m}
	byW := map[*bench.Workload]*group{}
	for _, c := range cells {
		g := byW[c.w]
		if g == nil {
			g = &group{w: c.w, cells: map[string]*cell{}, handoffRef: m.HandoffBefore}
			byW[c.w] = g
			r.groups = append(r.groups, g)
		}
		if !slices.Contains(g.ps, c.p) {
			g.ps = append(g.ps, c.p)
		}
		if !slices.Contains(g.impls, c.impl) {
			g.impls = append(g.impls, c.impl)
		}
		g.cells[key(c.impl.Name, c.p)] = c
	}
	for _, g := range r.groups {
		slices.Sort(g.ps)
	}
	return r
}

func (r *report) failed() int {
	n := 0
	for _, g := range r.groups {
		for _, c := range g.cells {
			if c.result().Err != nil {
				n++
			}
		}
	}
	return n
}

// baseMops returns the throughput at P of the workload's yardstick (the Go
// channel, or the sequential loop), if it ran and passed.
func (g *group) baseMops(p int) (float64, bool) {
	if g.w.Base() == "" {
		return 0, false
	}
	c := g.cells[key(g.w.Base(), p)]
	if c == nil || c.result().Err != nil {
		return 0, false
	}
	return c.result().Mops(), true
}

// bestPeer returns the fastest passing peer at P (the sequential loop is a
// baseline, not a peer).
func (g *group) bestPeer(p int) (string, float64, bool) {
	name, best := "", 0.0
	for _, impl := range g.impls {
		c := g.cells[key(impl.Name, p)]
		if !impl.Peer || impl.Name == bench.SequentialName || c == nil || c.result().Err != nil {
			continue
		}
		if m := c.result().Mops(); m > best {
			name, best = impl.Name, m
		}
	}
	return name, best, name != ""
}

// bestPeers names the best peer at each P, or returns "".
func (g *group) bestPeers() string {
	var best []string
	for _, p := range g.ps {
		if name, _, ok := g.bestPeer(p); ok {
			best = append(best, fmt.Sprintf("P=%d %s", p, name))
		}
	}
	return strings.Join(best, ", ")
}

// ratios returns the cell's ratio to the workload's base and to the best peer, or
// NaN-free blanks ("") where there is none.
func (g *group) ratios(c *cell) (toBase, toBest string) {
	res := c.result()
	if res.Err != nil {
		return "", ""
	}
	if m, ok := g.baseMops(c.p); ok && m > 0 {
		toBase = fmt.Sprintf("%.2f", res.Mops()/m)
	}
	if _, m, ok := g.bestPeer(c.p); ok && m > 0 {
		toBest = fmt.Sprintf("%.2f", res.Mops()/m)
	}
	return toBase, toBest
}

// stateShifted reports whether any of c's runs started with the machine's
// hand-off time more than handoffShift away from the header's first figure:
// the machine was in another state then, and the cell compares with cells
// of the header's state only with care.
func (g *group) stateShifted(c *cell) bool {
	for _, h := range c.handoffs {
		if shifted(h, g.handoffRef) {
			return true
		}
	}
	return false
}

// cellText renders a cell as "Mops (x base / x best)", or FAIL.
func (g *group) cellText(c *cell) string {
	if c == nil {
		return ""
	}
	res := c.result()
	if res.Err != nil {
		return "FAIL"
	}
	s := fmt.Sprintf("%.2f", res.Mops())
	if res.Truncated {
		s += "*"
	}
	if g.stateShifted(c) {
		s += "~"
	}
	toBase, toBest := g.ratios(c)
	if toBase == "" {
		toBase = "-"
	}
	if toBest == "" {
		toBest = "-"
	}
	return fmt.Sprintf("%s (%s / %s)", s, toBase, toBest)
}

const legend = "Mops/s (ratio to the base / ratio to the best peer at the same P; the base is chan for the queue workloads and sequential for the task workloads, where the ratio is the speed-up; the best peer is the fastest implementation that is not xbeam's or the base); * = stopped at the deadline before all items were done (the rate is still exact); ~ = the machine's hand-off time before the run was more than 2x off the header's first figure (another state of the machine: compare with care); FAIL = the run failed its check (no number)"

// text renders the terminal tables.
func (r *report) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", legend)
	for _, g := range r.groups {
		fmt.Fprintf(&b, "\n%s: %s\n", g.w.Name, g.w.Doc)
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprint(tw, "impl")
		for _, p := range g.ps {
			fmt.Fprintf(tw, "\tP=%d", p)
		}
		fmt.Fprintln(tw)
		for _, impl := range g.impls {
			fmt.Fprint(tw, impl.Name)
			for _, p := range g.ps {
				fmt.Fprintf(tw, "\t%s", g.cellText(g.cells[key(impl.Name, p)]))
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		if best := g.bestPeers(); best != "" {
			fmt.Fprintf(&b, "best peer: %s\n", best)
		}
		for _, impl := range g.impls {
			for _, p := range g.ps {
				if c := g.cells[key(impl.Name, p)]; c != nil && c.result().Err != nil {
					fmt.Fprintf(&b, "FAIL %s P=%d: %v\n", impl.Name, p, c.result().Err)
				}
			}
		}
	}
	return b.String()
}

// mdEscape escapes the cell markers that Markdown would read as emphasis or
// strikethrough.
var mdEscape = strings.NewReplacer("*", `\*`, "~", `\~`)

// markdown renders the header and one table per workload (the best peer
// at each P is the one whose second ratio is 1.00).
func (r *report) markdown() string {
	var b strings.Builder
	b.WriteString("<!-- generated by xbeam-bench; do not edit by hand -->\n\n")
	for _, l := range r.meta.lines() {
		v := l[1]
		if l[0] == "command" {
			v = "`" + v + "`"
		}
		fmt.Fprintf(&b, "- %s: %s\n", l[0], v)
	}
	fmt.Fprintf(&b, "\nCells: %s.\n", legend)
	for _, g := range r.groups {
		fmt.Fprintf(&b, "\n#### %s: %s\n\n| impl |", g.w.Name, g.w.Doc)
		for _, p := range g.ps {
			fmt.Fprintf(&b, " P=%d |", p)
		}
		b.WriteString("\n|---|")
		for range g.ps {
			b.WriteString("---:|")
		}
		b.WriteString("\n")
		for _, impl := range g.impls {
			name := impl.Name
			if !impl.Peer {
				name = "**" + name + "**"
			}
			fmt.Fprintf(&b, "| %s |", name)
			for _, p := range g.ps {
				fmt.Fprintf(&b, " %s |", mdEscape.Replace(g.cellText(g.cells[key(impl.Name, p)])))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// csvHeader names the CSV columns.
var csvHeader = []string{"workload", "impl", "peer", "P", "items", "ops", "elapsed_s", "mops", "truncated", "status", "ratio_base", "ratio_best_peer", "runs", "handoff_ns", "state_shift", "error"}

// writeCSV writes '#'-prefixed header lines, then one row per cell.
func (r *report) writeCSV(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	for _, l := range r.meta.lines() {
		fmt.Fprintf(f, "# %s: %s\n", l[0], l[1])
	}
	cw := csv.NewWriter(f)
	cw.Write(csvHeader)
	for _, g := range r.groups {
		for _, impl := range g.impls {
			for _, p := range g.ps {
				c := g.cells[key(impl.Name, p)]
				if c == nil {
					continue
				}
				res := c.result()
				status, mops, errText := "ok", fmt.Sprintf("%.4f", res.Mops()), ""
				if res.Err != nil {
					status, mops, errText = "FAIL", "", res.Err.Error()
				}
				toBase, toBest := g.ratios(c)
				cw.Write([]string{g.w.Name, impl.Name, strconv.FormatBool(impl.Peer), strconv.Itoa(p),
					strconv.Itoa(c.items), strconv.FormatUint(res.Ops, 10),
					fmt.Sprintf("%.6f", res.Elapsed.Seconds()), mops, strconv.FormatBool(res.Truncated),
					status, toBase, toBest, strconv.Itoa(len(c.runs)), handoffText(c.handoffs),
					strconv.FormatBool(g.stateShifted(c)), errText})
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// handoffText is the median of a cell's hand-off figures in nanoseconds, or
// "" if none was measured.
func handoffText(hs []time.Duration) string {
	if len(hs) == 0 {
		return ""
	}
	return strconv.FormatInt(median(hs, cmp.Compare[time.Duration]).Nanoseconds(), 10)
}

// write writes results.csv, results.md and one chart per workload and format into dir
// and returns the file names.
func (r *report) write(dir string, formats []string) ([]string, error) {
	files := []string{"results.csv", "results.md"}
	if err := r.writeCSV(filepath.Join(dir, files[0])); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, files[1]), []byte(r.markdown()), 0o644); err != nil {
		return nil, err
	}
	for _, g := range r.groups {
		for _, format := range formats {
			name := g.w.Name + "." + format
			if err := r.chart(g, filepath.Join(dir, name), format); err != nil {
				return nil, fmt.Errorf("chart %s: %w", name, err)
			}
			files = append(files, name)
		}
	}
	return files, nil
}
