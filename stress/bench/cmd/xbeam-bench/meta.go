package main

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

// meta describes the run: the header of every output.
type meta struct {
	Date       string
	CPU        string
	Cores      int
	GOMAXPROCS int
	GoVersion  string
	Platform   string
	Command    string
	Settings   string
	// HandoffBefore and HandoffAfter are bench.LineHandoff's figure taken
	// before the first run and after the last (zero: not measured).
	HandoffBefore time.Duration
	HandoffAfter  time.Duration
}

// handoffRounds is the number of round trips of the header's hand-off
// measurements: a few tenths of a second on a slow virtual machine (a
// variable so that the tests can lower it, as cellHandoffRounds).
var handoffRounds = 100_000

// cellHandoffRounds is the size of the quick hand-off probe before each
// run, so that a cell measured in another state of the machine than the
// one the header records can be told (see stateShifted): a few
// milliseconds even on a slow virtual machine, against runs of up to
// -duration.
var cellHandoffRounds = 5_000

// probeHandoff returns bench.LineHandoff's figure over rounds round
// trips, or 0 where it declines.
func probeHandoff(rounds int) time.Duration {
	d, _ := bench.LineHandoff(rounds)
	return d
}

// shifted reports whether hand-off figure h is more than handoffShift away
// from ref, either way; false when either is not measured.
func shifted(h, ref time.Duration) bool {
	return h > 0 && ref > 0 && (h > ref*handoffShift || ref > h*handoffShift)
}

func collectMeta(o *options) meta {
	return meta{
		Date:          time.Now().UTC().Format("2006-01-02 15:04 MST"),
		CPU:           cpuModel(),
		Cores:         runtime.NumCPU(),
		GOMAXPROCS:    runtime.GOMAXPROCS(0),
		GoVersion:     runtime.Version(),
		Platform:      runtime.GOOS + "/" + runtime.GOARCH,
		Command:       o.cmdline,
		HandoffBefore: probeHandoff(handoffRounds),
		Settings: fmt.Sprintf("items %d, loop items %d, fork-join 2^%d leaves, fib(%d), task items %d, work %d, producers stop after %v, median of %d",
			o.items, o.loopItems, o.forkDepth, o.fibN, o.taskItems, o.work, o.duration, o.count),
	}
}

// lines returns the header as label, value pairs.
func (m meta) lines() [][2]string {
	return [][2]string{
		{"date", m.Date},
		{"machine", fmt.Sprintf("%s, %d logical cores, %s", m.CPU, m.Cores, m.Platform)},
		{"GOMAXPROCS", fmt.Sprint(m.GOMAXPROCS)},
		{"Go", m.GoVersion},
		{"command", m.Command},
		{"settings", m.Settings},
		{"handoff", m.handoff()},
	}
}

// handoff describes the hand-off figures for the header.
func (m meta) handoff() string {
	if m.HandoffBefore == 0 {
		return "not measured (GOMAXPROCS < 2)"
	}
	after := "not yet measured"
	if m.HandoffAfter != 0 {
		after = fmt.Sprintf("%d ns after", m.HandoffAfter.Nanoseconds())
	}
	line := fmt.Sprintf("%d ns before the runs, %s (one-way cache-line hand-off between two spinning goroutines; queue figures move with it)",
		m.HandoffBefore.Nanoseconds(), after)
	if shifted(m.HandoffAfter, m.HandoffBefore) {
		line += "; WARNING: it changed during the run, so the machine did: cells measured before and after the change do not compare"
	}
	return line
}

// handoffShift is the factor between the hand-off figures before and after
// the runs beyond which the header says the machine changed state: a
// virtual machine that moves its cores between hosts shows states several
// times apart, while one state's figures stay well within this factor.
const handoffShift = 2

func (m meta) text() string {
	var b strings.Builder
	for _, l := range m.lines() {
		fmt.Fprintf(&b, "%-11s %s\n", l[0]+":", l[1])
	}
	return b.String()
}

// cpuModel reads the CPU model from /proc/cpuinfo (Linux), or names the
// architecture.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown " + runtime.GOARCH + " CPU"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		switch strings.TrimSpace(k) {
		case "model name", "Processor", "cpu model", "uarch":
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
	}
	return "unknown " + runtime.GOARCH + " CPU"
}
