//! The explorer embedded in a slide deck (`embed=1` in an iframe): which keys it keeps
//! and which belong to the deck, and how many canvas pixels a plot needs on screen.
//!
//! Keys. The embed shows one control, Play/Pause, so it keeps only what a focused
//! control needs (Tab to move focus, Enter and Space to press it) and anything with
//! Ctrl, Alt or Meta (the browser's). Every other key belongs to the deck: the page
//! gives the keyboard focus back to its host (the host's `window.focus()`, which
//! works from a cross-origin frame after a click in Chromium, Firefox and WebKit), and
//! hands the key that already landed in the frame to the deck through reveal.js's
//! postMessage API (on by default in reveal.js: `{"method":"next"}` posted to the
//! parent window); a host that is not reveal.js ignores such a message. A click on Play
//! with the mouse gives the focus back at once, so the deck's next key reaches it.
//!
//! Pixels. A canvas needs (CSS size) x (device pixel ratio) x (the scale of the CSS
//! transforms of its ancestors, a deck scaling its slide to the screen), which the
//! page measures through every frame of its own origin; a frame of another origin
//! cannot see its host's transforms, so there the page assumes [`ASSUMED_HOST_SCALE`],
//! what reveal.js applies to a 960 x 700 slide on a 1920 x 1080 screen (1.48).

/// The reveal.js API call a key stands for, as the JSON text reveal.js reads from a
/// message: `Some("")` for a key of the deck that has no API call (the focus still
/// goes back to the deck), `None` for a key the embed keeps. `on_control`: the key's
/// target is a button, link or summary.
pub fn deck_message(key: &str, shift: bool, ctrl_alt_meta: bool, on_control: bool) -> Option<String> {
    if ctrl_alt_meta || key == "Tab" || key.is_empty() {
        return None;
    }
    if on_control && (key == "Enter" || key == " " || key == "Spacebar") {
        return None;
    }
    let call = |method: &str, args: &str| Some(if args.is_empty() { format!("{{\"method\":\"{method}\"}}") } else { format!("{{\"method\":\"{method}\",\"args\":{args}}}") });
    match key {
        "PageDown" => call("next", ""),
        "PageUp" => call("prev", ""),
        " " | "Spacebar" => call(if shift { "prev" } else { "next" }, ""),
        "ArrowRight" | "Right" => call("right", ""),
        "ArrowLeft" | "Left" => call("left", ""),
        "ArrowUp" | "Up" => call("up", ""),
        "ArrowDown" | "Down" => call("down", ""),
        "Home" => call("slide", "[0]"),
        "End" => call("slide", "[1e9]"),
        "Escape" | "Esc" | "o" | "O" => call("toggleOverview", ""),
        "b" | "B" | "." | "v" | "V" => call("togglePause", ""),
        _ => Some(String::new()),
    }
}

/// What a frame of another origin assumes its host scales it by (see the module doc).
pub const ASSUMED_HOST_SCALE: f64 = 1.5;

/// The largest backing-store scale (device pixels per CSS pixel) a plot gets.
pub const MAX_BACKING_SCALE: f64 = 4.0;

/// Device pixels per CSS pixel for a plot's canvas: the device pixel ratio times the
/// measured scale of the CSS transforms above it (on-screen width over layout width,
/// through every frame of the page's origin), at least [`ASSUMED_HOST_SCALE`] when a
/// frame of another origin hides the rest; at most [`MAX_BACKING_SCALE`]. Bad
/// measurements (not finite, not positive) count as 1.
pub fn backing_scale(device_pixel_ratio: f64, transform_scale: f64, foreign_host: bool) -> f64 {
    let ok = |v: f64| if v.is_finite() && v > 0.0 { v } else { 1.0 };
    let mut k = ok(transform_scale);
    if foreign_host {
        k = k.max(ASSUMED_HOST_SCALE);
    }
    (ok(device_pixel_ratio).max(1.0) * k).clamp(1.0, MAX_BACKING_SCALE)
}
