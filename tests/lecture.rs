//! Lecture features, natively: the pace of Play (its settings row, values, URL codec
//! and step budgets), and legends that never cover data.
//!
//! Legends never cover data. The placement is decided in `plot::place_legend`; these
//! tests check what is actually drawn: each panel of the page is drawn to SVG, the
//! legend's box and every data element (dots, error bars, curves, dashed limits) are
//! read back from the SVG text, and every data element is sampled every half pixel and
//! checked against the box, an independent route to the same question.

use lazy_training::explorer::embed::{backing_scale, deck_message, ASSUMED_HOST_SCALE};
use lazy_training::explorer::pace::{self, Pacer, MAX_GAP_MS};
use lazy_training::settings::table::{default_of, setting, table_json};
use lazy_training::explorer::Explorer;
use lazy_training::model::ModelKind;
use lazy_training::params::Limits;
use lazy_training::plot::{legend_covers_data, place_legend, Legend, Mark, Panel, Series};
use plotters::prelude::{IntoDrawingArea, SVGBackend};

fn build(pairs: &[(&str, &str)]) -> Explorer {
    let get = |k: &str| pairs.iter().rev().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
    Explorer::from_settings(&get, &Limits::web()).unwrap()
}

fn attr(el: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let i = el.find(&key)? + key.len();
    Some(el[i..].split('"').next()?.to_string())
}

fn num(el: &str, name: &str) -> f64 {
    attr(el, name).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("no {name} in {el}"))
}

/// Colours of the axes, grid, frame and legend border: not data.
const NOT_DATA: [&str; 6] = ["#000000", "#EBEBEB", "#D2D2D2", "#FFFFFF", "#B4B4B4", "none"];

type Rect = (f64, f64, f64, f64);
type Sample = (f64, f64, f64);

/// The legend box (x, y, w, h) and the data elements drawn before it, as point
/// samples (x, y, clearance radius) every half pixel along every stroke.
fn read_svg(svg: &str) -> (Option<Rect>, Vec<Sample>) {
    let mut samples = Vec::new();
    for el in svg.split('<').skip(1) {
        let tag = el.split(|c: char| c.is_whitespace() || c == '/' || c == '>').next().unwrap_or("");
        if tag == "rect" && attr(el, "opacity").as_deref() == Some("0.85") {
            return (Some((num(el, "x"), num(el, "y"), num(el, "width"), num(el, "height"))), samples);
        }
        let color = attr(el, "stroke").filter(|c| !NOT_DATA.contains(&c.as_str())).or_else(|| attr(el, "fill").filter(|c| !NOT_DATA.contains(&c.as_str())));
        if color.is_none() {
            continue;
        }
        let half_width = attr(el, "stroke-width").and_then(|v| v.parse::<f64>().ok()).unwrap_or(1.0) / 2.0;
        match tag {
            "circle" => samples.push((num(el, "cx"), num(el, "cy"), num(el, "r"))),
            "polyline" | "polygon" => {
                let pts: Vec<(f64, f64)> = attr(el, "points")
                    .unwrap()
                    .split_whitespace()
                    .map(|p| {
                        let (x, y) = p.split_once(',').unwrap();
                        (x.parse().unwrap(), y.parse().unwrap())
                    })
                    .collect();
                if pts.len() == 1 {
                    samples.push((pts[0].0, pts[0].1, half_width));
                }
                for w in pts.windows(2) {
                    let n = ((w[1].0 - w[0].0).hypot(w[1].1 - w[0].1) * 2.0).ceil().max(1.0) as usize;
                    for i in 0..=n {
                        let t = i as f64 / n as f64;
                        samples.push((w[0].0 + t * (w[1].0 - w[0].0), w[0].1 + t * (w[1].1 - w[0].1), half_width));
                    }
                }
            }
            "line" => {
                let (a, b) = ((num(el, "x1"), num(el, "y1")), (num(el, "x2"), num(el, "y2")));
                let n = ((b.0 - a.0).hypot(b.1 - a.1) * 2.0).ceil().max(1.0) as usize;
                for i in 0..=n {
                    let t = i as f64 / n as f64;
                    samples.push((a.0 + t * (b.0 - a.0), a.1 + t * (b.1 - a.1), half_width));
                }
            }
            _ => {}
        }
    }
    (None, samples)
}

/// Data samples that touch the legend box (a sample's own radius counts).
fn covered(rect: (f64, f64, f64, f64), samples: &[(f64, f64, f64)]) -> Vec<(f64, f64)> {
    let (x, y, w, h) = rect;
    samples
        .iter()
        .filter(|(px, py, r)| {
            let (nx, ny) = (px.clamp(x, x + w), py.clamp(y, y + h));
            (px - nx).hypot(py - ny) < *r
        })
        .map(|(px, py, _)| (*px, *py))
        .collect()
}

