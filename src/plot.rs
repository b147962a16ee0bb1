//! The figures, drawn by one function generic over plotters' `DrawingBackend`: the
//! canvas backend in the page, the SVG backend in the command line and native tests.
//!
//! A figure panel is plain data ([`Panel`]: lines, dashed limits, dots with error
//! bars); builders turn a sweep, its theory and SGD runs into the panels of the
//! paper's Figures 1 and 2 (left: risk against N/d, log-x; right: risk against
//! samples, log-x, dashed large-n limits). [`draw_panel`] returns the [`Mapping`] from
//! data to pixels so the page can turn a mouse position into data coordinates.

pub mod either;
pub mod text;

use crate::experiment::{Stat, Theory};
use crate::model::ModelKind;
use crate::params::{Curve, SgdRegime};
use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::element::ErrorBar;
use plotters::prelude::*;

/// How a series is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mark {
    Line,
    Dashed,
    Dotted,
    /// Dots with vertical error bars (`err` = half-height).
    Dots,
}

/// One series of a panel.
#[derive(Clone, Debug)]
pub struct Series {
    pub label: String,
    pub color: (u8, u8, u8),
    pub mark: Mark,
    pub points: Vec<(f64, f64)>,
    /// Error-bar half-heights for [`Mark::Dots`] (empty otherwise).
    pub err: Vec<f64>,
}

/// One plot: axes, labels and series.
#[derive(Clone, Debug)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
    pub series: Vec<Series>,
    /// Where the legend goes (where the curves leave room).
    pub legend: Legend,
}

/// Legend placement inside the plotting area.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Legend {
    UpperRight,
    LowerLeft,
    /// Top-left corner at these fractions of the plotting area (from its top-left).
    At(f64, f64),
}

/// Sizes in CSS pixels, multiplied by `scale` (the device pixel ratio, or a
/// projector's zoom) so text and strokes stay the same apparent size.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub scale: f64,
    pub font_px: f64,
}

impl Default for Style {
    fn default() -> Self {
        Style { scale: 1.0, font_px: 14.0 }
    }
}

/// The data-to-pixel mapping of a drawn panel (log-x), for hover read-outs.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize)]
pub struct Mapping {
    /// Plotting area in backend pixels: left, top, right, bottom.
    pub px: (i32, i32, i32, i32),
    pub x_range: (f64, f64),
    pub y_range: (f64, f64),
}

impl Mapping {
    /// Data coordinates of a backend pixel, if inside the plotting area.
    pub fn to_data(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let (l, t, r, b) = (self.px.0 as f64, self.px.1 as f64, self.px.2 as f64, self.px.3 as f64);
        if x < l || x > r || y < t || y > b || r <= l || b <= t {
            return None;
        }
        let fx = (x - l) / (r - l);
        let fy = (b - y) / (b - t);
        let (x0, x1) = (self.x_range.0.ln(), self.x_range.1.ln());
        Some(((x0 + fx * (x1 - x0)).exp(), self.y_range.0 + fy * (self.y_range.1 - self.y_range.0)))
    }
}

/// A curve's colour (from the curve table, [`crate::params::CURVES`]).
pub fn curve_color(c: Curve) -> (u8, u8, u8) {
    c.color()
}

/// A curve's label in plots (from the curve table, [`crate::params::CURVES`]).
pub fn curve_label(c: Curve, kind: ModelKind) -> &'static str {
    c.label(kind)
}

/// The width panel's x axis extends this factor beyond its data (the theory lines
/// stop a little short of it: `explorer::THEORY_MARGIN`).
pub const AXIS_MARGIN: f64 = 1.15;

