package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// chart draws one workload: throughput against P, one line per
// implementation (failed runs left out), or a bar per implementation when
// the workload runs at one P only.
func (r *report) chart(g *group, path string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s\n%s, %d cores, GOMAXPROCS %d, %s, %s",
		g.w.Name, g.w.Doc, r.meta.CPU, r.meta.Cores, r.meta.GOMAXPROCS, r.meta.GoVersion, r.meta.Date)
	p.Y.Label.Text = "Mops/s"
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true

	if len(g.ps) == 1 {
		// One bar per implementation: xbeam's in one colour, the peers'
		// in another.
		var names []string
		top := 0.0
		legend := map[bool]bool{}
		for _, impl := range g.impls {
			c := g.cells[key(impl.Name, g.ps[0])]
			if c == nil || c.result().Err != nil {
				continue
			}
			bar, err := plotter.NewBarChart(plotter.Values{c.result().Mops()}, vg.Points(20))
			if err != nil {
				return err
			}
			bar.XMin = float64(len(names))
			bar.Color = plotutil.Color(0)
			if impl.Peer {
				bar.Color = plotutil.Color(2)
			}
			p.Add(bar)
			if !legend[impl.Peer] {
				legend[impl.Peer] = true
				p.Legend.Add(map[bool]string{true: "peer", false: "xbeam"}[impl.Peer], bar)
			}
			names = append(names, impl.Name)
			top = max(top, c.result().Mops())
		}
		p.Y.Max = top * 1.15 // room for the legend
		if len(names) > 0 {
			p.NominalX(names...)
			p.X.Tick.Label.Rotation = math.Pi / 6
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YCenter
			p.Legend.Left = false
		}
		p.X.Label.Text = fmt.Sprintf("P=%d", g.ps[0])
		return p.Save(vg.Length(max(4, len(names)))*vg.Inch*0.9, 5*vg.Inch, path)
	}

	p.X.Label.Text = "P"
	p.X.Scale = plot.LogScale{}
	var ticks []plot.Tick
	for _, x := range g.ps {
		ticks = append(ticks, plot.Tick{Value: float64(x), Label: fmt.Sprint(x)})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Min, p.X.Max = float64(g.ps[0])/1.2, float64(g.ps[len(g.ps)-1])*1.2
	var lines []any
	top := 0.0
	for _, impl := range g.impls {
		var pts plotter.XYs
		for _, x := range g.ps {
			c := g.cells[key(impl.Name, x)]
			if c == nil || c.result().Err != nil {
				continue
			}
			pts = append(pts, plotter.XY{X: float64(x), Y: c.result().Mops()})
			top = max(top, c.result().Mops())
		}
		if len(pts) > 0 {
			name := impl.Name
			if !impl.Peer {
				name += " (xbeam)"
			}
			lines = append(lines, name, pts)
		}
	}
	if err := plotutil.AddLinePoints(p, lines...); err != nil {
		return err
	}
	// Headroom above the highest point for the legend (one line per
	// implementation, top left), so that it does not hide the data.
	p.Y.Max = top * (1 + 0.06*float64(len(lines)/2+1))
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}