fn draw_svg(ex: &mut Explorer, panel: u32, w: u32, h: u32, scale: f64) -> String {
    let mut svg = String::new();
    {
        let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        ex.draw(panel, &area, scale).unwrap();
    }
    svg
}

#[test]
fn no_legend_of_the_page_covers_a_data_point_or_a_curve() {
    // The page's views: both models' defaults, the presets' spectra, at the plot sizes
    // of the full page and of an embed at 960x540 (three plots side by side), on a
    // phone, with the embed's 1.5x text and at a device pixel ratio of 2 (and SGD at
    // another d, as in the paper-scale presets); at the start,
    // part way through the SGD runs and at the end.
    let views: &[&[(&str, &str)]] = &[
        &[("model", "qf")],
        &[("model", "mg")],
        &[("model", "qf"), ("spectrum", "spiked:5"), ("neurons", "5"), ("steps", "20000"), ("record_every", "100")],
        &[("model", "qf"), ("spectrum", "flat")],
        &[("model", "qf"), ("activation", "relu"), ("d", "20")],
        // SGD at another d than the width plot (the paper-scale presets): two more
        // dotted limits in the right plot's legend.
        &[("model", "qf"), ("d", "60"), ("sgd_d", "20"), ("neurons", "10")],
        &[("model", "mg"), ("d", "60"), ("sgd_d", "20"), ("neurons", "10")],
    ];
    let sizes: &[(u32, u32, f64, f64)] = &[(640, 512, 1.0, 1.0), (318, 470, 1.0, 1.5), (420, 340, 1.0, 1.0), (355, 300, 2.0, 1.0), (620, 500, 1.0, 1.5)];
    let mut checked = 0;
    for pairs in views {
        let mut ex = build(pairs);
        ex.advance_sweep_units(1_000_000).unwrap();
        let steps: u64 = pairs.iter().find(|(k, _)| *k == "steps").map_or(30000, |(_, v)| v.parse().unwrap());
        for stage in [steps / 20, steps / 4, steps] {
            let done = ex.sgd_progress() * steps as f64;
            ex.advance_sgd_steps((stage as f64 - done).max(0.0) as u64).unwrap();
            for &(w, h, scale, text) in sizes {
                ex.set_text_scale(text);
                for panel in 0..3 {
                    let (pw, ph) = ((w as f64 * scale) as u32, (h as f64 * scale) as u32);
                    let svg = draw_svg(&mut ex, panel, pw, ph, scale);
                    let (rect, samples) = read_svg(&svg);
                    let rect = rect.unwrap_or_else(|| panic!("panel {panel} of {pairs:?} has no legend"));
                    assert!(samples.len() > 50, "panel {panel}: data read back from the SVG ({} samples)", samples.len());
                    let hits = covered(rect, &samples);
                    assert!(hits.is_empty(), "{pairs:?} panel {panel} at {pw}x{ph} (scale {scale}, text {text}), SGD step {stage}: legend {rect:?} covers data at {:?}", &hits[..hits.len().min(5)]);
                    // The box lies inside the drawing.
                    assert!(rect.0 >= 0.0 && rect.1 >= 0.0 && rect.0 + rect.2 <= pw as f64 && rect.1 + rect.3 <= ph as f64, "legend {rect:?} outside {pw}x{ph}");
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 7 * 3 * 5 * 3);
}

fn line(points: Vec<(f64, f64)>) -> Series {
    Series { label: "a curve".into(), color: (200, 0, 0), mark: Mark::Line, points, err: Vec::new() }
}

fn panel(series: Vec<Series>, legend: Legend) -> Panel {
    Panel { title: "t".into(), x_label: "x".into(), y_label: "y".into(), x_range: (1.0, 100.0), y_range: (0.0, 1.0), series, legend }
}

#[test]
fn the_legend_takes_the_free_corner_or_raises_the_axis() {
    let (plot, legend) = ((400, 300), (120, 60));
    // A curve along the top from left to right, then down the right edge: the upper
    // corners and the right side are taken, the lower-left corner is free.
    let p = panel(vec![line(vec![(1.0, 0.95), (90.0, 0.95), (95.0, 0.05)])], Legend::UpperRight);
    let spot = place_legend(&p, plot, legend, 1.0);
    assert_eq!((spot.x, spot.y, spot.y_top), (5, 300 - 60 - 5, 1.0), "lower left: {spot:?}");
    // Its preferred spot is kept when free.
    let q = panel(vec![line(vec![(1.0, 0.1), (100.0, 0.1)])], Legend::UpperRight);
    assert_eq!(place_legend(&q, plot, legend, 1.0), lazy_training::plot::LegendSpot { x: 400 - 120 - 5, y: 5, y_top: 1.0 });
    // Data everywhere (a zigzag over the whole area): no spot is free, so the axis is
    // raised until the top band holds the box above every point, and it then covers
    // nothing (checked with the same geometry at the raised axis).
    let zig: Vec<(f64, f64)> = (0..=40).map(|i| (10f64.powf(i as f64 / 20.0), if i % 2 == 0 { 0.0 } else { 1.0 })).collect();
    let z = panel(vec![line(zig)], Legend::LowerLeft);
    let spot = place_legend(&z, plot, legend, 1.0);
    assert!(spot.y_top > 1.2, "raised: {spot:?}");
    let rect = (spot.x as f64, spot.y as f64, legend.0 as f64, legend.1 as f64);
    assert!(!legend_covers_data(&z, plot, spot.y_top, rect, 5.0, 4.0));
    assert!(legend_covers_data(&z, plot, 1.0, rect, 5.0, 4.0), "at the panel's own axis it would cover the zigzag");
    // The top band: the highest point (1.0) sits below the box's bottom edge.
    let y_of_top = 300.0 * (1.0 - 1.0 / spot.y_top);
    assert!(y_of_top > (spot.y + legend.1) as f64 + 4.0, "highest point at {y_of_top} px, box bottom {}", spot.y + legend.1);
}

#[test]
fn the_pace_runs_from_full_speed_down_to_a_minute_for_the_default_run_on_a_log_scale() {
    let row = setting("pace").expect("a pace row in the settings table");
    assert_eq!((row.default.0, row.default.1), ("full", "full"), "full speed stays the default");
    assert_eq!(row.choices[0], pace::FULL);
    assert_eq!(pace::rate(None).unwrap(), None);
    assert_eq!(pace::rate(Some("")).unwrap(), None);
    let rates: Vec<f64> = row.choices[1..].iter().map(|c| pace::rate(Some(c)).unwrap().unwrap()).collect();
    assert!(rates.len() >= 4);
    // Log scale: each value half the one before.
    for w in rates.windows(2) {
        assert_eq!(w[0] / w[1], 2.0, "{rates:?}");
    }
    // The slowest pace: the default run lasts about a minute.
    let steps: f64 = default_of("steps", ModelKind::Qf).parse().unwrap();
    let slowest = steps / rates[rates.len() - 1];
    assert!((55.0..=65.0).contains(&slowest), "the default run lasts {slowest} s at the slowest pace");
    // The fastest limited pace still slows the default run (2 x 30000 steps take
    // about 2 s of compute at full speed in Chromium: README, "Browsers").
    assert!(steps / rates[0] >= 3.0);
    // Bad values name the field and list what is allowed.
    for bad in ["750", "fast", "-1", "1e9", "NaN"] {
        let e = pace::rate(Some(bad)).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("pace") && text.contains("full, 8000, 4000, 2000, 1000, 500"), "{bad}: {text}");
    }
    // The page reads it from the table: a control, its choices, its default.
    let t: serde_json::Value = serde_json::from_str(&table_json(&lazy_training::params::Limits::web())).unwrap();
    let r = t["settings"].as_array().unwrap().iter().find(|r| r["key"] == "pace").unwrap();
    assert_eq!(r["control"], true);
    assert_eq!(r["kind"], "choice");
    assert_eq!(r["default"], serde_json::json!({"qf": "full", "mg": "full"}));
    assert_eq!(r["choices"].as_array().unwrap().len(), row.choices.len());
}

#[test]
fn the_pace_reaches_the_explorer_from_a_link_and_bounds_the_steps_per_frame() {
    // The link's value (the URL key) builds an explorer at that pace; a bad one is an
    // error naming the field, which the page's link fallback replaces by the default.
    let ex = build(&[("pace", "500")]);
    assert_eq!(ex.pace_rate(), Some(500.0));
    assert_eq!(build(&[]).pace_rate(), None);
    let get = |k: &str| if k == "pace" { Some("3".to_string()) } else { None };
    let err = Explorer::from_settings(&get, &Limits::web()).err().expect("refused");
    assert_eq!(err.field, Some("pace"));
    // Frames at 60 Hz for a minute at 500 steps/s: 30000 steps, to the step.
    let mut p = Pacer::new(Some(500.0));
    let mut total = 0;
    for _ in 0..3600 {
        let n = p.allow(1000.0 / 60.0).unwrap();
        p.spent(n);
        total += n;
    }
    assert!((29_999..=30_000).contains(&total), "{total} steps in 60 s");
    // A long gap (hidden for 10 s) earns no more than MAX_GAP_MS of steps: it resumes
    // where it stopped, no burst.
    let n = p.allow(10_000.0).unwrap();
    assert!(n as f64 <= 500.0 * MAX_GAP_MS / 1000.0 + 1.0, "{n}");
    // Full speed has no limit.
    assert_eq!(Pacer::new(None).allow(16.0), None);
    // In the explorer: 2 s of frames at 2000 steps/s advance each run by 4000 steps
    // (the clock never runs out of budget here).
    let mut ex = build(&[("pace", "2000")]);
    let clock = std::cell::Cell::new(0.0);
    let now = || clock.get();
    for _ in 0..120 {
        ex.advance_sgd_paced(10.0, 1000.0 / 60.0, &now).unwrap();
    }
    let steps = ex.sgd_progress() * 30000.0;
    assert!((steps - 4000.0).abs() <= 10.0, "{steps} steps after 2 s at 2000/s");
    // The pace changes without restarting the runs.
    ex.set_pace("full").unwrap();
    assert_eq!(ex.pace_rate(), None);
    assert!((ex.sgd_progress() * 30000.0 - steps).abs() < 1e-9);
    assert!(ex.set_pace("fast").is_err());
}

#[test]
fn in_an_embed_the_deck_gets_every_key_but_those_of_the_focused_control() {
    // Navigation keys become reveal.js API calls, which reveal.js parses as JSON.
    let cases = [
        ("PageDown", false, r#"{"method":"next"}"#),
        ("PageUp", false, r#"{"method":"prev"}"#),
        (" ", false, r#"{"method":"next"}"#),
        (" ", true, r#"{"method":"prev"}"#),
        ("ArrowRight", false, r#"{"method":"right"}"#),
        ("ArrowLeft", false, r#"{"method":"left"}"#),
        ("ArrowUp", false, r#"{"method":"up"}"#),
        ("ArrowDown", false, r#"{"method":"down"}"#),
        ("Home", false, r#"{"method":"slide","args":[0]}"#),
        ("End", false, r#"{"method":"slide","args":[1e9]}"#),
        ("Escape", false, r#"{"method":"toggleOverview"}"#),
    ];
    for (key, shift, want) in cases {
        let got = deck_message(key, shift, false, false).unwrap_or_else(|| panic!("{key} must go to the deck"));
        assert_eq!(got, want, "{key}");
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert!(v["method"].is_string());
    }
    // The embed's shortcuts of the full page are not kept: R and the Right arrow go to the deck.
    assert_eq!(deck_message("r", false, false, false).as_deref(), Some(""));
    assert_eq!(deck_message("ArrowRight", false, false, true).as_deref(), Some(r#"{"method":"right"}"#));
    // What the embed keeps: focus moves, pressing the focused Play, the browser's own.
    assert_eq!(deck_message("Tab", false, false, false), None);
    assert_eq!(deck_message("Enter", false, false, true), None);
    assert_eq!(deck_message(" ", false, false, true), None);
    assert_eq!(deck_message("c", false, true, false), None);
    // Space with nothing focused is the deck's (next slide).
    assert_eq!(deck_message(" ", false, false, false).as_deref(), Some(r#"{"method":"next"}"#));
}

#[test]
fn a_plot_gets_at_least_one_canvas_pixel_per_screen_pixel() {
    // Device pixels on screen per CSS pixel = ratio x transform; the backing store has
    // at least that many, up to the cap.
    for dpr in [1.0, 1.25, 2.0] {
        for k in [0.5, 1.0, 1.48, 1.5, 2.0] {
            let s = backing_scale(dpr, k, false);
            assert!(s >= (dpr * k).min(4.0) - 1e-12 && s >= 1.0, "{dpr} x {k}: {s}");
            assert!(s <= 4.0);
        }
    }
    assert_eq!(backing_scale(1.0, 1.5, false), 1.5);
    // A host of another origin: its transform is unknown, reveal.js at 1920 x 1080
    // scales by 1.48, so at least 1.5 is assumed.
    assert!(backing_scale(1.0, 1.0, true) >= 1.48);
    assert_eq!(backing_scale(1.0, 1.0, true), ASSUMED_HOST_SCALE);
    assert_eq!(backing_scale(2.0, 1.0, true), 3.0);
    // Bad measurements count as 1; the cap holds.
    assert_eq!(backing_scale(f64::NAN, 0.0, false), 1.0);
    assert_eq!(backing_scale(3.0, 3.0, false), 4.0);
}