/// The left panel: theory lines and exact-population dots (mean +- std over draws).
pub fn width_panel(kind: ModelKind, d: usize, theory: &Theory, rho: &[f64], dots: &[(Curve, Vec<Stat>)]) -> Panel {
    let mut series = Vec::new();
    for (c, v) in &theory.curves {
        series.push(Series {
            label: curve_label(*c, kind).to_string(),
            color: curve_color(*c),
            mark: if *c == Curve::Bayes { Mark::Dotted } else { Mark::Line },
            points: theory.rho.iter().copied().zip(v.iter().copied()).filter(|p| p.1.is_finite()).collect(),
            err: Vec::new(),
        });
    }
    for (c, stats) in dots {
        let (mut points, mut err) = (Vec::new(), Vec::new());
        for (r, s) in rho.iter().zip(stats) {
            if s.count > 0 && s.mean.is_finite() {
                points.push((*r, s.mean));
                err.push(if s.std.is_finite() { s.std } else { 0.0 });
            }
        }
        // Dots share their theory line's legend entry (drawn as line + dot).
        series.push(Series { label: String::new(), color: curve_color(*c), mark: Mark::Dots, points, err });
    }
    let lo = rho.first().copied().unwrap_or(0.1).min(theory.rho.first().copied().unwrap_or(f64::INFINITY));
    let hi = rho.last().copied().unwrap_or(10.0).max(theory.rho.last().copied().unwrap_or(0.0));
    Panel {
        title: format!("{}, d = {d}: lines theory, dots simulation", kind_title(kind)),
        x_label: "N/d".into(),
        y_label: "test risk (normalised)".into(),
        x_range: (lo / AXIS_MARGIN, hi * AXIS_MARGIN),
        y_range: (0.0, 1.05),
        series,
        legend: match kind {
            ModelKind::Qf => Legend::UpperRight,
            ModelKind::Mg => Legend::LowerLeft,
        },
    }
}

fn kind_title(kind: ModelKind) -> &'static str {
    match kind {
        ModelKind::Qf => "Quadratic target (qf)",
        ModelKind::Mg => "Mixture of Gaussians (mg)",
    }
}

/// One SGD run as the right panel shows it.
#[derive(Clone, Debug)]
pub struct SgdCurve {
    pub regime: SgdRegime,
    pub samples: Vec<u64>,
    pub risk: Vec<f64>,
    pub limit: f64,
}

/// The right panel: risk against samples for NT and NN SGD, dashed large-n limits.
pub fn sgd_panel(kind: ModelKind, d: usize, n: usize, runs: &[SgdCurve], max_samples: u64) -> Panel {
    // log-x: the record at 0 samples (the initial risk) has no place on the axis.
    let points = |run: &SgdCurve| -> Vec<(f64, f64)> {
        run.samples.iter().zip(&run.risk).filter(|(s, r)| **s > 0 && r.is_finite()).map(|(s, r)| (*s as f64, *r)).collect()
    };
    let x_lo = runs.iter().filter_map(|r| r.samples.iter().copied().find(|s| *s > 0)).min().unwrap_or(100) as f64 / 1.2;
    let x_hi = max_samples.max(10) as f64 * 1.2;
    let y_hi = runs.iter().flat_map(|r| points(r).into_iter().map(|p| p.1).chain([r.limit])).filter(|v| v.is_finite()).fold(1.0f64, f64::max).min(3.0);
    let mut series = Vec::new();
    for run in runs {
        let c = run.regime.curve();
        let name = curve_label(c, kind);
        series.push(Series { label: format!("{name} SGD"), color: curve_color(c), mark: Mark::Line, points: points(run), err: Vec::new() });
        series.push(Series {
            label: format!("{name} large-n limit"),
            color: curve_color(c),
            mark: Mark::Dashed,
            points: vec![(x_lo, run.limit), (x_hi, run.limit)],
            err: Vec::new(),
        });
    }
    Panel {
        title: format!("One-pass SGD, d = {d}, N = {n}"),
        x_label: "samples".into(),
        y_label: "test risk (normalised)".into(),
        x_range: (x_lo, x_hi),
        y_range: (0.0, y_hi * 1.05),
        series,
        legend: Legend::UpperRight,
    }
}

fn rgb(c: (u8, u8, u8)) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

/// Where a legend box goes: its top-left corner relative to the plotting area (pixels),
/// and the top of the y axis that leaves it room (the panel's own top unless no spot
/// inside the data's range was free).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LegendSpot {
    pub x: i32,
    pub y: i32,
    pub y_top: f64,
}

/// Inset of a legend box from the plotting area's edges, and the clearance it keeps
/// from any drawn data (both in CSS pixels, times the style's scale).
const LEGEND_INSET: f64 = 5.0;
const LEGEND_CLEAR: f64 = 4.0;

