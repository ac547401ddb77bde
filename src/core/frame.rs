//! The iframe embed's names (embed/frame.js inside the frame, embed/consultation-frame.js on
//! the clinic's page): the attributes a clinic writes and the messages the two scripts pass.
//! Both scripts get them from the build (src/bin/prerender.rs), so neither spells one.

/// On the clinic's `<iframe>`: the frames consultation-frame.js greets and sizes.
pub const FRAME: &str = "data-consultation-frame";
/// Set by consultation-frame.js on a frame it has started, so it starts each frame once (and
/// a page or test can wait for it).
pub const FRAME_READY: &str = "data-consultation-frame-ready";
/// On frame.html's widget element: the clinic pages the frame may talk to (space-separated);
/// without it the frame talks to none.
pub const HOST_ORIGINS: &str = "data-host-origins";

/// Every message between the two scripts carries this key set to 1, so each ignores the
/// page's other messages: the widget's global name, which nothing else on a page would send.
pub const MARKER: &str = super::config::GLOBAL;
/// The message types: the page greets the frame (`hello`, which tells the frame the page's
/// origin); the frame answers with its `height`, and re-sends the widget's events (`event`,
/// named without `host_event::PREFIX`).
pub const HELLO: &str = "hello";
pub const HEIGHT: &str = "height";
pub const EVENT: &str = "event";
