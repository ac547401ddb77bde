//! The error summary at the top of a step: announced, focused after a failed Continue, and
//! linking each problem to its field (GOV.UK Design System, "Error summary").

use super::browser;
use crate::core::catalogue::{Catalogue, Msg};
use web_sys::Element;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct SummaryItem {
    pub question: String,
    pub label: String,
    pub message: String,
}

/// A plain function rather than a component: it holds no state (see `progress`).
pub fn error_summary(items: &[SummaryItem], words: &Catalogue) -> Html {
    // The link moves focus to the field itself rather than following `#id`, which would
    // rewrite the host page's address and could scroll the label out of view.
    let onclick = Callback::from(|e: MouseEvent| {
        e.prevent_default();
        let Some(link) = e.target_dyn_into::<Element>() else {
            return;
        };
        let (Ok(Some(root)), Some(target)) =
            (link.closest(".cw"), link.get_attribute("data-target"))
        else {
            return;
        };
        if let Some(field) = browser::by_id(&root, &target) {
            browser::focus(&field);
        }
    });
    html! {
        <div class="cw-error-summary" role="alert" tabindex="-1">
            <h2 class="cw-error-summary__title">{words.get(Msg::ProblemTitle)}</h2>
            <ul class="cw-error-summary__list">
                { for items.iter().map(|item| html! {
                    <li>
                        <a href={format!("#{}", item.question)} data-target={item.question.clone()}
                            onclick={onclick.clone()}>
                            {format!("{}: {}", item.label, item.message)}
                        </a>
                    </li>
                }) }
            </ul>
        </div>
    }
}
