package main

import (
	"fmt"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
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
		var names []string
		var vals plotter.Values
		for _, impl := range g.impls {
			c := g.cells[key(impl.Name, g.ps[0])]
			if c == nil || c.result().Err != nil {
				continue
			}
			names = append(names, impl.Name)
			vals = append(vals, c.result().Mops())
		}
		if len(vals) > 0 {
			bars, err := plotter.NewBarChart(vals, vg.Points(20))
			if err != nil {
				return err
			}
			bars.Color = plotutil.Color(0)
			p.Add(bars)
			p.NominalX(names...)
			p.X.Tick.Label.Rotation = math.Pi / 6
			p.X.Tick.Label.XAlign = -0.8
			p.X.Tick.Label.YAlign = -0.5
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
	for _, impl := range g.impls {
		var pts plotter.XYs
		for _, x := range g.ps {
			c := g.cells[key(impl.Name, x)]
			if c == nil || c.result().Err != nil {
				continue
			}
			pts = append(pts, plotter.XY{X: float64(x), Y: c.result().Mops()})
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
	return p.Save(8*vg.Inch, 5*vg.Inch, path)
}
