//! One drawing backend type for two: [`Either`] draws on whichever backend it holds,
//! by delegation (text sizes come from [`super::text`]). The page draws on a canvas and
//! exports SVG; with both behind one type, plotters' drawing code (generic over the
//! backend) is compiled once instead of twice, which keeps the page's wasm about 8%
//! smaller (README, "Performance").

use plotters::prelude::DrawingBackend;
use plotters_backend::{BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind};

/// A backend that is either `L` or `R`.
pub enum Either<L, R> {
    Left(L),
    Right(R),
}

/// Either backend's error, as its message.
#[derive(Debug)]
pub struct EitherError(String);

impl std::fmt::Display for EitherError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for EitherError {}

fn lift<E: std::error::Error + Send + Sync>(e: DrawingErrorKind<E>) -> DrawingErrorKind<EitherError> {
    match e {
        DrawingErrorKind::DrawingError(e) => DrawingErrorKind::DrawingError(EitherError(e.to_string())),
        DrawingErrorKind::FontError(f) => DrawingErrorKind::FontError(f),
    }
}

/// `$call` on the backend held, its error lifted.
macro_rules! on {
    ($self:ident, $b:ident => $call:expr) => {
        match $self {
            Either::Left($b) => $call.map_err(lift),
            Either::Right($b) => $call.map_err(lift),
        }
    };
}

impl<L: DrawingBackend, R: DrawingBackend> DrawingBackend for Either<L, R> {
    type ErrorType = EitherError;

    fn get_size(&self) -> (u32, u32) {
        match self {
            Either::Left(b) => b.get_size(),
            Either::Right(b) => b.get_size(),
        }
    }
    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.ensure_prepared())
    }
    fn present(&mut self) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.present())
    }
    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.draw_pixel(point, color))
    }
    fn draw_line<S: BackendStyle>(&mut self, from: BackendCoord, to: BackendCoord, style: &S) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.draw_line(from, to, style))
    }
    fn draw_rect<S: BackendStyle>(&mut self, upper_left: BackendCoord, bottom_right: BackendCoord, style: &S, fill: bool) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.draw_rect(upper_left, bottom_right, style, fill))
    }
    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, path: I, style: &S) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.draw_path(path, style))
    }
    fn draw_circle<S: BackendStyle>(&mut self, center: BackendCoord, radius: u32, style: &S, fill: bool) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.draw_circle(center, radius, style, fill))
    }
    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(&mut self, vert: I, style: &S) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.fill_polygon(vert, style))
    }
    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.draw_text(text, style, pos))
    }
    /// By the width table of [`super::text`] on either side: no measuring in the page's
    /// document, and the canvas and the SVG export lay a panel out alike.
    fn estimate_text_size<T: BackendTextStyle>(&self, text: &str, style: &T) -> Result<(u32, u32), DrawingErrorKind<EitherError>> {
        Ok(super::text::size(text, style.size()))
    }
    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), DrawingErrorKind<EitherError>> {
        on!(self, b => b.blit_bitmap(pos, size, src))
    }
}
