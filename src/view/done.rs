//! The final screen. Sent: the reference and what happens next. Not sent (no endpoint, or the
//! clinic's server refused it): the summary with "Email this to the clinic", Copy and
//! Download, so nothing the visitor wrote is lost and no server is needed. Either way, where
//! the visitor agreed to anything, "Save a copy of what you agreed" (`core::copy`).

use super::{browser, State};
use crate::core::catalogue::{Catalogue, Msg};
use crate::core::config::Config;
use crate::core::copy;
use crate::core::delivery::Failure;
use crate::core::flow::{Action, Delivery};
use crate::core::mailto;
use crate::core::messages::{copied, failure};
use crate::core::questionnaire::Questionnaire;
use crate::core::summary::Summary;
use yew::prelude::*;

/// What the final screen is drawn from, borrowed from the flow.
pub struct DoneProps<'a> {
    pub summary: &'a Summary,
    pub questionnaire: &'a Questionnaire,
    /// Whether Copy summary worked, once tried.
    pub copied: Option<bool>,
    pub sent: bool,
    pub delivery: Delivery,
    pub config: &'a Config,
    pub dispatch: UseReducerDispatcher<State>,
}

/// A plain function rather than a component: its one piece of state, the copy result, lives in
/// the flow like everything else.
pub fn done(props: &DoneProps<'_>) -> Html {
    let reference = props.summary.reference.clone();
    let clinic = &props.config.clinic_name;
    let words = &props.config.words;
    let save_copy = (!props.summary.consents.is_empty()).then(|| {
        let page = copy::page(props.questionnaire, props.summary, words);
        let name = format!("consultation-copy-{reference}.html");
        let onclick =
            Callback::from(move |_| browser::download(&name, "text/html;charset=utf-8", &page));
        html! {
            <button type="button" class="cw-button cw-button--secondary" {onclick}>{words.get(Msg::SaveCopy)}</button>
        }
    });
    if props.sent {
        return sent(reference, clinic, words, save_copy);
    }
    let text = props.summary.message.clone();
    let copy = {
        let (dispatch, text) = (props.dispatch.clone(), text.clone());
        Callback::from(move |_| {
            let (dispatch, text) = (dispatch.clone(), text.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let ok = browser::copy(&text).await;
                dispatch.dispatch(Action::Copied { ok });
            });
        })
    };
    let download_text = {
        let (text, name) = (text.clone(), format!("consultation-{reference}.txt"));
        Callback::from(move |_| browser::download(&name, "text/plain;charset=utf-8", &text))
    };
    let download_json = {
        let (json, name) = (
            props.summary.json(),
            format!("consultation-{reference}.json"),
        );
        Callback::from(move |_| browser::download(&name, "application/json", &json))
    };
    let start_again = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_| dispatch.dispatch(Action::StartAgain))
    };
    let email = props
        .config
        .clinic_email
        .as_ref()
        .map(|to| mailto::link(to, &props.summary.subject, &text));
    let refused: Option<Failure> = match props.delivery {
        Delivery::Failed(f) => Some(f),
        _ => None,
    };
    html! {
        <div class="cw-done">
            <div class="cw-panel">
                <h2 class="cw-heading cw-panel__title" tabindex="-1">{words.get(Msg::ReadyToSend)}</h2>
                <p class="cw-panel__body">{words.get(Msg::YourReference)}{" "}<strong>{&reference}</strong></p>
            </div>
            if let Some(f) = refused {
                <div class="cw-alert" role="alert">
                    <h3 class="cw-alert__title">{words.get(Msg::NotSentTitle)}</h3>
                    <p class="cw-body">{failure(f, clinic, words)}</p>
                </div>
            }
            <h3 class="cw-subheading">{words.get(Msg::WhatNext)}</h3>
            <p class="cw-body">{words.fill(Msg::NextNotSent, &[("clinic", clinic)])}</p>
            <div class="cw-actions">
                if let Some(href) = email {
                    <a class="cw-button" {href}>{words.get(Msg::EmailClinic)}</a>
                }
                <button type="button" class="cw-button cw-button--secondary" onclick={copy}>{words.get(Msg::CopySummary)}</button>
                <button type="button" class="cw-button cw-button--secondary" onclick={download_text}>{words.get(Msg::DownloadText)}</button>
                <button type="button" class="cw-button cw-button--secondary" onclick={download_json}>{words.get(Msg::DownloadJson)}</button>
                {save_copy}
            </div>
            <p class="cw-status" role="status">{props.copied.map(|ok| copied(ok, words)).unwrap_or_default()}</p>
            <h3 class="cw-subheading">{words.get(Msg::YourSummary)}</h3>
            <pre class="cw-summary-text">{text}</pre>
            <button type="button" class="cw-button cw-button--secondary" onclick={start_again}>{words.get(Msg::StartAgain)}</button>
        </div>
    }
}

/// Sent: the reference, what the clinic does next, and the visitor's copy of their consent.
fn sent(reference: String, clinic: &str, words: &Catalogue, save_copy: Option<Html>) -> Html {
    html! {
        <div class="cw-done">
            <div class="cw-panel">
                <h2 class="cw-heading cw-panel__title" tabindex="-1">{words.get(Msg::Sent)}</h2>
                <p class="cw-panel__body">{words.get(Msg::YourReference)}{" "}<strong>{reference}</strong></p>
            </div>
            <h3 class="cw-subheading">{words.get(Msg::WhatNext)}</h3>
            <p class="cw-body">{words.fill(Msg::NextSent, &[("clinic", clinic)])}</p>
            if let Some(button) = save_copy {
                <div class="cw-actions">{button}</div>
            }
        </div>
    }
}
