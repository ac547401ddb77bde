//! Photos in the exports (issue 24): FHIR's valueAttachment read back in fhirbolt's strict
//! mode, the JSON export's `received_photos` (id, size, SHA-256, never the bytes), and the CSV's
//! count.

use crate::helpers::web::*;
use crate::helpers::*;
use crate::photos::{clinic, jpeg, stored_one};

#[tokio::test]
async fn the_exports_carry_each_photo() {
    use base64::Engine as _;
    use fhirbolt::model::r4::resources::{
        QuestionnaireResponse, QuestionnaireResponseItemAnswerValue as V,
    };
    use sha1::Digest as _;
    let (r, _dir) = clinic(Engine::Sqlite).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let (id, pid) = stored_one(&r, jpeg(200, 100), "Left cheek").await;
    let stored = staff
        .get_bytes(&format!("/inbox/submissions/{id}/photos/{pid}"))
        .await
        .2;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let sha256: String = sha2::Sha256::digest(&stored)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // FHIR R4, read strictly: one valueAttachment with the data, its size and SHA-1.
    let fhir = staff
        .get(&format!("/inbox/submissions/{id}/export.fhir.json"))
        .await
        .body;
    let cli = crate::helpers::export(&r.db_url(), "fhir");
    for doc in [&fhir, &cli[0]] {
        let qr: QuestionnaireResponse = fhirbolt::json::from_str(doc, None).expect("valid R4");
        let item = qr
            .item
            .iter()
            .find(|i| i.link_id.value.as_deref() == Some("areas"));
        let answer = &item.expect("the photos item").answer;
        let Some(V::Attachment(a)) = &answer[0].value else {
            panic!("{answer:?}")
        };
        assert_eq!(
            a.content_type.as_ref().unwrap().value.as_deref(),
            Some("image/jpeg")
        );
        assert_eq!(a.size.as_ref().unwrap().value, Some(stored.len() as u32));
        let sha1 = b64(&sha1::Sha1::digest(&stored));
        assert_eq!(
            a.hash.as_ref().unwrap().value.as_deref(),
            Some(sha1.as_str())
        );
        assert_eq!(
            a.data.as_ref().unwrap().value.as_deref(),
            Some(b64(&stored).as_str())
        );
        assert_eq!(
            a.title.as_ref().unwrap().value.as_deref(),
            Some("Left cheek")
        );
    }
    // JSON, on the page and from the command line: the id, size and SHA-256, never the bytes.
    let page = staff
        .get(&format!("/inbox/submissions/{id}/export.json"))
        .await
        .body;
    for doc in [page, r.export()[0].clone()] {
        let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
        let photo = &doc["received_photos"][0];
        assert_eq!(photo["photo"], pid.as_str(), "{doc}");
        assert_eq!(photo["sha256"], sha256.as_str());
        assert_eq!(photo["size"], stored.len());
        assert_eq!(photo["description"], "Left cheek");
        assert!(!doc.to_string().contains(&b64(&stored)[..40]), "no bytes");
    }
    // CSV: the count, last.
    let csv = staff.get("/inbox/export.csv").await.body;
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(r#","photos""#), "{csv}");
    assert!(lines[1].ends_with(r#","1""#), "{csv}");
}
