//! Photos (issue 24) against the real process: sent as multipart parts beside the JSON, each
//! stored re-encoded (no EXIF, GPS or camera make, upright, nothing after its end), served to
//! staff only, refused on the question when it is not a photo the receiver takes, stored once
//! for a retry, and erased with its submission on both engines. The exports: photo_exports.rs.

use crate::helpers::web::*;
use crate::helpers::*;
use consultation_widget::core::answers::{Answers, Value};
use consultation_widget::core::photos::Photo;
use consultation_widget::core::questionnaire::Questionnaire;
use consultation_widget::core::summary::Summary;
use image::codecs::jpeg::JpegEncoder;
use std::time::Duration;

/// A clinic's questionnaire of its own with a photos question taking three.
const PHOTO_INTAKE: &str = r#"{"id":"photo-intake","version":"1","title":"Photo intake",
  "steps":[
    {"id":"you","title":"About you","questions":[
      {"id":"full_name","kind":"text","label":"Full name","required":true,"autocomplete":"name"},
      {"id":"email","kind":"email","label":"Email address","required":true,"autocomplete":"email"}]},
    {"id":"pictures","title":"Photos","questions":[
      {"id":"areas","kind":"photos","label":"Photos of the areas to treat","max_photos":3}]}]}"#;

const MAKE: &str = "ExampleCam";

pub(crate) async fn clinic(engine: Engine) -> (Receiver, tempfile::TempDir) {
    clinic_with(engine, &[]).await
}

/// The clinic with its photo questionnaire and `extra` flags (mail, say).
pub(crate) async fn clinic_with(engine: Engine, extra: &[&str]) -> (Receiver, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("photo-intake.json");
    std::fs::write(&file, PHOTO_INTAKE).unwrap();
    let mut flags = vec!["--questionnaire", file.to_str().unwrap()];
    flags.extend(extra);
    (Receiver::start_on(engine, &flags).await, dir)
}

/// The body the widget sends naming `photos` (id, description), with a fresh submission id.
fn body(photos: &[(&str, &str)]) -> (String, String) {
    let q = Questionnaire::from_json(PHOTO_INTAKE).unwrap();
    let mut a = Answers::default();
    a.set("full_name", Value::Text("Jane Example".into()));
    a.set("email", Value::Text("jane@example.com".into()));
    let named = photos.iter().map(|(id, d)| Photo {
        photo: id.to_string(),
        description: d.to_string(),
    });
    a.set("areas", Value::Photos(named.collect()));
    let id = new_id();
    let time = "2026-12-02T09:30:00.000Z".into();
    let json = Summary::build(&q, &a, "Glow Clinic", id.clone(), time).json();
    (id, json)
}

/// A `w` × `h` JPEG: red on the left half, blue on the right, with a little texture.
pub(crate) fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let t = ((x * 7 + y * 13) % 32) as u8;
        if x < w / 2 {
            image::Rgb([220 - t, 20 + t, 20])
        } else {
            image::Rgb([20, 20 + t, 220 - t])
        }
    });
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 92)
        .encode_image(&img)
        .unwrap();
    out
}

/// An APP1 Exif segment as a camera writes one: IFD0 with the make, the orientation and a GPS
/// IFD holding a latitude (little-endian TIFF).
fn exif(orientation: u16) -> Vec<u8> {
    let mut t: Vec<u8> = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend(tag.to_le_bytes());
        t.extend(kind.to_le_bytes());
        t.extend(count.to_le_bytes());
        t.extend(value.to_le_bytes());
    };
    // IFD0 at 8: three entries (42 bytes), the make at 50, the GPS IFD at 62.
    t.extend(3u16.to_le_bytes());
    entry(&mut t, 0x010F, 2, MAKE.len() as u32 + 1, 50);
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation));
    entry(&mut t, 0x8825, 4, 1, 62);
    t.extend(0u32.to_le_bytes());
    t.extend(MAKE.as_bytes());
    t.extend([0, 0]);
    // GPS IFD at 62: latitude "N", 51° 30' 0" (three rationals at 92).
    t.extend(2u16.to_le_bytes());
    entry(&mut t, 0x0001, 2, 2, u32::from(b'N'));
    entry(&mut t, 0x0002, 5, 3, 92);
    t.extend(0u32.to_le_bytes());
    for (n, d) in [(51u32, 1u32), (30, 1), (0, 1)] {
        t.extend(n.to_le_bytes());
        t.extend(d.to_le_bytes());
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend(((t.len() + 8) as u16).to_be_bytes());
    seg.extend(b"Exif\0\0");
    seg.extend(t);
    seg
}

