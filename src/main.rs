//! The entry point trunk builds: mounts the widget into every `[data-consultation-form]`
//! element of the page.

fn main() {
    #[cfg(target_arch = "wasm32")]
    consultation_widget::view::mount_all();
}
