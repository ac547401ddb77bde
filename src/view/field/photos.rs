//! A photos question's field (issue 24): "Choose photos" and "Take a photo" (the camera, on a
//! phone), two real labelled file inputs, with a drop on the field as an extra; each photo
//! taken shows as a thumbnail with its description ("Which area is this?") and Remove.
//!
//! Each file is decoded by the browser (`createImageBitmap`, which turns it upright by its EXIF
//! orientation), drawn at most `LONG_SIDE` pixels on its long side on a canvas, and encoded
//! anew as JPEG (`toBlob`): the new file holds pixels only, none of the old one's metadata (no
//! place, camera, time or thumbnail). The images stay in this page (`IMAGES`), never in a draft;
//! the flow holds their ids and descriptions, and `send` puts each beside the JSON.

use super::{answer, FieldProps, Wiring};
use crate::core::answers::Value;
use crate::core::catalogue::Msg;
use crate::core::flow::Action;
use crate::core::photos::{Photo, Refusal, LONG_SIDE, MAX_FILE_BYTES, MAX_PIXELS};
use crate::core::validate::Problem;
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::{
    Blob, CanvasRenderingContext2d, DragEvent, Element, File, FileList, HtmlCanvasElement,
    HtmlInputElement, ImageBitmap, Url,
};
use yew::prelude::*;

thread_local! {
    /// Each photo taken on this page: its id, the JPEG, and the address its thumbnail shows.
    static IMAGES: RefCell<Vec<(String, Blob, String)>> = const { RefCell::new(Vec::new()) };
}

/// The JPEGs of these photos, in their order, for sending (any no longer here left out).
pub fn images<'a>(photos: impl Iterator<Item = &'a Photo>) -> Vec<(String, Blob)> {
    IMAGES.with_borrow(|all| {
        let find = |p: &Photo| all.iter().find(|(id, ..)| *id == p.photo);
        let found = photos.filter_map(find);
        found
            .map(|(id, blob, _)| (id.clone(), blob.clone()))
            .collect()
    })
}

/// The photos a value holds (none for the empty list a question without photos has).
fn photos(value: Option<&Value>) -> &[Photo] {
    match value {
        Some(Value::Photos(p)) => p,
        _ => &[],
    }
}

/// The inputs, or where photos cannot be sent, a sentence saying so; then the photos taken.
pub(super) fn control(props: &FieldProps, wiring: &Wiring) -> Html {
    let id = wiring.id.as_str();
    let words = props.words;
    if !props.takes_photos {
        return html! { <p class="cw-body">{words.get(Msg::PhotosNotSent)}</p> };
    }
    let add = adder(props);
    let chosen = {
        let add = add.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            add(input.files());
            // The same file chosen again is a new choice.
            input.set_value("");
        })
    };
    let dropped = Callback::from(move |e: DragEvent| {
        e.prevent_default();
        add(e.data_transfer().and_then(|d| d.files()));
    });
    let camera = format!("{id}-camera");
    let list = photos(props.value.as_ref());
    html! {
        <div class="cw-photos" ondragover={|e: DragEvent| e.prevent_default()} ondrop={dropped}>
            <p class="cw-hint">{words.get(Msg::PhotosNotKept)}</p>
            <label class="cw-label" for={id.to_owned()}>{words.get(Msg::PhotosChoose)}</label>
            <input type="file" id={id.to_owned()} accept="image/*" multiple=true
                aria-describedby={wiring.describedby.clone()} aria-invalid={wiring.invalid}
                onchange={chosen.clone()} />
            <label class="cw-label" for={camera.clone()}>{words.get(Msg::PhotosTake)}</label>
            <input type="file" id={camera} accept="image/*" capture="environment" onchange={chosen} />
            if !list.is_empty() {
                {taken(props, id, list)}
            }
        </div>
    }
}

/// The photos taken: each one's thumbnail, description and Remove. The list listens once for
/// a description typed and once for a Remove pressed, and finds the photo by the control's
/// `data-describe` or `data-remove`: two listeners in all rather than two a photo, which is
/// less to download.
fn taken(props: &FieldProps, id: &str, list: &[Photo]) -> Html {
    let words = props.words;
    let set = answer(props);
    let described = {
        let (set, list) = (set.clone(), list.to_vec());
        Callback::from(move |e: InputEvent| {
            if let Some((n, input)) = which(&e, &list, "data-describe") {
                let mut list = list.clone();
                list[n].description = input.unchecked_into::<HtmlInputElement>().value();
                set(Value::Photos(list));
            }
        })
    };
    let removed = {
        let list = list.to_vec();
        Callback::from(move |e: MouseEvent| {
            let Some((n, _)) = which(&e, &list, "data-remove") else {
                return;
            };
            let gone = &list[n].photo;
            IMAGES.with_borrow_mut(|all| {
                all.retain(|(i, _, url)| i != gone || Url::revoke_object_url(url).is_err())
            });
            let mut left = list.clone();
            left.remove(n);
            // No photo is an empty list, as a question never answered would be.
            set(if left.is_empty() {
                Value::Many(Vec::new())
            } else {
                Value::Photos(left)
            });
        })
    };
    let label = words.fill(
        Msg::Optional,
        &[("label", words.get(Msg::PhotoDescription))],
    );
    let one = |(n, photo): (usize, &Photo)| {
        let name = words.fill(Msg::PhotoName, &[("n", &(n + 1).to_string())]);
        let src = IMAGES.with_borrow(|all| {
            let found = all.iter().find(|(i, ..)| *i == photo.photo);
            found.map(|(.., url)| url.clone()).unwrap_or_default()
        });
        let alt = match photo.description.trim() {
            "" => name.clone(),
            said => said.to_owned(),
        };
        let described_id = format!("{id}-{}", photo.photo);
        html! {
            <li key={photo.photo.clone()} class="cw-photo">
                <img class="cw-photo-thumb" {src} {alt} />
                <label class="cw-label" for={described_id.clone()}>{label.clone()}</label>
                <input class="cw-input" type="text" id={described_id} maxlength="200"
                    data-describe={photo.photo.clone()} value={photo.description.clone()} />
                <button type="button" class="cw-button cw-button--secondary"
                    data-remove={photo.photo.clone()}>
                    {words.get(Msg::PhotoRemove)}
                    <span class="cw-visually-hidden">{" "}{name}</span>
                </button>
            </li>
        }
    };
    html! {
        <ul class="cw-photo-list" oninput={described} onclick={removed}>
            {for list.iter().enumerate().map(one)}
        </ul>
    }
}