/// The data of a panel as pixel geometry inside a plotting area of `plot` = (w, h)
/// pixels with y axis top `y_top`: line segments (polylines and error bars) and dots
/// (centre, radius). Points left or right of the x range are dropped as the drawing
/// drops them; y values are clamped as drawn.
/// A drawn line segment and a drawn dot (centre, radius), in pixels.
type Segment = ((f64, f64), (f64, f64));
type Dot = (f64, f64, f64);

fn data_pixels(panel: &Panel, plot: (i32, i32), y_top: f64, dot_r: f64) -> (Vec<Segment>, Vec<Dot>) {
    let (w, h) = (plot.0 as f64, plot.1 as f64);
    let (x0, x1) = (panel.x_range.0.max(1e-12), panel.x_range.1.max(panel.x_range.0 * 1.0001 + 1e-12));
    let (lx0, lx1) = (x0.ln(), x1.ln());
    let y0 = panel.y_range.0;
    let span = if y_top > y0 { y_top - y0 } else { 1.0 };
    let to_px = |p: (f64, f64)| ((p.0.ln() - lx0) / (lx1 - lx0) * w, h - (p.1.clamp(y0 - 1.0, y_top + 1.0) - y0) / span * h);
    let inside = |p: &(f64, f64)| p.0 >= x0 && p.0 <= x1 && p.1.is_finite() && p.0.is_finite();
    let (mut segs, mut dots) = (Vec::new(), Vec::new());
    for ser in &panel.series {
        let pts: Vec<(f64, f64)> = ser.points.iter().copied().filter(inside).map(to_px).collect();
        match ser.mark {
            Mark::Dots => {
                for (p, e) in ser.points.iter().zip(ser.err.iter().chain(std::iter::repeat(&0.0))) {
                    if !inside(p) {
                        continue;
                    }
                    let c = to_px(*p);
                    dots.push((c.0, c.1, dot_r));
                    if *e > 0.0 {
                        segs.push((to_px((p.0, p.1 - e)), to_px((p.0, p.1 + e))));
                    }
                }
            }
            _ => {
                if pts.len() == 1 {
                    dots.push((pts[0].0, pts[0].1, dot_r / 2.0));
                }
                segs.extend(pts.windows(2).map(|w| (w[0], w[1])));
            }
        }
    }
    (segs, dots)
}

/// Does the segment a-b come within `pad` of the rectangle (x, y, w, h)?
fn segment_hits(a: (f64, f64), b: (f64, f64), r: (f64, f64, f64, f64), pad: f64) -> bool {
    let (l, t, rr, bb) = (r.0 - pad, r.1 - pad, r.0 + r.2 + pad, r.1 + r.3 + pad);
    // Liang-Barsky clipping of the segment against the padded rectangle.
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let (mut u0, mut u1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.0 - l), (dx, rr - a.0), (-dy, a.1 - t), (dy, bb - a.1)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let u = q / p;
            if p < 0.0 {
                u0 = u0.max(u);
            } else {
                u1 = u1.min(u);
            }
            if u0 > u1 {
                return false;
            }
        }
    }
    true
}

/// Does any data drawn in a `plot`-sized plotting area (axis top `y_top`) come within
/// `pad` pixels of the box (x, y, w, h)?
pub fn legend_covers_data(panel: &Panel, plot: (i32, i32), y_top: f64, rect: (f64, f64, f64, f64), dot_r: f64, pad: f64) -> bool {
    let (segs, dots) = data_pixels(panel, plot, y_top, dot_r);
    segs.iter().any(|(a, b)| segment_hits(*a, *b, rect, pad))
        || dots.iter().any(|(cx, cy, r)| {
            let nx = cx.clamp(rect.0, rect.0 + rect.2);
            let ny = cy.clamp(rect.1, rect.1 + rect.3);
            (cx - nx).hypot(cy - ny) <= r + pad
        })
}

