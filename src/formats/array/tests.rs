//! The array read as it arrives gives what the whole-text parser gives: the same timeline, or
//! the same error at the same place, wherever the blocks end.

use super::check::agree;
use proptest::prelude::*;

const EV: &str = r#"{"time": "2019-05-03T17:27:27.819655645+02:00", "content": "a\u001b[1mb\r\n", "type": "output"}"#;

#[test]
fn hostile_structures_give_the_same_errors() {
    for text in [
        "[",
        "[]",
        "  \n [ ] ",
        "[ ]x",
        "[] []",
        "[,]",
        "[1]",
        "[12345, 2]",
        "[-]",
        "[\"str\"]",
        "[\"bad \\q\"]",
        "[[[[1]]]]",
        "[{}]",
        "[{\"time\": 1}]",
        "[null]",
        "[tru]",
        "[{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"time\":\"x\"}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":7}  ,  \n {}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"}\n\n]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"}\n\n,\n]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"}\n\n,\n",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"} {}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"}]]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"\\ud800 \\udc00\"}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"bell\",\"content\":\"x\"}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"a\u{7}b\"}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\",\"extra\":{\"k\":[1,2,{\"z\":null}]}}]",
        "[{\"time\":\"later\",\"type\":\"output\",\"content\":\"x\"}\n,{}]",
        "[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"}, {\"time\":\"2019-05-03T17:27:26Z\",\"type\":\"input\",\"content\":\"é\"}]",
    ] {
        agree(text.as_bytes());
    }
    // invalid UTF-8 inside and outside strings, a character cut by a block's end
    agree(b"[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"\xff\"}]");
    agree(
        b"[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"\xe2\x82\xac\"}]",
    );
    agree(b"[{\"time\":\"2019-05-03T17:27:27Z\",\"type\":\"output\",\"content\":\"x\"}\xff]");
    let many: String = format!("[\n{}\n]", vec![EV; 20].join(",\n"));
    agree(many.as_bytes());
}

/// Pieces an audit log is made of, and pieces it should not hold.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => Just(EV.to_string()),
        1 => Just(r#"{"time":"2019-05-03T17:27:28Z","type":"input","content":"ls\r"}"#.to_string()),
        1 => Just(r#"{"time":"2019-05-03T17:27:20Z","type":"output","content":"\ud83d\ude00 \ud800"}"#.to_string()),
        1 => Just(r#"{"type":"resize","time":"2019-05-03T17:27:29Z","content":"x"}"#.to_string()),
        1 => Just(r#"{"time":"2019-05-03T17:27:29Z","type":"output","content":"x","id":[1,{"a":"]"}]}"#.to_string()),
        1 => Just(r#"{"time":"2019-05-03T17:27:29Z","content":"x"}"#.to_string()),
        1 => Just(r#"{"time":"bad","type":"output","content":"x"}"#.to_string()),
        1 => "[ \n\t\r,\\]\\[{}\":a-z0-9\\\\]{0,6}",
    ]
}

fn log() -> impl Strategy<Value = Vec<u8>> {
    (
        "[ \n]{0,3}",
        prop::collection::vec(
            (
                piece(),
                "[ \n\r\t]{0,2}",
                prop_oneof![8 => Just(","), 1 => Just(""), 1 => Just(",,")],
            ),
            0..8,
        ),
        "[ \n]{0,2}\\]?[ \na]{0,2}",
        any::<prop::sample::Index>(),
        0usize..3,
    )
        .prop_map(|(lead, items, tail, at, cut)| {
            let body: Vec<String> = items
                .iter()
                .enumerate()
                .map(|(i, (p, ws, sep))| {
                    if i + 1 == items.len() {
                        format!("{p}{ws}")
                    } else {
                        format!("{p}{ws}{sep}")
                    }
                })
                .collect();
            let mut text = format!("{lead}[{}{tail}", body.concat()).into_bytes();
            // sometimes cut short, or with a byte dropped
            match cut {
                1 => text.truncate(at.index(text.len() + 1)),
                2 if !text.is_empty() => {
                    text.remove(at.index(text.len()));
                }
                _ => {}
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn streamed_equals_whole_wherever_blocks_end(text in log()) {
        // the reader is given only texts that start with white space and `[`
        prop_assume!(text.trim_ascii_start().starts_with(b"["));
        agree(&text);
    }
}