/// The photo whose control (`attribute` names it) the event came from, with that control.
fn which(e: &Event, list: &[Photo], attribute: &str) -> Option<(usize, Element)> {
    let target: Element = e.target_dyn_into()?;
    // A press on the Remove button's words lands on them, inside the button.
    let control = target.closest(&format!("[{attribute}]")).ok()??;
    let photo = control.get_attribute(attribute)?;
    let n = list.iter().position(|p| p.photo == photo)?;
    Some((n, control))
}

/// Takes each file in turn, in the background: a photo is added once made, a file not taken
/// is refused by name (`Action::Refuse`), through the error summary.
fn adder(props: &FieldProps) -> impl Fn(Option<FileList>) + Clone {
    let (dispatch, question) = (props.dispatch.clone(), props.question.id.clone());
    move |files: Option<FileList>| {
        let Some(files) = files else { return };
        let files: Vec<File> = (0..files.length()).filter_map(|i| files.get(i)).collect();
        let (dispatch, question) = (dispatch.clone(), question.clone());
        spawn_local(async move {
            for file in files {
                let question = question.clone();
                match shrink(&file).await {
                    Ok(blob) => {
                        let id = crate::view::browser::random_id();
                        let url = Url::create_object_url_with_blob(&blob).unwrap_or_default();
                        IMAGES.with_borrow_mut(|all| all.push((id.clone(), blob, url)));
                        let photo = Photo {
                            photo: id,
                            description: String::new(),
                        };
                        dispatch.dispatch(Action::AddPhoto { question, photo });
                    }
                    Err(refusal) => {
                        let problem = Problem::Photo(refusal, file.name());
                        dispatch.dispatch(Action::Refuse { question, problem });
                    }
                }
            }
        });
    }
}

/// The photo as sent: decoded and turned upright by the browser, at most `LONG_SIDE` pixels on
/// its long side, encoded anew as JPEG at quality 0.85.
async fn shrink(file: &File) -> Result<Blob, Refusal> {
    let kind = file.type_();
    // A type the browser does not know (some phones' HEIC) is tried; another type is refused.
    if !(kind.is_empty() || kind.starts_with("image/")) {
        return Err(Refusal::NotImage);
    }
    if file.size() > MAX_FILE_BYTES {
        return Err(Refusal::TooLarge);
    }
    let undecodable = if kind.is_empty() {
        Refusal::NotImage
    } else {
        Refusal::Unreadable
    };
    let decoding = gloo_utils::window().create_image_bitmap_with_blob(file);
    let bitmap: ImageBitmap = JsFuture::from(decoding.map_err(|_| undecodable)?)
        .await
        .map_err(|_| undecodable)?
        .unchecked_into();
    let (w, h) = (bitmap.width(), bitmap.height());
    let drawn = draw(&bitmap, w, h);
    bitmap.close();
    if u64::from(w) * u64::from(h) > u64::from(MAX_PIXELS) {
        return Err(Refusal::TooLarge);
    }
    let canvas = drawn.ok_or(Refusal::Unreadable)?;
    let encoding = js_sys::Promise::new(&mut |done, _| {
        let quality = JsValue::from_f64(0.85);
        let _ = canvas.to_blob_with_type_and_encoder_options(&done, "image/jpeg", &quality);
    });
    // `toBlob` gives null where it cannot encode.
    let blob = JsFuture::from(encoding).await.ok();
    blob.and_then(|b| b.dyn_into::<Blob>().ok())
        .ok_or(Refusal::Unreadable)
}

/// A canvas holding the bitmap scaled to fit `LONG_SIDE`.
fn draw(bitmap: &ImageBitmap, w: u32, h: u32) -> Option<HtmlCanvasElement> {
    let scale = (f64::from(LONG_SIDE) / f64::from(w.max(h).max(1))).min(1.0);
    let (cw, ch) = (
        (f64::from(w) * scale).round().max(1.0),
        (f64::from(h) * scale).round().max(1.0),
    );
    let canvas: HtmlCanvasElement = gloo_utils::document()
        .create_element("canvas")
        .ok()?
        .unchecked_into();
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let context: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(bitmap, 0.0, 0.0, cw, ch)
        .ok()?;
    Some(canvas)
}
