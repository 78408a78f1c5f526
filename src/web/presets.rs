//! The teaching presets of `static/presets/`, compiled in: each a scenario and its lesson.

use crate::Scenario;
use serde::Deserialize;

/// One preset.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Preset {
    /// Stable id (the file name).
    pub id: String,
    /// Short title for the picker.
    pub title: String,
    /// What it teaches.
    pub lesson: String,
    /// The scenario.
    pub scenario: Scenario,
}

/// The preset files, by id, in the order of `static/presets/index.json` (a test checks both
/// lists agree).
const FILES: &[(&str, &str)] = &[
    (
        "s3-spa-put-upload",
        include_str!("../../static/presets/s3-spa-put-upload.json"),
    ),
    (
        "s3-wildcard-with-credentials",
        include_str!("../../static/presets/s3-wildcard-with-credentials.json"),
    ),
    (
        "s3-missing-expose-etag",
        include_str!("../../static/presets/s3-missing-expose-etag.json"),
    ),
    (
        "lowercase-patch",
        include_str!("../../static/presets/lowercase-patch.json"),
    ),
    (
        "authorization-wildcard",
        include_str!("../../static/presets/authorization-wildcard.json"),
    ),
    (
        "s3-trailing-slash-origin",
        include_str!("../../static/presets/s3-trailing-slash-origin.json"),
    ),
    (
        "s3-preflight-403",
        include_str!("../../static/presets/s3-preflight-403.json"),
    ),
    (
        "preflight-cache-max-age",
        include_str!("../../static/presets/preflight-cache-max-age.json"),
    ),
    (
        "redirect-taints-origin",
        include_str!("../../static/presets/redirect-taints-origin.json"),
    ),
    (
        "no-cors-image-style",
        include_str!("../../static/presets/no-cors-image-style.json"),
    ),
    (
        "s3-no-cors-config",
        include_str!("../../static/presets/s3-no-cors-config.json"),
    ),
    (
        "s3-head-not-get",
        include_str!("../../static/presets/s3-head-not-get.json"),
    ),
    (
        "apigw-rest-no-options",
        include_str!("../../static/presets/apigw-rest-no-options.json"),
    ),
    (
        "cloudfront-stale-cache",
        include_str!("../../static/presets/cloudfront-stale-cache.json"),
    ),
];

/// Every preset that parses (all of them; a test checks that too).
pub fn all() -> Vec<Preset> {
    FILES
        .iter()
        .filter_map(|(_, text)| serde_json::from_str(text).ok())
        .collect()
}

/// What the picker and the lesson show of a preset: its scenario is left unread.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Summary {
    /// Stable id (the file name).
    pub id: String,
    /// Short title for the picker.
    pub title: String,
    /// What the preset teaches.
    pub lesson: String,
}

/// The summaries of every preset, in picker order. The page needs them when it opens, and
/// reading only these fields skips building fourteen scenarios it does not show (a preset's
/// scenario is read by [`by_id`] when it is picked).
pub fn summaries() -> Vec<Summary> {
    FILES
        .iter()
        .filter_map(|(_, text)| serde_json::from_str(text).ok())
        .collect()
}

/// The preset with this id.
pub fn by_id(id: &str) -> Option<Preset> {
    let (_, text) = FILES.iter().find(|(i, _)| *i == id)?;
    serde_json::from_str(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indexed_preset_is_compiled_in_and_parses() {
        let index: Vec<serde_json::Value> =
            serde_json::from_str(include_str!("../../static/presets/index.json")).unwrap();
        let ids: Vec<&str> = index.iter().filter_map(|e| e["id"].as_str()).collect();
        let compiled: Vec<&str> = FILES.iter().map(|(id, _)| *id).collect();
        assert_eq!(
            ids, compiled,
            "src/web/presets.rs FILES must follow index.json"
        );
        for (id, text) in FILES {
            let p: Preset = serde_json::from_str(text).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(p.id, *id);
        }
        assert_eq!(all().len(), FILES.len());
        let summaries = summaries();
        assert_eq!(summaries.len(), FILES.len());
        for (s, p) in summaries.iter().zip(all()) {
            assert_eq!((&s.id, &s.title, &s.lesson), (&p.id, &p.title, &p.lesson));
        }
    }

    #[test]
    fn a_preset_becomes_inputs_that_simulate_the_same_scenario() {
        use crate::web::state::{scenario, Inputs};
        for p in all() {
            let inputs = Inputs::from_scenario(&p.scenario, Some(p.id.clone()));
            let back = scenario(&inputs).unwrap_or_else(|e| panic!("{}: {e}", p.id));
            let native = crate::simulate(&p.scenario).unwrap();
            let via_form = crate::simulate(&back).unwrap();
            assert_eq!(via_form, native, "{}", p.id);
        }
    }
}
