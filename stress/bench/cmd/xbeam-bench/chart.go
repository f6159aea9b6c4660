package main

import (
	"fmt"
	"math"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// newCanvas makes a canvas of w by h in format.
//
// An SVG names its fonts (Liberation, with a generic fallback) rather than
// embedding them, which would add half a megabyte to each file; a viewer
// may draw the text in a wider font than the one measured here. So the
// layout leaves room: text grows to the right into the legend's slack, or
// to both sides of the centred title.
func newCanvas(w, h vg.Length, format string) vg.CanvasWriterTo {
	if format == "svg" {
		return vgsvg.New(w, h)
	}
	return vgimg.PngCanvas{Canvas: vgimg.New(w, h)}
}

// fontSlack is the share by which text may come out wider in a viewer's
// substitute font.
const fontSlack = 0.3

// Chart geometry. The figure is as wide as its widest part: the title, or
// the plot beside the legend, which stands to the right of the plot, off
// the data.
const (
	chartHeight  = 5 * vg.Inch
	lineWidth    = 6.5 * vg.Inch // the plot area and axes of a line chart
	barPitch     = 0.9 * vg.Inch // per bar of a bar chart
	barAxes      = 1.2 * vg.Inch // the y axis and margins of a bar chart
	chartMargin  = 0.25 * vg.Inch
	legendMargin = 0.15 * vg.Inch
)

// chart draws one workload into path, in format (svg or png): throughput
// against P, one line per implementation (failed runs left out), or one bar
// per implementation when the workload runs at one P only.
func (r *report) chart(g *group, path, format string) error {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s: %s\n%s, %d cores, GOMAXPROCS %d, %s, %s",
		g.w.Name, g.w.Doc, r.meta.CPU, r.meta.Cores, r.meta.GOMAXPROCS, r.meta.GoVersion, r.meta.Date)
	p.Y.Label.Text = fmt.Sprintf("throughput (million %s per second)", g.w.Unit)
	p.Y.Min = 0
	legend := plot.NewLegend()
	top := 0.0

	var plotWidth vg.Length
	if len(g.ps) == 1 {
		// One bar per implementation: xbeam's in one colour, the peers'
		// in another.
		var names []string
		inLegend := map[bool]bool{}
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
			if !inLegend[impl.Peer] {
				inLegend[impl.Peer] = true
				legend.Add(map[bool]string{true: "peer", false: "xbeam"}[impl.Peer], bar)
			}
			names = append(names, impl.Name)
			top = max(top, c.result().Mops())
		}
		if len(names) > 0 {
			p.NominalX(names...)
			p.X.Tick.Label.Rotation = math.Pi / 6
			p.X.Tick.Label.XAlign = draw.XRight
			p.X.Tick.Label.YAlign = draw.YCenter
		}
		p.X.Label.Text = fmt.Sprintf("implementation (P=%d)", g.ps[0])
		plotWidth = barAxes + barPitch*vg.Length(max(len(names), 3))
	} else {
		p.X.Label.Text = "P: " + g.w.PMeaning
		p.X.Scale = plot.LogScale{}
		var ticks []plot.Tick
		for _, x := range g.ps {
			ticks = append(ticks, plot.Tick{Value: float64(x), Label: fmt.Sprint(x)})
		}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.X.Min, p.X.Max = float64(g.ps[0])/1.2, float64(g.ps[len(g.ps)-1])*1.2
		for i, impl := range g.impls {
			var pts plotter.XYs
			for _, x := range g.ps {
				c := g.cells[key(impl.Name, x)]
				if c == nil || c.result().Err != nil {
					continue
				}
				pts = append(pts, plotter.XY{X: float64(x), Y: c.result().Mops()})
				top = max(top, c.result().Mops())
			}
			if len(pts) == 0 {
				continue
			}
			line, points, err := plotter.NewLinePoints(pts)
			if err != nil {
				return err
			}
			line.Color = plotutil.Color(i)
			line.Dashes = plotutil.Dashes(i)
			points.Color = plotutil.Color(i)
			points.Shape = plotutil.Shape(i)
			p.Add(line, points)
			name := impl.Name
			if !impl.Peer {
				name += " (xbeam)"
			}
			legend.Add(name, line, points)
		}
		plotWidth = lineWidth
	}

	p.Y.Max = top * 1.05 // the highest point clear of the frame

	// The legend's size does not depend on the canvas it is measured on.
	lr := legend.Rectangle(draw.New(newCanvas(vg.Inch, vg.Inch, format)))
	legendWidth := (lr.Max.X-lr.Min.X)*(1+fontSlack) + 2*legendMargin
	// The title is centred over the plot, which must be at least as wide.
	plotWidth = max(plotWidth, p.Title.TextStyle.Width(p.Title.Text)*(1+fontSlack)+2*chartMargin)
	width := plotWidth + legendWidth

	c := newCanvas(width, chartHeight, format)
	dc := draw.New(c)
	// The legend stands right of the plot, below the title, each entry's
	// mark on the left of its name.
	legend.Top, legend.Left = true, true
	legend.XOffs = legendMargin
	legend.YOffs = -(p.Title.TextStyle.Height(p.Title.Text) + p.Title.Padding + legendMargin)
	legend.Draw(draw.Crop(dc, plotWidth, 0, 0, 0))
	p.Draw(draw.Crop(dc, 0, -legendWidth, 0, 0))

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := c.WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
