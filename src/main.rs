//! The entry point trunk builds: sets the panic hook at start, and exports `mount`, which the
//! embed script calls to mount the widget into every `[data-consultation-form]` element, and
//! `crashed`, which it calls when the wasm has trapped.

// talc instead of the default dlmalloc: about 5 KB less wasm for every visitor, and faster
// (its README_WASM.md; the page is single-threaded, so no atomics).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    // A panic stops the wasm for good: every widget then says so calmly, with its answers kept
    // in the draft saved after each action. Never the panic's own words, which could hold what
    // the visitor typed: through yew's setter, as yew otherwise installs its own hook, which
    // prints them to the console. The release build's panics run no hook at all (they abort
    // at once: scripts/tools.sh, `release_build`); the embed script then calls `crashed`.
    #[cfg(target_arch = "wasm32")]
    yew::set_custom_panic_hook(Box::new(|_| consultation_widget::view::crashed()));
}

/// Called by the embed script once the wasm has started, with the `data-endpoints`,
/// `data-clinic-emails` and `data-questionnaires` of its own `<script>` element (none when it
/// could not find that element), and the languages it fetched for its widgets: mounts a widget into every `[data-consultation-form]` element
/// of the page. A page that adds such elements later calls it again (`consultationForm.mount()`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn mount(
    endpoints: Option<String>,
    clinic_emails: Option<String>,
    questionnaires: Option<String>,
    languages: Option<String>,
) {
    consultation_widget::view::mount_all(endpoints, clinic_emails, questionnaires, languages);
}

/// Called by the embed script when a call into the wasm ended in a trap (a panic of the
/// release build, which aborts without running the hook above).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn crashed() {
    consultation_widget::view::crashed();
}
