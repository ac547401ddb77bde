//! The built-in questionnaire's first step rendered natively, at build time, by yew's
//! server-side rendering: the embed script shows it the moment it runs, before the wasm has
//! arrived (README, "The instant first step"), and the wasm then takes it over
//! (`super::takeover`). Drawn by `widget::frame`, the function the widget itself draws with,
//! from the state a fresh visitor starts in.

use super::widget::frame;
use super::State;
use crate::core::config::{Config, RawConfig};
use crate::core::flow::Flow;
use crate::core::questionnaire::Questionnaire;
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
struct FirstStepProps {
    flow: Flow,
}

/// The widget's first render, without the browser: a fresh flow (no draft, no clock), drawn
/// once. Effects never run in server-side rendering, so nothing here touches a browser.
#[function_component]
fn FirstStep(props: &FirstStepProps) -> Html {
    let state = use_reducer(|| State::new(props.flow.clone(), None));
    frame(&state.flow, &state.dispatcher(), NodeRef::default())
}

/// The first step's HTML, as the widget draws it on the default settings (the embed script
/// shows it only for embeds on those: see `embed/consultation-form.js`).
pub fn first_step(questionnaire: Rc<Questionnaire>) -> Result<String, String> {
    let config = Config::from_raw(&RawConfig::default()).map_err(|e| e.to_string())?;
    let flow = Flow::new(questionnaire, Rc::new(config));
    let renderer = yew::LocalServerRenderer::<FirstStep>::with_props(FirstStepProps { flow })
        // Plain HTML: no hydration markers (the wasm reads the answers, then draws anew).
        .hydratable(false);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| e.to_string())?;
    Ok(runtime.block_on(renderer.render()))
}
