//! The digest of a questionnaire's consent words (`core::consent`), which the signed consent
//! record carries, known before a widget mounts, so no submission is ever prepared without it.
//! The built-in questionnaire's is worked out here, once, not in every visitor's browser: its
//! page downloads no code for it (docs/size-notes.md, issue 23). A questionnaire file's is
//! hashed with the browser's WebCrypto while it loads, which costs the download less than a
//! SHA-256 in the wasm.

/// `core::consent::digest` of the built-in questionnaire (the test below keeps it so).
pub const BUILTIN: &str = "7573e5962d82e1c1564baa3699c8b3d786a5603f2190f847931607e988e1707f";

/// The lowercase hex SHA-256 of `q`'s consent words from WebCrypto; "" without it (a page
/// that is not a secure context), which the receiver refuses as it would a wrong one.
#[cfg(feature = "questionnaire-files")]
pub async fn hash(q: &crate::core::questionnaire::Questionnaire) -> String {
    let text = crate::core::consent::canonical(q);
    let digest = gloo_utils::window().crypto().and_then(|c| {
        c.subtle()
            .digest_with_str_and_u8_array("SHA-256", text.as_bytes())
    });
    let Ok(digest) = digest else {
        return String::new();
    };
    match wasm_bindgen_futures::JsFuture::from(digest).await {
        Ok(bytes) => crate::core::consent::hex(&js_sys::Uint8Array::new(&bytes).to_vec()),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use crate::core::questionnaire::Questionnaire;

    #[test]
    fn the_built_in_digest_is_the_built_in_questionnaires() {
        // A changed consent word in src/core/default_questionnaire.json changes the digest:
        // copy the new one from here into BUILTIN.
        let q = Questionnaire::builtin();
        assert_eq!(super::BUILTIN, crate::core::consent::digest(&q));
    }
}
