//! Text sizes for laying out a panel, computed here rather than asked of the page.
//!
//! plotters measures text through its font backend, which in a browser appends a
//! `<span>` to the document and reads its size: a forced style and layout pass per
//! label, 3-6 ms for the 14 labels of one panel in Chromium, half of drawing it. The
//! layout needs sizes only to fit boxes (the title's height, the legend's box), never
//! to place glyphs (the canvas and SVG align text themselves), so a width table serves:
//! Helvetica's advance widths (the Adobe font metrics, in thousandths of an em), made
//! 12% wider to cover the wider sans-serif faces browsers pick (DejaVu Sans on Linux).
//! Every backend of every build then lays a panel out the same way: the page's canvas,
//! its SVG export and the command line's SVG.

use plotters::prelude::DrawingBackend;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// Advance widths of ASCII 32..=126 in thousandths of an em (Helvetica).
const WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' ' to '/'
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // '0' to '9'
    278, 278, 584, 584, 584, 556, 1015, // ':' to '@'
    667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, // 'A' to 'M'
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // 'N' to 'Z'
    278, 278, 278, 469, 556, 333, // '[' to '`'
    556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, // 'a' to 'm'
    556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // 'n' to 'z'
    334, 260, 334, 584, // '{' to '~'
];
/// Any other character (Greek letters, symbols): about a digit's width, a little more.
const OTHER: u16 = 600;
/// The wider sans-serif faces browsers pick, against Helvetica.
const WIDER: f64 = 1.12;
/// A line's height against the font size (a browser's "normal" line height).
const LINE: f64 = 1.2;

/// Width and height in pixels of `text` set in a sans-serif face of `px` pixels, a little
/// generous (boxes sized by it hold the text in the faces browsers use).
pub fn size(text: &str, px: f64) -> (u32, u32) {
    let em: u32 = text.chars().map(|c| if (' '..='~').contains(&c) { u32::from(WIDTHS[c as usize - 32]) } else { u32::from(OTHER) }).sum();
    let w = f64::from(em) / 1000.0 * px * WIDER;
    (w.ceil() as u32, line_height(px))
}

/// The height in pixels of a line of text of `px` pixels.
pub fn line_height(px: f64) -> u32 {
    (px * LINE).ceil() as u32
}

/// A backend that draws nothing, of a given size, measuring text by [`size`]: the dry
/// run that finds where a chart's plotting area falls before drawing it.
pub struct Dry(pub (u32, u32));

impl DrawingBackend for Dry {
    type ErrorType = std::fmt::Error;
    fn get_size(&self) -> (u32, u32) {
        self.0
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_pixel(&mut self, _: BackendCoord, _: BackendColor) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_line<S: BackendStyle>(&mut self, _: BackendCoord, _: BackendCoord, _: &S) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn draw_text<T: BackendTextStyle>(&mut self, _: &str, _: &T, _: BackendCoord) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        Ok(())
    }
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        Ok(size(text, style.size()))
    }
}
