//! The yew view: renders the core's flow and turns the visitor's clicks and keystrokes into
//! core `Action`s. It decides nothing itself.

mod browser;
mod config_problem;
mod done;
mod error_summary;
mod field;
mod progress;
mod review;
mod storage;
mod transport;
mod widget;

pub use widget::{Widget, WidgetProps};

use crate::core::config::{Config, RawConfig};
use crate::core::flow::{Action, Flow};
use crate::core::questionnaire::Questionnaire;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::Element;
use yew::Reducible;

/// The flow as yew state: every change goes through the core's one `apply`.
#[derive(PartialEq)]
pub struct State(pub Flow);

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut flow = self.0.clone();
        flow.apply(action);
        Rc::new(State(flow))
    }
}

/// The attribute a host page puts on each element that should hold a widget.
pub const MOUNT_SELECTOR: &str = "[data-consultation-form]";

/// The host element's settings, as written.
pub fn read_config(element: &Element) -> RawConfig {
    let attr = |name: &str| element.get_attribute(name);
    RawConfig {
        endpoint: attr("data-endpoint"),
        clinic_name: attr("data-clinic-name"),
        clinic_email: attr("data-clinic-email"),
        draft_storage: attr("data-draft-storage"),
        draft_hours: attr("data-draft-hours"),
    }
}

/// Mounts a widget into every marked element of the page, each with its own settings.
pub fn mount_all() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(nodes) = document.query_selector_all(MOUNT_SELECTOR) else {
        return;
    };
    let questionnaire = Rc::new(Questionnaire::builtin());
    for i in 0..nodes.length() {
        let Some(element) = nodes.item(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        // Drafts are kept per widget: by the element's id, or its place on the page.
        let slot = match element.id() {
            id if !id.is_empty() => id,
            _ => format!("{}-{i}", questionnaire.id),
        };
        match Config::from_raw(&read_config(&element)) {
            Ok(config) => {
                mount(element, Rc::clone(&questionnaire), Rc::new(config), slot);
            }
            Err(problem) => {
                // For the site owner: in the console as well as in the widget's box.
                web_sys::console::error_1(&format!("Consultation form: {problem}").into());
                config_problem::show(&element, &problem.to_string());
            }
        }
    }
}

/// Mounts one widget into `element`, replacing what it held (such as a loading placeholder).
pub fn mount(
    element: Element,
    questionnaire: Rc<Questionnaire>,
    config: Rc<Config>,
    slot: String,
) -> yew::AppHandle<Widget> {
    element.set_inner_html("");
    let props = WidgetProps {
        questionnaire,
        config,
        slot: slot.into(),
    };
    yew::Renderer::<Widget>::with_root_and_props(element, props).render()
}
