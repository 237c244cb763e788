#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    if let Ok(spec) = s.parse::<auditty::timeline::TimeSpec>() {
        let mut tl = auditty::timeline::Timeline::new(Vec::new());
        tl.start = chrono::DateTime::parse_from_rfc3339("2019-05-03T17:27:27.819655645+02:00").ok();
        tl.push(0, auditty::timeline::Kind::Output, b"a");
        tl.push(u64::MAX / 4, auditty::timeline::Kind::Output, b"b");
        if let Ok(t) = spec.resolve(&tl) {
            let _ = tl.count_at(t);
        }
    }
});
