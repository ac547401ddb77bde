//! The widget in a real browser (wasm-bindgen-test in headless Chromium): mounted into a fresh
//! element, Continue pressed on an empty step, and the accessible error pattern checked as
//! assistive technology meets it.
#![cfg(target_arch = "wasm32")]

use consultation_widget::core::config::Config;
use consultation_widget::core::dom_ids;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::view::mount;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Resolves after `ms` milliseconds: the polling interval of `wait_for`.
async fn tick(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let window = web_sys::window().unwrap();
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Waits until the condition holds (yew renders asynchronously), failing after two seconds.
async fn wait_for(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..200 {
        if condition() {
            return;
        }
        tick(10).await;
    }
    panic!("timed out waiting for {what}");
}

/// Finds inside the widget: in the host's shadow root, or inside another element.
fn find(root: &Element, selector: &str) -> Option<HtmlElement> {
    match root.shadow_root() {
        Some(shadow) => shadow.query_selector(selector),
        None => root.query_selector(selector),
    }
    .unwrap()
    .map(|e| e.unchecked_into())
}

/// The id of the focused element inside the widget's shadow root (the document sees only the
/// host element focused).
fn active_id(host: &Element) -> String {
    host.shadow_root()
        .and_then(|s| s.active_element())
        .map(|e| e.id())
        .unwrap_or_default()
}

/// Mounts a widget with the built-in questionnaire and default settings.
fn mount_default(host: &Element) -> yew::AppHandle<consultation_widget::view::Widget> {
    mount(
        host.clone(),
        Rc::new(Questionnaire::builtin()),
        Rc::new(Config::default()),
        0,
        consultation_widget::view::consent::BUILTIN.into(),
    )
    .expect("a shadow root to draw into")
}

/// A fresh element for a widget; its id names the widget's draft.
fn fresh_host(id: &str) -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let host = document.create_element("div").unwrap();
    host.set_id(id);
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn submit_button(host: &Element) -> HtmlElement {
    find(host, "button[type=submit]").expect("a Continue button")
}

#[wasm_bindgen_test]
async fn continue_on_an_empty_step_shows_an_accessible_error_summary() {
    let host = fresh_host("error-summary-test");
    let app = mount_default(&host);
    wait_for("the first step", || {
        find(&host, "button[type=submit]").is_some()
    })
    .await;
    assert_eq!(submit_button(&host).text_content().unwrap(), "Continue");
    // Nothing takes focus on first load: the clinic's page keeps it.
    assert_ne!(active_id(&host), "full_name");

    submit_button(&host).click();
    wait_for("the error summary", || {
        find(&host, "[role=alert]").is_some()
    })
    .await;
    let summary = find(&host, "[role=alert]").unwrap();
    wait_for("focus on the summary", || {
        let shadow = host.shadow_root().unwrap();
        shadow.active_element().as_ref() == Some(summary.as_ref())
    })
    .await;
    assert_eq!(summary.get_attribute("tabindex").as_deref(), Some("-1"));

    // Each problem links to its field with the field's label and the exact message.
    let links = summary.query_selector_all("a").unwrap();
    let mut seen = Vec::new();
    for i in 0..links.length() {
        let link: HtmlElement = links.item(i).unwrap().unchecked_into();
        seen.push((
            link.get_attribute("href").unwrap(),
            link.text_content().unwrap(),
        ));
    }
    assert_eq!(
        seen,
        [
            (
                "#full_name".to_owned(),
                "Full name: Required field missing".to_owned()
            ),
            (
                "#email".to_owned(),
                "Email address: Required field missing".to_owned()
            ),
            (
                "#age_confirmed".to_owned(),
                "Your age: Required field missing".to_owned()
            ),
        ]
    );

    // Inline: the message sits in {id}.error (core::dom_ids), named by aria-describedby, after a hidden
    // "Error:", and the field is aria-invalid.
    for (id, describer) in [
        ("full_name", "#full_name"),
        ("email", "#email"),
        ("age_confirmed", "fieldset:has(#age_confirmed)"),
    ] {
        let error_id = dom_ids::error(id);
        let error = find(&host, &format!("[id=\"{error_id}\"]")).expect("an inline error");
        assert_eq!(
            error.text_content().unwrap(),
            "Error: Required field missing"
        );
        let hidden = error
            .query_selector(".cw-visually-hidden")
            .unwrap()
            .unwrap();
        assert_eq!(hidden.text_content().unwrap(), "Error: ");
        let described = find(&host, describer)
            .unwrap()
            .get_attribute("aria-describedby")
            .unwrap();
        assert!(
            described.split(' ').any(|d| d == error_id),
            "{id}: {described}"
        );
        let field = find(&host, &format!("#{id}")).unwrap();
        assert_eq!(
            field.get_attribute("aria-invalid").as_deref(),
            Some("true"),
            "{id}"
        );
    }
    // The email hint is still announced beside the error.
    let email_described = find(&host, "#email")
        .unwrap()
        .get_attribute("aria-describedby")
        .unwrap();
    assert_eq!(email_described, "email.hint email.error");
    // The optional phone field is neither invalid nor described by an error.
    let phone = find(&host, "#phone").unwrap();
    assert_eq!(phone.get_attribute("aria-invalid"), None);
    assert!(find(&host, "label[for=phone]")
        .unwrap()
        .text_content()
        .unwrap()
        .ends_with("(optional)"));

    // Following a link moves focus to that field.
    find(&summary, "a[href='#email']").unwrap().click();
    assert_eq!(active_id(&host), "email");

    // Typing re-checks the field: the message changes, then goes when fixed.
    let email: HtmlInputElement = find(&host, "#email").unwrap().unchecked_into();
    let type_text = |text: &str| {
        email.set_value(text);
        let init = web_sys::EventInit::new();
        init.set_bubbles(true);
        let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
        email.dispatch_event(&event).unwrap();
    };
    type_text("name@");
    wait_for("the email message", || {
        find(&host, "[id=\"email.error\"]")
            .and_then(|e| e.text_content())
            .as_deref()
            == Some("Error: Email address invalid")
    })
    .await;
    type_text("name@example.com");
    wait_for("the email message to go", || {
        find(&host, "[id=\"email.error\"]").is_none()
    })
    .await;
    assert_eq!(
        find(&host, "#email").unwrap().get_attribute("aria-invalid"),
        None
    );
    assert_eq!(
        find(&host, "#email")
            .unwrap()
            .get_attribute("aria-describedby")
            .as_deref(),
        Some("email.hint")
    );
    // What was typed is kept exactly.
    assert_eq!(email.value(), "name@example.com");

    app.destroy();
    host.remove();
}

#[wasm_bindgen_test]
async fn two_widgets_on_a_page_keep_their_own_state() {
    let (a, b) = (fresh_host("a"), fresh_host("b"));
    let app_a = mount_default(&a);
    let app_b = mount_default(&b);
    wait_for("both widgets", || {
        find(&a, "button[type=submit]").is_some() && find(&b, "button[type=submit]").is_some()
    })
    .await;
    // Drawn in each element's own shadow root: the page's tree around it is untouched.
    for host in [&a, &b] {
        assert!(host.shadow_root().is_some());
        assert_eq!(host.child_element_count(), 0);
    }
    submit_button(&a).click();
    wait_for("errors in the first", || find(&a, "[role=alert]").is_some()).await;
    assert!(find(&b, "[role=alert]").is_none());
    app_a.destroy();
    app_b.destroy();
    a.remove();
    b.remove();
}
