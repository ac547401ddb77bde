//! The entry point trunk builds: mounts the widget into every `[data-consultation-form]`
//! element of the page.

// talc instead of the default dlmalloc: about 5 KB less wasm for every visitor, and faster
// (its README_WASM.md; the page is single-threaded, so no atomics).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn main() {
    #[cfg(target_arch = "wasm32")]
    consultation_widget::view::mount_all();
}
