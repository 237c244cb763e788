use super::*;
use crate::recording::Settings;
use crate::timeline::{Kind, Timeline};

const AKIA: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const JWT: &str =
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

fn r() -> Redactor {
    Redactor::new(&Rules::builtin())
}

#[test]
fn text_keeps_columns_and_names() {
    let s = format!("AWS_ACCESS_KEY_ID={AKIA}\nAWS_SECRET_ACCESS_KEY={SECRET}\ntoken: {JWT} ok");
    let m = r().text(&s);
    assert!(
        !m.contains(AKIA) && !m.contains(SECRET) && !m.contains(JWT),
        "{m}"
    );
    assert!(m.starts_with("AWS_ACCESS_KEY_ID=********************\nAWS_SECRET_ACCESS_KEY=*"));
    assert!(m.ends_with(" ok"));
    for (a, b) in s.lines().zip(m.lines()) {
        assert_eq!(a.chars().count(), b.chars().count());
    }
    let url = r().text("DATABASE_URL=postgres://app:hunter2hunter@db:5432/x");
    assert!(!url.contains("hunter2"), "{url}");
    assert!(
        url.contains("postgres://app:") || url.starts_with("DATABASE_URL="),
        "{url}"
    );
}

#[test]
fn private_key_block_across_lines() {
    let s =
        "x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEabc\ndef==\n-----END RSA PRIVATE KEY-----\nafter";
    let m = r().text(s);
    assert!(!m.contains("MIIE") && !m.contains("def=="), "{m}");
    assert!(
        m.contains("-----BEGIN RSA PRIVATE KEY-----") && m.ends_with("after"),
        "{m}"
    );
}

#[test]
fn stream_split_and_coloured_secret_is_masked_and_layout_kept() {
    let mut tl = Timeline::new(Vec::new());
    let (a, b) = AKIA.split_at(7);
    tl.push(0, Kind::Output, format!("key {a}").as_bytes());
    tl.push(
        1,
        Kind::Output,
        format!("\x1b[31m{b}\x1b[m done\r\n").as_bytes(),
    );
    tl.push(2, Kind::Input, b"echo hi\r");
    let rec = Recording::new("t".into(), tl, &Settings::default());
    let red = Redactor::new(&Rules::builtin()).recording(&rec, &[]);
    let mut all = Vec::new();
    for ev in &red.tl.events {
        all.extend_from_slice(&red.tl.data(ev));
    }
    let all = String::from_utf8(all).unwrap();
    assert!(!all.contains(a) || !all.contains(b), "{all:?}");
    assert!(all.contains("\x1b[31m"), "{all:?}");
    let mut o = rec.replay_once();
    o.seek_time(10);
    let mut m = red.replay_once();
    m.seek_time(10);
    let text = crate::render::text(m.into_term().screen());
    assert!(
        text.starts_with("key ******************** done"),
        "{text:?}"
    );
    assert_eq!(
        text.len(),
        crate::render::text(o.into_term().screen()).len()
    );
}

#[test]
fn hidden_keys_are_starred_enter_kept() {
    let mut tl = Timeline::new(Vec::new());
    tl.push(0, Kind::Input, b"s3cr");
    tl.push(1, Kind::Input, b"et!\rls\r");
    let rec = Recording::new("t".into(), tl, &Settings::default());
    let h = Hidden {
        t: 0,
        end: 1,
        len: 7,
        text: "s3cret!".into(),
        prompt: String::new(),
    };
    let red = r().recording(&rec, &[h]);
    let ins: Vec<String> = red.tl.events.iter().map(|e| red.tl.text_of(e)).collect();
    assert_eq!(ins, ["****", "***\rls\r"]);
}

#[test]
fn screen_cells_masked_in_place() {
    let mut p = vt100::Parser::new(
        std::num::NonZeroU16::new(3).unwrap(),
        std::num::NonZeroU16::new(30).unwrap(),
        0,
    );
    p.process(format!("a \x1b[1;32m{AKIA}\x1b[m z").as_bytes());
    let m = r().screen(p.screen());
    assert_eq!(m.size(), p.screen().size());
    let row = crate::render::row_text(&m, 0);
    assert_eq!(row, format!("a {} z", "*".repeat(20)));
    let c = m.cell(0, 5).unwrap();
    assert!(c.bold() && c.fgcolor() == vt100::Color::Idx(2));
    assert_eq!(m.cursor_position(), p.screen().cursor_position());
}

/// A whole screen's text looked at in one pass finds whatever a look line by line finds:
/// the built-in patterns, a user's anchored to a line's start or end, and one anchored to
/// the text's start (looked for line by line, then).
#[test]
fn a_screen_in_one_pass_finds_what_its_lines_do() {
    let user = |pattern: &str| {
        let toml = format!(
            "[[rule]]\nname = \"mine\"\nlevel = \"high\"\nreason = \"r\"\noutput = '{pattern}'\nsecret = true\n"
        );
        Redactor::new(&Rules::load(Some(("mine.toml", &toml))).unwrap())
    };
    let lines = |r: &Redactor, text: &str| {
        text.split('\n')
            .any(|l| !r.spans(l, &mut Carry::default()).is_empty())
    };
    let texts = [
        format!("$ ls\nfoo bar\nkey {AKIA} here\n$"),
        JWT.to_string(),
        "nothing\nto see\nhere".to_string(),
        "TOPSECRET-1 at the start\nend: TOPSECRET-2".to_string(),
        "x TOPSECRET-3 in the middle\ny".to_string(),
        "a\nTOPSECRET-4 on a line of its own\nb".to_string(),
        "a\nthe end of a line: TOPSECRET-5\nb".to_string(),
        "╭────╮\n│ TOPSECRET-6 │\n╰────╯".to_string(),
        format!("─ plain\n│ {AKIA} │\nTOPSECRET-7 é"),
        "".to_string(),
    ];
    for r in [
        r(),
        user(r"^TOPSECRET-\d"),
        user(r"TOPSECRET-\d$"),
        user(r"\ATOPSECRET-\d"),
    ] {
        for t in &texts {
            assert_eq!(r.may_match_lines(t), lines(&r, t), "{t:?}");
        }
    }
    let typed = r().with_hidden(&[Hidden {
        t: 0,
        end: 1,
        len: 9,
        text: "hunter2!!".into(),
        prompt: "Password: ".into(),
    }]);
    assert!(typed.may_match_lines("a\nb hunter2!! c\nd"));
    assert!(!typed.may_match_lines("a\nb hunter2 c\nd"));
}
