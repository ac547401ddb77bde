//! A signature question's drawing box, below its typed name (the text input `super::text`
//! draws, which is the signature and always there): a `<canvas>` drawn with the Canvas 2D API,
//! fed by pointer events (finger, pen or mouse), with Clear. Drawing is optional and never the
//! only way to sign (WCAG 2.1.1, 2.5.1): the canvas is an image to assistive technology and out
//! of the tab order. Points go into `core::signature`'s box as whole numbers, bounded as the
//! core bounds them; the flow gets every stroke at pen up (`Action::Draw`).

use super::FieldProps;
use crate::core::answers::Value;
use crate::core::catalogue::Msg;
use crate::core::flow::{Action, Flow};
use crate::core::questionnaire::Kind;
use crate::core::signature::{Stroke, HEIGHT, MAX_POINTS, MAX_STROKES, WIDTH};
use std::cell::RefCell;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, PointerEvent};
use yew::prelude::*;

thread_local! {
    /// Every stroke while the pen is down, the last one being drawn: kept apart from the
    /// render, so a redraw mid-stroke loses nothing. One pointer draws at a time.
    static LIVE: RefCell<Option<Vec<Stroke>>> = const { RefCell::new(None) };
}

/// The strokes a signature answer holds.
fn strokes(value: Option<&Value>) -> &[Stroke] {
    match value {
        Some(Value::Signed(s)) => &s.strokes,
        _ => &[],
    }
}

/// The caption, the canvas and Clear. The canvas's own size is the core's box, so the 2D
/// context draws in the stored numbers; the stylesheet scales it to the field's width.
pub(super) fn drawing(props: &FieldProps) -> Html {
    let kept = strokes(props.value.as_ref()).to_vec();
    let (dispatch, question) = (props.dispatch.clone(), props.question.id.clone());
    let draw = move |strokes: Vec<Stroke>| {
        dispatch.dispatch(Action::Draw {
            question: question.clone(),
            strokes,
        })
    };
    let down = Callback::from(move |e: PointerEvent| {
        if e.button() != 0 || kept.len() >= MAX_STROKES {
            return;
        }
        e.prevent_default();
        let _ = e
            .target_unchecked_into::<web_sys::Element>()
            .set_pointer_capture(e.pointer_id());
        let mut all = kept.clone();
        all.push(Vec::new());
        LIVE.set(Some(all));
        add(&e);
    });
    let up = {
        let draw = draw.clone();
        Callback::from(move |_: PointerEvent| {
            if let Some(mut all) = LIVE.take() {
                // A stroke that got no point (the bound reached): not a stroke.
                all.retain(|s| !s.is_empty());
                draw(all);
            }
        })
    };
    let clear = Callback::from(move |_: MouseEvent| draw(Vec::new()));
    // The box's visible caption and the canvas's accessible name, in one string.
    let name = props.words.get(Msg::DrawingName);
    html! {
        <div class="cw-drawing">
            <p class="cw-hint">{name}</p>
            <canvas class="cw-drawing__pad" width="600" height="200" role="img" aria-label={name.to_owned()}
                onpointerdown={down} onpointermove={Callback::from(|e: PointerEvent| add(&e))}
                onpointerup={up.clone()} onpointercancel={up} />
            <button type="button" class="cw-button cw-button--secondary" onclick={clear}>
                {props.words.get(Msg::ClearDrawing)}
            </button>
        </div>
    }
}

/// Adds the pointer's place to the stroke being drawn: in the box's units, rounded and
/// clamped; skipped when under 2 units from the last point, or past `MAX_POINTS`.
fn add(e: &PointerEvent) {
    let canvas = e.target_unchecked_into::<HtmlCanvasElement>();
    // One scale for both: the stylesheet keeps the box's shape (its height follows its width).
    let scale = f64::from(WIDTH) / f64::from(canvas.client_width().max(1));
    let at = |offset: i32, max: u16| {
        // A float's cast saturates: below the box is 0 (and not-a-number too).
        ((f64::from(offset) * scale + 0.5) as u16).min(max)
    };
    let (x, y) = (at(e.offset_x(), WIDTH), at(e.offset_y(), HEIGHT));
    LIVE.with_borrow_mut(|live| {
        let Some(all) = live else { return };
        let points: usize = all.iter().map(|s| s.len() / 2).sum();
        let Some(stroke) = all.last_mut() else { return };
        let near = match stroke[..] {
            [.., lx, ly] => x.abs_diff(lx) < 2 && y.abs_diff(ly) < 2,
            _ => false,
        };
        if points < MAX_POINTS && !near {
            stroke.extend([x, y]);
            paint(&canvas, all);
        }
    });
}

/// Draws the flow's strokes on the drawing box, if one is shown: after each action, so the box
/// shows what was drawn when its step is drawn again (Back, Change, a restored draft), and is
/// empty after Clear. Never mid-stroke: a stroke dispatches nothing until pen up.
pub fn repaint(root: &web_sys::Element, flow: &Flow) {
    let Ok(Some(canvas)) = root.query_selector("canvas") else {
        return;
    };
    let signature = flow
        .questionnaire
        .questions()
        .find(|q| q.kind == Kind::Signature);
    let value = signature.and_then(|q| flow.answers.get(&q.id));
    paint(canvas.unchecked_ref(), strokes(value));
}

/// Draws `strokes` on `canvas`, replacing what it showed: round caps and joins, so a one-point
/// stroke is a dot, as the receiver's SVG draws it.
fn paint(canvas: &HtmlCanvasElement, strokes: &[Stroke]) {
    let Ok(Some(context)) = canvas.get_context("2d") else {
        return;
    };
    let context = context.unchecked_into::<CanvasRenderingContext2d>();
    context.clear_rect(0.0, 0.0, WIDTH.into(), HEIGHT.into());
    context.set_line_width(3.0);
    context.set_line_cap("round");
    context.set_line_join("round");
    context.begin_path();
    for stroke in strokes {
        for (i, p) in stroke.chunks_exact(2).enumerate() {
            let (x, y) = (p[0].into(), p[1].into());
            if i == 0 {
                context.move_to(x, y);
            }
            context.line_to(x, y);
        }
    }
    context.stroke();
}
