//! The final screen: the reference, what happens next, and the prepared summary with Copy and
//! Download, so nothing the visitor wrote is lost even before it is sent.

use super::{browser, State};
use crate::core::flow::Action;
use crate::core::summary::Summary;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DoneProps {
    pub summary: Summary,
    pub dispatch: UseReducerDispatcher<State>,
}

#[function_component]
pub fn Done(props: &DoneProps) -> Html {
    let status = use_state(String::new);
    let text = use_memo(props.summary.submission_id.clone(), {
        let summary = props.summary.clone();
        move |_| summary.text()
    });
    let reference = props.summary.reference.clone();
    let copy = {
        let status = status.clone();
        let text = text.clone();
        Callback::from(move |_| {
            let status = status.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                status.set(if browser::copy(&text).await {
                    "Summary copied".to_owned()
                } else {
                    "Could not copy: select the summary and copy it yourself".to_owned()
                });
            });
        })
    };
    let download_text = {
        let (text, name) = (text.clone(), format!("consultation-{reference}.txt"));
        Callback::from(move |_| browser::download(&name, "text/plain;charset=utf-8", &text))
    };
    let download_json = {
        let (summary, name) = (
            props.summary.clone(),
            format!("consultation-{reference}.json"),
        );
        Callback::from(move |_| browser::download(&name, "application/json", &summary.json()))
    };
    let start_again = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::StartAgain))
    };
    html! {
        <div class="cw-done">
            <div class="cw-panel">
                <h2 class="cw-heading cw-panel__title" tabindex="-1">{"Your answers are ready"}</h2>
                <p class="cw-panel__body">{"Your reference is "}<strong>{&reference}</strong></p>
            </div>
            <h3 class="cw-subheading">{"What happens next"}</h3>
            <p class="cw-body">
                {"Send this summary to the clinic, or bring it to your consultation. A practitioner will read your answers before your appointment and contact you to arrange it."}
            </p>
            <div class="cw-actions">
                <button type="button" class="cw-button" onclick={copy}>{"Copy summary"}</button>
                <button type="button" class="cw-button cw-button--secondary" onclick={download_text}>{"Download as text (.txt)"}</button>
                <button type="button" class="cw-button cw-button--secondary" onclick={download_json}>{"Download as data (.json)"}</button>
            </div>
            <p class="cw-status" role="status">{(*status).clone()}</p>
            <h3 class="cw-subheading">{"Your summary"}</h3>
            <pre class="cw-summary-text">{(*text).clone()}</pre>
            <button type="button" class="cw-button cw-button--secondary" onclick={start_again}>{"Start again"}</button>
        </div>
    }
}
