//! The yew view: renders the core's flow and turns the visitor's clicks and keystrokes into
//! core `Action`s. It decides nothing itself.

mod browser;
mod done;
mod error_summary;
mod field;
mod progress;
mod review;
mod widget;

pub use widget::{Widget, WidgetProps};

use crate::core::flow::{Action, Flow};
use crate::core::questionnaire::Questionnaire;
use std::rc::Rc;
use wasm_bindgen::JsCast;
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

/// Mounts a widget, with the built-in questionnaire, into every marked element of the page.
pub fn mount_all() {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(nodes) = document.query_selector_all(MOUNT_SELECTOR) else {
        return;
    };
    let questionnaire = Rc::new(Questionnaire::builtin());
    for i in 0..nodes.length() {
        if let Some(element) = nodes
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        {
            mount(element, Rc::clone(&questionnaire));
        }
    }
}

/// Mounts one widget into `element`, replacing what it held (such as a loading placeholder).
pub fn mount(
    element: web_sys::Element,
    questionnaire: Rc<Questionnaire>,
) -> yew::AppHandle<Widget> {
    element.set_inner_html("");
    yew::Renderer::<Widget>::with_root_and_props(element, WidgetProps { questionnaire }).render()
}