/// Where a `legend` = (w, h) pixel box goes in a `plot` = (w, h) pixel plotting area so
/// that it covers no data point, error bar or curve: the panel's preferred spot if it
/// is free, else the first free one of the four corners and the four edge middles;
/// if none is, the y axis is raised until the top band holds the box above every
/// point. `scale` is the style's (pixels per CSS pixel).
pub fn place_legend(panel: &Panel, plot: (i32, i32), legend: (i32, i32), scale: f64) -> LegendSpot {
    let (pw, ph) = plot;
    let (lw, lh) = legend;
    let inset = (LEGEND_INSET * scale).round() as i32;
    let (pad, dot_r) = (LEGEND_CLEAR * scale, 4.0 * scale + 1.0);
    let left = inset;
    let right = (pw - lw - inset).max(inset);
    let mid_x = ((pw - lw) / 2).max(inset);
    let top = inset;
    let bottom = (ph - lh - inset).max(inset);
    let mid_y = ((ph - lh) / 2).max(inset);
    let preferred = match panel.legend {
        Legend::UpperRight => (right, top),
        Legend::LowerLeft => (left, bottom),
        Legend::At(fx, fy) => (((pw as f64 * fx) as i32).clamp(inset, right), ((ph as f64 * fy) as i32).clamp(inset, bottom)),
    };
    let y_top = panel.y_range.1;
    let candidates = [preferred, (right, top), (left, top), (right, bottom), (left, bottom), (mid_x, top), (right, mid_y), (left, mid_y), (mid_x, bottom)];
    let fits = lw + 2 * inset <= pw && lh + 2 * inset <= ph;
    if fits {
        for (x, y) in candidates {
            if !legend_covers_data(panel, plot, y_top, (x as f64, y as f64, lw as f64, lh as f64), dot_r, pad) {
                return LegendSpot { x, y, y_top };
            }
        }
    }
    // No free spot: raise the axis so that every point sits below the legend's band.
    // A point at value v is drawn at h (1 - (v - y0) / (top - y0)); it must be lower
    // than the band's bottom b = lh + inset + pad + dot radius.
    let y0 = panel.y_range.0;
    let band = ((lh + inset) as f64 + pad + dot_r) / ph.max(1) as f64;
    let highest = panel
        .series
        .iter()
        .flat_map(|s| s.points.iter().zip(s.err.iter().copied().chain(std::iter::repeat(0.0))).map(|(p, e)| p.1 + e))
        .filter(|v| v.is_finite())
        .fold(y0, f64::max)
        .min(y_top + 1.0);
    let band = band.min(0.6);
    let raised = y0 + (highest - y0) / (1.0 - band);
    LegendSpot { x: right, y: top, y_top: raised.max(y_top) }
}

/// The chart of a panel on `area` with y axis top `y_top`, before any data is drawn.
fn chart_of<'a, DB: DrawingBackend + 'a>(
    area: &'a DrawingArea<DB, Shift>,
    panel: &Panel,
    style: &Style,
    y_top: f64,
) -> Result<ChartContext<'a, DB, Cartesian2d<LogCoord<f64>, RangedCoordf64>>, String> {
    let s = style.scale.max(0.25);
    let px = |v: f64| ((v * s).round() as i32).max(1);
    let font = style.font_px * s;
    let (x0, x1) = (panel.x_range.0.max(1e-12), panel.x_range.1.max(panel.x_range.0 * 1.0001 + 1e-12));
    let (w, _) = area.dim_in_pixel();
    let title_font = (FontFamily::SansSerif, font * 1.1).into_font();
    // A title too wide for a narrow panel keeps only its part before the colon.
    let fits = |t: &str| (t.chars().count() as f64 * font * 1.1 * 0.55) < w as f64;
    let title = if fits(&panel.title) { panel.title.as_str() } else { panel.title.split(':').next().unwrap_or("") };
    ChartBuilder::on(area)
        .caption(title, title_font)
        .margin(px(10.0))
        .x_label_area_size(px(3.0 * style.font_px))
        .y_label_area_size(px(3.6 * style.font_px))
        .build_cartesian_2d((x0..x1).log_scale(), panel.y_range.0..y_top)
        .map_err(|e| e.to_string())
}

/// The legend's series (those with a label), in drawing order.
fn labelled(panel: &Panel) -> Vec<&Series> {
    panel.series.iter().filter(|s| !s.label.is_empty()).collect()
}

/// The legend's font size in pixels, and the distance between its lines.
fn legend_font(style: &Style) -> (f64, i32) {
    let px = style.font_px * style.scale.max(0.25) * 0.85;
    (px, (px * 1.25).round() as i32)
}

