#![no_main]
//! A context file (Scalingo app logs or app events, Losant or Datafold audit logs), told by
//! its content, and an API's answer of each kind: read, merged and drawn as the player's
//! context panel and `timeline` draw them, without a panic.
use auditty::context::{self, Kind, Options};
use libfuzzer_sys::fuzz_target;

fn draw(ctx: context::Context) {
    for row in context::merge::feed(vec![ctx]) {
        let _ = context::feed::line(&row, 80, true);
    }
}

fuzz_target!(|data: &[u8]| {
    let opts = Options::default();
    if let Ok(ctx) = context::from_bytes("f", data.to_vec(), &opts) {
        draw(ctx);
    }
    for kind in [Kind::AppLog, Kind::AppEvents, Kind::Losant, Kind::Datafold] {
        if let Ok(ctx) = context::from_answer("f", kind, data.to_vec(), &opts) {
            draw(ctx);
        }
    }
});
