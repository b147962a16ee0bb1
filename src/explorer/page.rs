//! What the page does with settings and errors, here so that a native test reaches
//! it and `www/app.js` only wires the DOM:
//!
//! - [`route`]: where an error about a setting is shown (the `err-<slot>` element), which
//!   control is marked invalid, and which settings a link falls back to when the value
//!   is refused (the three N/d settings share one slot and fall back together);
//! - [`Explorer::from_link`]: a link's settings built with every refused value replaced
//!   by its default, and a note saying so, so a bad link shows a working page;
//! - [`Explorer::settings`]: the settings a view was built from, as text (what the page
//!   writes back into its controls and its address);
//! - [`Explorer::describe`]: the status line;
//! - [`Explorer::advance_sgd_stride`]: what one press of Step (or the Right arrow) does.

use crate::settings::table::{default_of, setting, SETTINGS};
use super::{Explorer, PageError};
use crate::model::ModelKind;
use crate::params::Limits;
use serde::Serialize;

/// The three settings of the N/d grid; the core's check of the grid as a whole (the
/// widest N, the sweep's cost) names them together as `rho`.
const RHO: [&str; 3] = ["rho_min", "rho_max", "rho_points"];

/// Where the page shows an error about a field (see the module doc).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Route {
    /// The error slot is the element `err-<slot>` beside the control(s).
    pub slot: &'static str,
    /// The id of the control marked `aria-invalid` (none for the whole page).
    pub control: Option<&'static str>,
    /// The settings a link resets to their defaults when this field is refused.
    pub resets: Vec<&'static str>,
}

/// Where an error naming `field` goes. Settings without a control on the page
/// (`rotate`) and errors about no setting go to the general slot.
pub fn route(field: Option<&str>) -> Route {
    let general = |resets| Route { slot: "general", control: None, resets };
    match field {
        Some("rho") => Route { slot: "rho", control: Some("rho_min"), resets: RHO.to_vec() },
        Some(k) if RHO.contains(&k) => {
            let resets = if k == "rho_points" { vec!["rho_points"] } else { vec!["rho_min", "rho_max"] };
            Route { slot: "rho", control: RHO.iter().copied().find(|r| *r == k), resets }
        }
        Some(k) => match setting(k) {
            Some(s) if s.control => Route { slot: s.key, control: Some(s.key), resets: vec![s.key] },
            Some(s) => general(vec![s.key]),
            None => general(Vec::new()),
        },
        None => general(Vec::new()),
    }
}

impl PageError {
    /// Where the page shows this error ([`route`]).
    pub fn route(&self) -> Route {
        route(self.field)
    }

    /// The message as shown beside its control: without the `field: ` prefix, which
    /// says nothing there.
    pub fn short(&self) -> &str {
        self.field.and_then(|f| self.message.strip_prefix(f)).and_then(|m| m.strip_prefix(": ")).unwrap_or(&self.message)
    }
}

/// The format name of the page's JSON download.
pub const EXPORT_FORMAT: &str = "lazy-training-explorer/1";

/// Attempts at replacing refused values before a link falls back to all defaults
/// (each attempt resets at least one setting; the table has fewer than this).
const LINK_TRIES: usize = 20;

fn model_of(text: Option<String>) -> ModelKind {
    text.and_then(|m| m.trim().parse().ok()).unwrap_or(ModelKind::Qf)
}

impl Explorer {
    /// Build from a link's settings (`get`, as for [`Explorer::from_settings`]); a value
    /// the core refuses is replaced by its default (with the settings it goes with,
    /// [`route`]) and a note says so; settings that cannot be used together at all give
    /// the model's defaults. Fails only if the defaults themselves fail under `limits`.
    pub fn from_link(get: &dyn Fn(&str) -> Option<String>, limits: &Limits) -> Result<Explorer, PageError> {
        let mut notes = Vec::new();
        let mut reset: Vec<(&'static str, String)> = Vec::new();
        for _ in 0..LINK_TRIES {
            let with = |k: &str| reset.iter().find(|(r, _)| *r == k).map(|(_, v)| v.clone()).or_else(|| get(k));
            let e = match Explorer::from_settings(&with, limits) {
                Ok(mut ex) => {
                    ex.notes = notes;
                    return Ok(ex);
                }
                Err(e) => e,
            };
            let keys = e.route().resets;
            if keys.is_empty() {
                break;
            }
            let model = model_of(with("model"));
            let model = if keys.contains(&"model") { ModelKind::Qf } else { model };
            let shown: Vec<String> = keys.iter().map(|k| format!("{k} = {}", default_of(k, model))).collect();
            notes.push(format!("{}. Using the default {} instead.", e.message.trim_end_matches(['.', ';', ':', ' ']), shown.join(", ")));
            for k in keys {
                reset.retain(|(r, _)| *r != k);
                reset.push((k, default_of(k, model).to_string()));
            }
        }
        notes.push("The link's settings could not be used together; showing the defaults.".to_string());
        let model = model_of(get("model"));
        let mut ex = Explorer::from_settings(&|k| Some(default_of(k, model).to_string()), limits)?;
        ex.notes = notes;
        Ok(ex)
    }

    /// What [`Self::from_link`] set aside, as sentences for the page's notice.
    pub fn link_notes(&self) -> &[String] {
        &self.notes
    }

    /// The settings this view was built from, as text: every setting the page has a
    /// control for, with the value as given (the default where none was given).
    pub fn settings(&self) -> Vec<(&'static str, String)> {
        SETTINGS.iter().filter(|s| s.control).map(|s| (s.key, self.given.iter().find(|(k, _)| *k == s.key).map_or_else(|| default_of(s.key, self.cfg.kind).to_string(), |(_, v)| v.clone()))).collect()
    }

    /// The status line: model, d, spectrum, activation and, for qf, tau(B).
    pub fn describe(&self) -> String {
        let c = &self.cfg;
        let tau = match c.kind {
            ModelKind::Qf => format!(", τ(B) = {:.3}", self.tau()),
            ModelKind::Mg => String::new(),
        };
        format!("{}, d = {}, {} spectrum, {} activation{tau}", c.kind, c.d, c.spectrum_text, c.activation)
    }

    /// The name of a downloaded file without its extension: model, d, seed and, for one
    /// panel, its name (`lazy-training-qf-d30-seed1-width`).
    pub fn file_stem(&self, panel: Option<u32>) -> String {
        let c = &self.cfg;
        let name = panel.and_then(|p| ["width", "sgd", "overlap"].get(p as usize)).map_or(String::new(), |n| format!("-{n}"));
        format!("lazy-training-{}-d{}-seed{}{name}", c.kind, c.d, c.seed)
    }

    /// "Download data (JSON)": the format name, the page's `link`, the settings as text
    /// and [`Self::export_json`]'s data.
    pub fn export_document(&self, link: &str) -> Result<String, PageError> {
        let data = self.export_value()?;
        let settings: serde_json::Map<String, serde_json::Value> = self.settings().into_iter().map(|(k, v)| (k.to_string(), v.into())).collect();
        Ok(serde_json::to_string_pretty(&serde_json::json!({ "format": EXPORT_FORMAT, "link": link, "settings": settings, "data": data })).unwrap_or_default())
    }

    /// One press of Step: each SGD run advances by a fortieth of its steps (at least
    /// one step).
    pub fn advance_sgd_stride(&mut self) -> Result<f64, PageError> {
        self.runs.advance_stride()
    }
}
