package main

import (
	"fmt"
	"io"
	"time"

	"github.com/xbeam/xbeam/stress/bench/internal/bench"
)

// progress prints which run is going and about how long is left: one line
// rewritten in place on a terminal, one line per run otherwise.
type progress struct {
	w      io.Writer
	total  int
	n      int // runs started
	fails  int
	term   bool
	quiet  bool
	t0     time.Time
	spent  time.Duration // wall time of the finished runs
	runT0  time.Time
	lastLn int // length of the last line written on a terminal
}

func newProgress(w io.Writer, total int, term, quiet bool) *progress {
	return &progress{w: w, total: total, term: term, quiet: quiet, t0: time.Now()}
}

func (p *progress) start(what string, round int) {
	p.n++
	p.runT0 = time.Now()
	if p.quiet {
		return
	}
	left := "?"
	if done := p.n - 1; done > 0 {
		left = "~" + clock(p.spent/time.Duration(done)*time.Duration(p.total-done))
	}
	if round > 0 {
		what += fmt.Sprintf(" (round %d)", round+1)
	}
	line := fmt.Sprintf("[%*d/%d] %s elapsed, %s left: %s", len(fmt.Sprint(p.total)), p.n, p.total, clock(time.Since(p.t0)), left, what)
	if p.fails > 0 {
		line += fmt.Sprintf(" (%d FAIL so far)", p.fails)
	}
	if p.term {
		fmt.Fprintf(p.w, "\r%-*s", p.lastLn, line)
		p.lastLn = len(line)
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done(r bench.Result) {
	p.spent += time.Since(p.runT0)
	if r.Err != nil {
		p.fails++
		if !p.quiet {
			if p.term {
				fmt.Fprintln(p.w)
				p.lastLn = 0
			}
			fmt.Fprintf(p.w, "  FAIL: %v\n", r.Err)
		}
	}
}

func (p *progress) finish() {
	if p.quiet {
		return
	}
	if p.term {
		fmt.Fprintln(p.w)
	}
	fmt.Fprintf(p.w, "%d runs in %s\n", p.total, clock(time.Since(p.t0)))
}

// clock formats d as m:ss.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
