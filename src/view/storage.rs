//! Where drafts are kept in the browser: sessionStorage by default, localStorage when the
//! clinic opts in. Storage can be missing or full (private modes, sandboxed frames); then the
//! widget works on without drafts rather than failing. Over web-sys's `Storage` rather than
//! gloo-storage: gloo-storage throws when storage is blocked (its `raw()` expects it to exist),
//! and stores every value as JSON of its own, so a draft would be written as a quoted string
//! (docs/size-notes.md).

use crate::core::config::DraftStorage;
use crate::core::draft;

#[derive(Clone)]
pub struct DraftStore {
    mode: DraftStorage,
    key: String,
}

impl DraftStore {
    /// `slot` tells apart several widgets on one page (`draft::slot`).
    pub fn new(mode: DraftStorage, slot: &str) -> DraftStore {
        DraftStore {
            mode,
            key: draft::storage_key(slot),
        }
    }

    fn storage(&self) -> Option<web_sys::Storage> {
        let window = gloo_utils::window();
        // `Err` when blocked (a sandboxed frame, cookies off), `None` when absent.
        let storage = match self.mode {
            DraftStorage::Session => window.session_storage(),
            DraftStorage::Local => window.local_storage(),
        };
        storage.ok().flatten()
    }

    pub fn load(&self) -> Option<String> {
        self.storage()?.get_item(&self.key).ok().flatten()
    }

    pub fn save(&self, json: &str) {
        if let Some(s) = self.storage() {
            let _ = s.set_item(&self.key, json);
        }
    }

    pub fn remove(&self) {
        if let Some(s) = self.storage() {
            let _ = s.remove_item(&self.key);
        }
    }
}

/// Milliseconds since the Unix epoch, for draft ages.
pub fn now_ms() -> u64 {
    js_sys::Date::now() as u64
}