/// The JPEG with the Exif segment right after its start.
fn with_exif(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut out = jpeg[..2].to_vec();
    out.extend(exif(orientation));
    out.extend(&jpeg[2..]);
    out
}

/// Posts as the widget does: `submission`, then each `photo:<id>` part (with a filename the
/// receiver ignores), under a fresh random boundary every time.
async fn send(r: &Receiver, id: &str, json: &str, parts: &[(&str, &str, &[u8])]) -> (u16, String) {
    send_to(&r.url, id, json, parts).await.unwrap()
}

/// `send`, to the receiver at `url`: its answer, or why none came (the connection closed
/// while the body was still going).
async fn send_to(
    url: &str,
    id: &str,
    json: &str,
    parts: &[(&str, &str, &[u8])],
) -> Result<(u16, String), reqwest::Error> {
    use reqwest::multipart::{Form, Part};
    let submission = Part::text(json.to_owned())
        .mime_str("application/json")
        .unwrap();
    let mut form = Form::new().part("submission", submission);
    for (name, content_type, bytes) in parts {
        let part = Part::bytes(bytes.to_vec())
            .file_name("IMG_0001.JPG")
            .mime_str(content_type)
            .unwrap();
        form = form.part(name.to_string(), part);
    }
    let res = client()
        .post(format!("{url}/submissions"))
        .header("origin", ORIGIN)
        .header("idempotency-key", id)
        .multipart(form)
        .send()
        .await?;
    Ok((res.status().as_u16(), res.text().await?))
}