/// The legend box's size in pixels: its widest label ([`text::size`]) beside the marks,
/// its lines, and a margin all round.
fn legend_size(panel: &Panel, style: &Style) -> Result<(i32, i32), String> {
    let s = style.scale.max(0.25);
    let (px, line) = legend_font(style);
    let labels = labelled(panel);
    let w = labels.iter().map(|l| text::size(&l.label, px).0 as i32).max().unwrap_or(0);
    let h = if labels.is_empty() { 0 } else { line * (labels.len() as i32 - 1) + text::line_height(px) as i32 };
    let (mark, margin) = (legend_mark_px(s), legend_margin_px(s));
    Ok((w + mark + 2 * margin, h + 2 * margin))
}

fn legend_mark_px(s: f64) -> i32 {
    ((30.0 * s).round() as i32).max(1)
}
fn legend_margin_px(s: f64) -> i32 {
    ((8.0 * s).round() as i32).max(1)
}

/// A pixel range of the plotting area, (first, last).
pub type PixelRange = (i32, i32);

/// The legend's position and the axis top for a panel drawn on `area` (a dry layout on
/// a backend of the same size that draws nothing: text is measured by [`text::size`] on
/// every backend the panels are drawn on, so the plotting area comes out the same).
pub fn legend_layout<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel, style: &Style) -> Result<(PixelRange, PixelRange, LegendSpot), String> {
    let dims = area.dim_in_pixel();
    let (xr, yr) = {
        let dry = text::Dry(dims).into_drawing_area();
        let chart = chart_of(&dry, panel, style, panel.y_range.1)?;
        chart.plotting_area().get_pixel_range()
    };
    let plot = (xr.end - xr.start, yr.end - yr.start);
    let legend = legend_size(panel, style)?;
    let spot = if labelled(panel).is_empty() { LegendSpot { x: 0, y: 0, y_top: panel.y_range.1 } } else { place_legend(panel, plot, legend, style.scale.max(0.25)) };
    Ok((plot, legend, spot))
}

/// Draw a panel (log-x, linear y) with its legend where it covers no data
/// ([`place_legend`]); returns the pixel mapping.
pub fn draw_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &Panel, style: &Style) -> Result<Mapping, String> {
    let s = style.scale.max(0.25);
    let px = |v: f64| ((v * s).round() as i32).max(1);
    let font = style.font_px * s;
    area.fill(&WHITE).map_err(|e| e.to_string())?;
    let (_, legend, spot) = legend_layout(area, panel, style)?;
    let (x0, x1) = (panel.x_range.0.max(1e-12), panel.x_range.1.max(panel.x_range.0 * 1.0001 + 1e-12));
    let (y0, y1) = (panel.y_range.0, spot.y_top);
    let (w, _) = area.dim_in_pixel();
    let mut chart = chart_of(area, panel, style, y1)?;
    let label_font = (FontFamily::SansSerif, font).into_font();
    chart
        .configure_mesh()
        .x_desc(&panel.x_label)
        .y_desc(&panel.y_label)
        .label_style(label_font.clone())
        .axis_desc_style(label_font.clone())
        .x_labels(if (w as f64) < 420.0 * s { 5 } else { 9 })
        .y_labels(6)
        .x_label_formatter(&|v| fmt_tick(*v))
        .y_label_formatter(&|v| format!("{v:.1}"))
        .light_line_style(RGBColor(235, 235, 235))
        .bold_line_style(RGBColor(210, 210, 210))
        .draw()
        .map_err(|e| e.to_string())?;
    let clip = |p: &(f64, f64)| p.0 >= x0 && p.0 <= x1;
    let lw = px(2.0) as u32;
    for ser in &panel.series {
        let color = rgb(ser.color);
        let pts: Vec<(f64, f64)> = ser.points.iter().copied().filter(clip).map(|(x, y)| (x, y.clamp(y0 - 1.0, y1 + 1.0))).collect();
        match ser.mark {
            Mark::Line => chart.draw_series(LineSeries::new(pts, color.stroke_width(lw))),
            Mark::Dashed => chart.draw_series(DashedLineSeries::new(pts, px(8.0) as u32, px(5.0) as u32, color.stroke_width(lw))),
            Mark::Dotted => chart.draw_series(DashedLineSeries::new(pts, px(2.0) as u32, px(4.0) as u32, color.stroke_width(lw))),
            Mark::Dots => {
                let errs: Vec<(f64, f64, f64)> = ser.points.iter().zip(&ser.err).filter(|(p, _)| clip(p)).map(|(p, e)| (p.0, p.1 - e, p.1 + e)).collect();
                chart
                    .draw_series(errs.iter().map(|(x, lo, hi)| ErrorBar::new_vertical(*x, *lo, (lo + hi) / 2.0, *hi, color.stroke_width(px(1.5) as u32), px(6.0) as u32)))
                    .map_err(|e| e.to_string())?;
                chart.draw_series(pts.iter().map(|p| Circle::new(*p, px(4.0), color.filled())))
            }
        }
        .map_err(|e| e.to_string())?;
    }
    draw_legend(&chart.plotting_area().strip_coord_spec(), panel, style, legend, &spot, lw, px(4.0))?;
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    Ok(Mapping { px: (xr.start, yr.start, xr.end, yr.end), x_range: (x0, x1), y_range: (y0, y1) })
}

