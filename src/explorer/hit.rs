//! Hover read-outs: the point of a drawn panel nearest to a pixel. Pure pixel
//! geometry over the last drawing (its series, their names, the data-to-pixel
//! [`Mapping`] and the scale it was drawn at); no maths.

use crate::plot::{Mapping, Mark, Panel};

/// A dot within this many CSS pixels wins over a nearer line.
pub const DOT_PRIORITY_PX: f64 = 5.0;
/// Nothing farther than this many CSS pixels is a hit.
pub const HIT_RADIUS_PX: f64 = 40.0;

/// A panel as last drawn.
pub struct Drawn {
    pub panel: Panel,
    /// A name per series (for read-outs and exports).
    pub names: Vec<String>,
    pub map: Mapping,
    pub scale: f64,
}

/// What the pointer is on.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Hit {
    pub series: String,
    pub x: f64,
    pub y: f64,
    /// The standard deviation of a dot (none for a line).
    pub err: Option<f64>,
    #[serde(rename = "xLabel")]
    pub x_label: String,
    #[serde(rename = "yLabel")]
    pub y_label: String,
    /// The read-out as the page shows it: `NN exact (d = 30): N/d = 0.500, risk =
    /// 0.412 ± 0.010`.
    pub text: String,
}

/// A number to 3 significant digits as JavaScript's `toPrecision(3)` writes it, with
/// thousands separators from 1000 up (sample counts).
pub fn sig3(v: f64) -> String {
    sig(v, 3)
}

/// A number to `digits` significant digits (at least 1) as JavaScript's
/// `toPrecision(digits)` writes it, but whole from 1000 up, with thousands separators.
pub fn sig(v: f64, digits: usize) -> String {
    let digits = digits.max(1);
    if !v.is_finite() {
        return String::new();
    }
    if v.abs() >= 1000.0 {
        let whole = format!("{:.0}", v.abs());
        let mut out = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(ch);
        }
        return if v < 0.0 { format!("-{out}") } else { out };
    }
    if v == 0.0 {
        return format!("{:.*}", digits - 1, 0.0);
    }
    let e = format!("{:.*e}", digits - 1, v);
    let exp: i32 = e.split('e').nth(1).and_then(|x| x.parse().ok()).unwrap_or(0);
    if exp < -6 {
        // toPrecision's exponential form: 1.23e-7
        let (m, x) = e.split_once('e').unwrap_or((&e, "0"));
        return format!("{m}e{x}");
    }
    format!("{v:.*}", (digits as i32 - 1 - exp).max(0) as usize)
}

/// The page's read-out of a hit on a panel (`overlap` on panel 2, `risk` else).
fn read_out(series: &str, x_name: &str, y_name: &str, x: f64, y: f64, err: Option<f64>) -> String {
    let y = match err {
        Some(e) => format!("{y:.3} ± {e:.3}"),
        None => format!("{y:.3}"),
    };
    format!("{series}: {x_name} = {}, {y_name} = {y}", sig3(x))
}

/// A drawing scale that is usable (finite, positive, within [0.25, 8]).
pub fn clean_scale(scale: f64) -> f64 {
    if scale.is_finite() && scale > 0.0 { scale.clamp(0.25, 8.0) } else { 1.0 }
}

/// Backend pixel of a data point under a mapping (log-x, linear y): the inverse of
/// [`Mapping::to_data`], for the hover's distance in pixels.
pub fn to_pixel(m: &Mapping, p: (f64, f64)) -> (f64, f64) {
    let (l, t, r, b) = (m.px.0 as f64, m.px.1 as f64, m.px.2 as f64, m.px.3 as f64);
    let (x0, x1) = (m.x_range.0.ln(), m.x_range.1.ln());
    let fx = if x1 > x0 && p.0 > 0.0 { (p.0.ln() - x0) / (x1 - x0) } else { 0.0 };
    let fy = if m.y_range.1 > m.y_range.0 { (p.1 - m.y_range.0) / (m.y_range.1 - m.y_range.0) } else { 0.0 };
    (l + fx * (r - l), b - fy * (b - t))
}

/// The point of a drawn panel nearest to a backend pixel, within [`HIT_RADIUS_PX`]
/// CSS pixels. Dashed and dotted horizontal lines (limits, the Bayes error, N/d)
/// answer at the pointer's x.
pub fn nearest(dr: &Drawn, x: f64, y: f64) -> Option<Hit> {
    let (cx, _) = dr.map.to_data(x, y)?;
    let mut best: Option<(f64, usize, (f64, f64), f64)> = None;
    for (i, s) in dr.panel.series.iter().enumerate() {
        let flat = matches!(s.mark, Mark::Dashed | Mark::Dotted) && s.points.len() == 2 && s.points[0].1 == s.points[1].1;
        let candidates: Vec<((f64, f64), f64)> = if flat {
            vec![((cx, s.points[0].1), f64::NAN)]
        } else {
            s.points.iter().enumerate().map(|(k, p)| (*p, s.err.get(k).copied().unwrap_or(f64::NAN))).collect()
        };
        for (p, err) in candidates {
            let (px, py) = to_pixel(&dr.map, p);
            // A pointer on a dot means that dot, even where a line passes closer.
            let dist = (px - x).hypot(py - y) - if s.mark == Mark::Dots { DOT_PRIORITY_PX * dr.scale } else { 0.0 };
            if best.is_none_or(|b| dist < b.0) {
                best = Some((dist, i, p, err));
            }
        }
    }
    let (dist, i, p, err) = best?;
    if dist > HIT_RADIUS_PX * dr.scale {
        return None;
    }
    let err = err.is_finite().then_some(err);
    let y_name = if dr.panel.x_label == "N/d" || dr.panel.y_label.starts_with("test risk") { "risk" } else { "overlap" };
    let text = read_out(&dr.names[i], &dr.panel.x_label, y_name, p.0, p.1, err);
    Some(Hit { series: dr.names[i].clone(), x: p.0, y: p.1, err, x_label: dr.panel.x_label.clone(), y_label: dr.panel.y_label.clone(), text })
}

/// A [`Mapping`] as the page reads it: `{left, top, right, bottom, xMin, xMax, yMin,
/// yMax}` (backing pixels; x is log-scaled).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MappingJs {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
    pub x_min: f64,
    pub x_max: f64,
    pub y_min: f64,
    pub y_max: f64,
}

impl From<Mapping> for MappingJs {
    fn from(m: Mapping) -> Self {
        MappingJs { left: m.px.0 as f64, top: m.px.1 as f64, right: m.px.2 as f64, bottom: m.px.3 as f64, x_min: m.x_range.0, x_max: m.x_range.1, y_min: m.y_range.0, y_max: m.y_range.1 }
    }
}