/// One submission with one photo, stored: its id, the photo's id, and the bytes sent.
pub(crate) async fn stored_one(
    r: &Receiver,
    photo: Vec<u8>,
    description: &str,
) -> (String, String) {
    let pid = new_id();
    let (id, json) = body(&[(&pid, description)]);
    let name = format!("photo:{pid}");
    let answer = send(r, &id, &json, &[(&name, "image/jpeg", &photo)]).await;
    assert_eq!(answer.0, 201, "{}", answer.1);
    (id, pid)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn exif_gps_and_the_make_are_gone_and_only_staff_see_the_photo() {
    let (r, _dir) = clinic(Engine::Sqlite).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    let sent = with_exif(&jpeg(800, 600), 1);
    assert!(contains(&sent, MAKE.as_bytes()) && contains(&sent, b"Exif"));
    let (id, pid) = stored_one(&r, sent.clone(), "Left cheek").await;
    let path = format!("/inbox/submissions/{id}/photos/{pid}");
    let (status, headers, stored) = staff.get_bytes(&path).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "image/jpeg");
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    eprintln!("photo: {} bytes sent, {} stored", sent.len(), stored.len());
    assert!(!contains(&stored, b"Exif"), "no Exif APP1");
    assert!(!contains(&stored, MAKE.as_bytes()), "no camera make");
    assert!(stored.starts_with(&[0xFF, 0xD8]) && stored.ends_with(&[0xFF, 0xD9]));
    let (w, h) = dimensions(&stored);
    assert_eq!((w, h), (800, 600));
    let (status, headers, thumb) = staff.get_bytes(&format!("{path}/thumbnail")).await;
    assert_eq!(
        (status, &headers["content-type"]),
        (200, &"image/jpeg".parse().unwrap())
    );
    assert_eq!(dimensions(&thumb), (320, 240));
    // The page shows the thumbnail linking to the photo, described; the list counts it.
    let page = staff.get(&format!("/inbox/submissions/{id}")).await.body;
    let img = format!(
        r#"<a href="{path}"><img src="{path}/thumbnail" alt="Photo 1 of 1: Left cheek"></a>"#
    );
    assert!(page.contains(&img), "{page}");
    assert!(
        page.contains("1 photo, for this consultation request only"),
        "{page}"
    );
    assert!(staff
        .get("/inbox")
        .await
        .body
        .contains(r#"<span class="badge photos">1 photo</span>"#));
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = 'viewed a photo'";
    assert_eq!(
        r.scalar(audited).await,
        1,
        "the full view, not the thumbnail"
    );
    // Signed out: the sign-in page, as every inbox route; an unknown photo is not found.
    let mut nobody = Web::new(&r);
    for p in [path.clone(), format!("{path}/thumbnail")] {
        let page = nobody.get(&p).await;
        assert_eq!(
            (page.status, page.location.as_str()),
            (303, "/inbox/sign-in"),
            "{p}"
        );
    }
    let unknown = format!("/inbox/submissions/{id}/photos/{}", new_id());
    assert_eq!(staff.get_bytes(&unknown).await.0, 404);
}

/// A stored JPEG decoded: its size.
fn dimensions(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).expect("a JPEG");
    (img.width(), img.height())
}

#[tokio::test]
async fn orientation_six_is_stored_upright_and_a_polyglot_loses_its_tail() {
    let (r, _dir) = clinic(Engine::Sqlite).await;
    let mut staff = signed_in(&r, "staff@glow.example", "staff").await;
    // 80 × 40, red left and blue right, to be turned 90° clockwise: red on top, 40 × 80.
    let (id, pid) = stored_one(&r, with_exif(&jpeg(80, 40), 6), "").await;
    let path = format!("/inbox/submissions/{id}/photos/{pid}");
    let stored = staff.get_bytes(&path).await.2;
    let img = image::load_from_memory(&stored).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (40, 80));
    let (top, bottom) = (img.get_pixel(20, 10), img.get_pixel(20, 70));
    assert!(top[0] > 150 && top[2] < 100, "red on top: {top:?}");
    assert!(bottom[2] > 150 && bottom[0] < 100, "blue below: {bottom:?}");
    let page = staff.get(&format!("/inbox/submissions/{id}")).await.body;
    assert!(
        page.contains(r#"alt="Photo 1 of 1, no description""#),
        "{page}"
    );

    let mut polyglot = jpeg(64, 64);
    polyglot.extend(b"<script>alert(1)</script><html>");
    let (id, pid) = stored_one(&r, polyglot, "Chin").await;
    let stored = staff
        .get_bytes(&format!("/inbox/submissions/{id}/photos/{pid}"))
        .await
        .2;
    assert!(!contains(&stored, b"<script>") && !contains(&stored, b"<html>"));
    assert!(stored.ends_with(&[0xFF, 0xD9]), "nothing after the end");
}

/// A JPEG whose frame header claims `w` × `h` (its SOF0's size patched).
fn claiming(w: u16, h: u16) -> Vec<u8> {
    let mut bytes = jpeg(16, 16);
    let sof = bytes.windows(2).position(|m| m == [0xFF, 0xC0]).unwrap();
    bytes[sof + 5..sof + 7].copy_from_slice(&h.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&w.to_be_bytes());
    bytes
}

#[tokio::test]
async fn what_is_not_a_photo_it_takes_is_refused_on_the_question() {
    let (r, _dir) = clinic(Engine::Sqlite).await;
    let on_question = |answer: &(u16, String), message: &str| {
        assert_eq!(answer.0, 422, "{}", answer.1);
        let reply: serde_json::Value = serde_json::from_str(&answer.1).unwrap();
        assert_eq!(reply["errors"][0]["field"], "areas", "{reply}");
        assert_eq!(reply["errors"][0]["message"], message, "{reply}");
    };
    let too_large = "A photo is at most 50 megapixels and 8,192 pixels on a side";
    let (a, b) = (new_id(), new_id());
    let (pa, pb) = (format!("photo:{a}"), format!("photo:{b}"));
    let (wide, huge, good) = (jpeg(9_000, 10), claiming(60_000, 60_000), jpeg(32, 32));
    for (photo, content_type, message) in [
        (&wide[..], "image/jpeg", too_large),
        (&huge[..], "image/jpeg", too_large),
        (
            &b"just some text"[..],
            "text/plain",
            "Each photo must be a JPEG image",
        ),
        (
            &b"just some text"[..],
            "image/jpeg",
            "Each photo must be a JPEG image",
        ),
    ] {
        let (id, json) = body(&[(&a, "")]);
        on_question(
            &send(&r, &id, &json, &[(&pa, content_type, photo)]).await,
            message,
        );
    }
    // Named without its part; a part no answer names; the same part twice.
    let (id, json) = body(&[(&a, ""), (&b, "")]);
    let answer = send(&r, &id, &json, &[(&pa, "image/jpeg", &good)]).await;
    on_question(&answer, "A photo was named without its image");
    let (id, json) = body(&[(&a, "")]);
    let parts = [
        (&pa[..], "image/jpeg", &good[..]),
        (&pb, "image/jpeg", &good),
    ];
    on_question(
        &send(&r, &id, &json, &parts).await,
        "A photo was sent that the answers do not name",
    );
    let parts = [
        (&pa[..], "image/jpeg", &good[..]),
        (&pa, "image/jpeg", &good),
    ];
    on_question(
        &send(&r, &id, &json, &parts).await,
        "A photo was sent twice",
    );
    // A part of another name is not this shape of body at all; nor is JSON alone naming photos.
    let answer = send(&r, &id, &json, &[("notes", "text/plain", b"hello")]).await;
    assert_eq!(answer.0, 400, "{}", answer.1);
    assert_eq!(error_code(&answer.1), "invalid-multipart");
    let answer = r.post(Some(&id), &json).await;
    assert_eq!(answer.0, 422, "{}", answer.1);
    assert!(r.export().is_empty(), "nothing stored");
    assert_eq!(r.scalar("SELECT COUNT(*) FROM photos").await, 0);
}

#[tokio::test]
async fn a_retry_with_the_same_parts_is_answered_as_before_and_stored_once() {
    let (r, _dir) = clinic(Engine::Sqlite).await;
    let pid = new_id();
    let (id, json) = body(&[(&pid, "Forehead")]);
    let name = format!("photo:{pid}");
    let photo = jpeg(120, 90);
    let first = send(&r, &id, &json, &[(&name, "image/jpeg", &photo)]).await;
    assert_eq!(first.0, 201, "{}", first.1);
    // reqwest draws a new boundary for each form: the bodies differ, the parts do not.
    let again = send(&r, &id, &json, &[(&name, "image/jpeg", &photo)]).await;
    assert_eq!(again, first);
    assert_eq!(r.scalar("SELECT COUNT(*) FROM photos").await, 1);
    let other = jpeg(121, 90);
    let reused = send(&r, &id, &json, &[(&name, "image/jpeg", &other)]).await;
    assert_eq!(reused.0, 422, "{}", reused.1);
    assert_eq!(error_code(&reused.1), "IDEMPOTENCY_KEY_REUSED");
    assert_eq!(r.scalar("SELECT COUNT(*) FROM photos").await, 1);
}

on_both_engines!(a_photo_goes_with_its_submission);

/// Slices of a stored file, as a database shows them: its raw bytes in SQLite's file, the hex
/// of `bytea::text` in a PostgreSQL row.
fn marks(bytes: &[u8]) -> Vec<Vec<u8>> {
    let mid = bytes.len() / 2;
    [mid - 200, mid, mid + 200]
        .iter()
        .map(|&at| bytes[at..at + 32].to_vec())
        .collect()
}

async fn found(r: &Receiver, mark: &[u8]) -> bool {
    match r.engine() {
        Engine::Sqlite => contains(&r.file_bytes(), mark),
        Engine::Postgres => {
            let hex: String = mark.iter().map(|b| format!("{b:02x}")).collect();
            crate::erasure::anywhere(r, &hex).await
        }
    }
}

/// One submission deleted by an admin, another by the retention run: no slice of either's
/// photo or thumbnail (fetched through the route first) is left in the database.
async fn a_photo_goes_with_its_submission(engine: Engine) {
    let (mut r, _dir) = clinic(engine).await;
    let mut admin = signed_in(&r, "admin@glow.example", "admin").await;
    let mut all = Vec::new();
    let mut ids = Vec::new();
    for _ in 0..2 {
        let (id, pid) = stored_one(&r, jpeg(400, 300), "Neck").await;
        let path = format!("/inbox/submissions/{id}/photos/{pid}");
        for p in [path.clone(), format!("{path}/thumbnail")] {
            let mut present = Vec::new();
            for mark in marks(&admin.get_bytes(&p).await.2) {
                if found(&r, &mark).await {
                    present.push(mark);
                }
            }
            // A slice may straddle PostgreSQL's out-of-line chunks; most do not.
            assert!(!present.is_empty(), "stored first: {p}");
            all.extend(present);
        }
        ids.push(id);
    }
    assert_eq!(admin.delete_submission(&ids[0]).await.status, 200);
    r.kill9();
    // The other 200 days old, past the default 180: the retention run at start erases it.
    r.execute("UPDATE submissions SET received_at_ms = received_at_ms - 17280000000")
        .await;
    r.launch().await;
    wait_for("retention", Duration::from_secs(10), || async {
        r.scalar("SELECT COUNT(*) FROM photos").await == 0
    })
    .await;
    wait_for("the erased bytes", Duration::from_secs(30), || async {
        for mark in &all {
            if found(&r, mark).await {
                return false;
            }
        }
        true
    })
    .await;
}

/// The receiver's peak resident memory so far (`VmHWM`, Linux), in bytes.
fn peak_memory(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

/// An outsider sends 16 large bodies at once (each three photo parts of 7.5 MB that are not
/// JPEGs, 22.5 MB, under the 80 MB a body may be): the receiver holds at most four bodies in
/// memory at a time (`UPLOADS_AT_ONCE`, docs/security.md C6b), refuses each on its question
/// (or, past the request timeout, with 408), and goes on taking submissions. Held all at
/// once, the bodies alone would take 360 MB.
#[tokio::test]
async fn many_large_bodies_at_once_are_held_four_at_a_time_and_each_refused() {
    let (r, _dir) = clinic_with(Engine::Sqlite, &["--intake-rate", "off"]).await;
    let before = peak_memory(r.pid());
    // Not a JPEG, and not compressible: bytes of a multiplicative hash.
    let junk: std::sync::Arc<Vec<u8>> = std::sync::Arc::new(
        (0..7_500_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect(),
    );
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let ids: Vec<String> = (0..3).map(|_| new_id()).collect();
        let (id, json) = body(&[(&ids[0], ""), (&ids[1], ""), (&ids[2], "")]);
        let (url, junk) = (r.url.clone(), junk.clone());
        tasks.spawn(async move {
            let names: Vec<String> = ids.iter().map(|p| format!("photo:{p}")).collect();
            let parts: Vec<(&str, &str, &[u8])> = names
                .iter()
                .map(|n| (n.as_str(), "image/jpeg", &junk[..]))
                .collect();
            send_to(&url, &id, &json, &parts).await
        });
    }
    let answers = tasks.join_all().await;
    // Each is refused on its question once read. One that waited for a place past the 10 s
    // request timeout (a loaded machine) gets 408, which the widget retries, or its connection
    // closed before its body was all sent. None gets a 5xx, and the first four are read.
    let mut read = 0;
    for answer in &answers {
        match answer {
            Ok((422, body)) if body.contains("areas") => read += 1,
            Ok((408, _)) | Err(_) => {}
            other => panic!("neither refused on its question nor timed out: {other:?}"),
        }
    }
    assert!(read >= 4, "{read} bodies read and refused");
    let grew = peak_memory(r.pid()).saturating_sub(before);
    // Measured: about 125 MB four at a time; 464 MB with no bound (`UPLOADS_AT_ONCE` = 64).
    assert!(
        grew < 250 * 1024 * 1024,
        "the peak grew by {} MB",
        grew / 1024 / 1024
    );
    let (id, _) = stored_one(&r, jpeg(64, 48), "Chin").await;
    assert_eq!(
        r.scalar(&format!(
            "SELECT COUNT(*) FROM photos WHERE submission_id = '{id}'"
        ))
        .await,
        1
    );
}