/// The legend, of size `(w, h)` ([`legend_size`]), at `spot` (pixels from the plotting
/// area's corner, [`place_legend`]): a white box, and a line per labelled series, its
/// mark then its label.
fn draw_legend<DB: DrawingBackend>(plot: &DrawingArea<DB, Shift>, panel: &Panel, style: &Style, (w, h): (i32, i32), spot: &LegendSpot, lw: u32, r: i32) -> Result<(), String> {
    let series = labelled(panel);
    if series.is_empty() {
        return Ok(());
    }
    let s = style.scale.max(0.25);
    let (mark_w, margin) = (legend_mark_px(s), legend_margin_px(s));
    let (lpx, line) = legend_font(style);
    let text_h = text::line_height(lpx) as i32;
    let font = (FontFamily::SansSerif, lpx).into_font();
    let rect = [(spot.x, spot.y), (spot.x + w, spot.y + h)];
    let e = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    plot.draw(&Rectangle::new(rect, WHITE.mix(0.85).filled())).map_err(e)?;
    plot.draw(&Rectangle::new(rect, RGBColor(180, 180, 180))).map_err(e)?;
    for (i, ser) in series.iter().enumerate() {
        let top = spot.y + margin + i as i32 * line;
        plot.draw(&Text::new(ser.label.as_str(), (spot.x + margin + mark_w, top), font.clone())).map_err(e)?;
        // One glyph type for every mark: two segments and a dot (hidden unless the
        // series, or another of its colour, has dots).
        let color = rgb(ser.color);
        let with_dot = ser.mark == Mark::Dots || panel.series.iter().any(|o| o.mark == Mark::Dots && o.color == ser.color && !o.points.is_empty());
        let unit = (lw as i32).max(1) * 10;
        let (seg1, seg2) = match ser.mark {
            Mark::Dashed | Mark::Dotted => (vec![(0, 0), (unit / 4, 0)], vec![(unit / 2, 0), (3 * unit / 4, 0)]),
            _ => (vec![(0, 0), (unit, 0)], vec![(unit, 0), (unit, 0)]),
        };
        let dot = if with_dot { color.filled() } else { color.mix(0.0).filled() };
        let glyph = EmptyElement::at((spot.x + margin, top + text_h / 2))
            + PathElement::new(seg1, color.stroke_width(lw))
            + PathElement::new(seg2, color.stroke_width(lw))
            + Circle::new((unit / 2, 0), r, dot);
        plot.draw(&glyph).map_err(e)?;
    }
    Ok(())
}

fn fmt_tick(v: f64) -> String {
    if v >= 1e4 {
        let e = v.log10().floor();
        let m = v / 10f64.powf(e);
        if (m - 1.0).abs() < 1e-6 { format!("1e{e}") } else { format!("{m:.0}e{e}") }
    } else if v >= 10.0 {
        format!("{v:.0}")
    } else if v >= 1.0 {
        format!("{v:.1}").trim_end_matches(".0").to_string()
    } else {
        format!("{v:.2}").trim_end_matches('0').to_string()
    }
}

/// Draw a figure: the width panel on the left and the SGD panel on the right (side by
/// side when wide, stacked when narrow). Returns the two mappings.
pub fn draw_figure<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, left: &Panel, right: &Panel, style: &Style) -> Result<(Mapping, Mapping), String> {
    let (w, h) = area.dim_in_pixel();
    let (a, b) = if w as f64 >= 1.3 * h as f64 { area.split_horizontally(w / 2) } else { area.split_vertically(h / 2) };
    Ok((draw_panel(&a, left, style)?, draw_panel(&b, right, style)?))
}
