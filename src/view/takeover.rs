//! The wasm taking over the first step the embed script drew before it arrived (the build's
//! render, `prerender`): what the visitor did there becomes the flow's own actions
//! (`core::carried`), and a Continue pressed meanwhile is carried out once the widget has drawn
//! the step anew. Focus and the caret are put back by the embed script, which saw them, the moment
//! the widget has drawn the step (it watches for it).

use super::browser;
use crate::core::carried::{self, Controls, CONTINUE_PRESSED, SHOWN_AT};
use crate::core::flow::Action;
use crate::core::questionnaire::Questionnaire;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

/// What the visitor did before the wasm started.
pub struct Carried {
    pub actions: Vec<Action>,
    pub shown_ms: Option<u64>,
    pub continue_pressed: bool,
}

/// Read once and never changed: the same reading is the same (a derived comparison of the
/// actions would add its code to the download for nothing).
impl PartialEq for Carried {
    fn eq(&self, other: &Carried) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The step's controls in the widget's root. `value` and `checked` are read as plain
/// properties, which inputs and text areas alike have.
struct Page<'a>(&'a Element);

impl Controls for Page<'_> {
    fn text(&self, id: &str) -> Option<String> {
        Some(
            browser::by_id(self.0, id)?
                .unchecked_into::<HtmlInputElement>()
                .value(),
        )
    }
    fn ticked(&self, id: &str) -> bool {
        browser::by_id(self.0, id).is_some_and(|e| e.unchecked_into::<HtmlInputElement>().checked())
    }
}

/// Reads the pre-rendered step in `root`, before the widget replaces it; `None` when the
/// embed script drew no step there (a custom questionnaire, a saved draft, the browser tests).
pub fn read(root: &Element, questionnaire: &Questionnaire) -> Option<Carried> {
    let shown = root.get_attribute(SHOWN_AT)?;
    Some(Carried {
        actions: carried::actions(questionnaire, 0, &Page(root)),
        shown_ms: shown.parse().ok(),
        continue_pressed: root.has_attribute(CONTINUE_PRESSED),
    })
}
