//! The report's HTML: markup we write, recorded text escaped, screens as
//! [`crate::render::html`] draws them; screen and print CSS inline.

use super::{Report, CONTEXT_WINDOW};
use crate::render::html::{cells, FONT_FAMILY, FONT_PX, LINE_PX, PAD_PX};
use crate::render::picture::{escape_markup as esc, DARK};
use crate::timeline::clock;
use std::fmt::Write as _;

/// No request of any kind: styles inline, images (none today) only as data.
pub const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

fn style() -> String {
    let t = &DARK;
    format!(
        "body {{ margin: 0 auto; padding: 24px; max-width: 1100px; color: #1d1f21; \
         background: #fff; font-family: system-ui, -apple-system, \"Segoe UI\", sans-serif; \
         font-size: 14px; line-height: 1.45; }}\n\
         h1 {{ font-size: 22px; margin: 0 0 12px; }}\n\
         h2 {{ font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #ccc; }}\n\
         h3 {{ font-size: 14px; margin: 0 0 6px; }}\n\
         dl.head {{ display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; \
         margin: 0; }}\n\
         dl.head dt {{ font-weight: bold; }} dl.head dd {{ margin: 0; word-break: break-all; }}\n\
         code, .mono {{ font-family: {font}; font-size: 13px; }}\n\
         table {{ border-collapse: collapse; width: 100%; }}\n\
         th, td {{ border: 1px solid #ccc; padding: 4px 6px; text-align: left; \
         vertical-align: top; }}\n\
         td.ev {{ font-family: {font}; font-size: 12px; word-break: break-all; }}\n\
         tr.high td.lvl {{ background: #f8d7da; font-weight: bold; }}\n\
         tr.medium td.lvl {{ background: #fff3cd; }}\n\
         tr.low td.lvl {{ background: #e2e3e5; }}\n\
         .note {{ color: #555; }}\n\
         ul.ctx {{ margin: 2px 0 0; padding-left: 18px; font-size: 12px; }}\n\
         article.step {{ margin: 0 0 22px; }}\n\
         p.keys {{ margin: 0 0 6px; color: #555; }}\n\
         figure {{ margin: 0; display: inline-block; }}\n\
         figcaption {{ margin-top: 4px; color: #555; font-size: 12px; }}\n\
         pre.screen {{ margin: 0; padding: {pad}px; background: {bg}; color: {fg}; \
         font-family: {font}; font-size: {size}px; line-height: {line}px; overflow: hidden; \
         white-space: pre; font-variant-ligatures: none; \
         -webkit-print-color-adjust: exact; print-color-adjust: exact; }}\n\
         pre.screen span.b {{ display: inline-block; height: {line}px; vertical-align: top; }}\n\
         pre.screen span.w {{ display: inline-block; width: 2ch; height: {line}px; \
         vertical-align: top; text-align: center; overflow: hidden; }}\n\
         @page {{ size: A4; margin: 12mm; }}\n\
         @media print {{\n  body {{ padding: 0; max-width: none; font-size: 10pt; }}\n  \
         h2 {{ break-after: avoid; }}\n  thead {{ display: table-header-group; }}\n  \
         tr, article.step {{ break-inside: avoid; }}\n  \
         pre.screen {{ font-size: 8px; line-height: 10px; padding: 6px; \
         height: auto !important; }}\n  \
         pre.screen span.b, pre.screen span.w {{ height: 10px; }}\n}}\n",
        font = FONT_FAMILY,
        pad = PAD_PX,
        bg = t.bg.hex(),
        fg = t.fg.hex(),
        size = FONT_PX,
        line = LINE_PX,
    )
}

fn row(out: &mut String, name: &str, value: &str) {
    let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", esc(name), esc(value));
}

pub fn html(r: &Report) -> String {
    let h = &r.header;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n\
         <meta name=\"generator\" content=\"auditty {v}\">\n\
         <title>Session report: {title}</title>\n<style>\n{style}</style>\n</head>\n<body>\n\
         <header>\n<h1>Session report</h1>\n<dl class=\"head\">\n",
        v = env!("CARGO_PKG_VERSION"),
        title = esc(&h.source),
        style = style(),
    );
    row(&mut out, "Source", &h.source);
    if let Some(a) = &h.app {
        row(&mut out, "App", a);
    }
    row(
        &mut out,
        "Operator",
        h.operator.as_deref().unwrap_or("not known"),
    );
    if let Some(s) = &h.session {
        row(&mut out, "Session", s);
    }
    if let Some(f) = &h.format {
        row(&mut out, "Format", f);
    }
    row(
        &mut out,
        "Start",
        h.start.as_deref().unwrap_or("not recorded"),
    );
    row(&mut out, "End", h.end.as_deref().unwrap_or("not recorded"));
    row(&mut out, "Duration", &clock(h.duration));
    row(&mut out, "Geometry", &h.geometry);
    row(
        &mut out,
        "Evidence sha256",
        &format!("{} ({} bytes)", h.sha256, h.bytes),
    );
    if h.redacted {
        row(
            &mut out,
            "Redacted",
            "yes: secrets and input typed without echo are masked (*); the evidence file is unchanged",
        );
    }
    out.push_str("</dl>\n</header>\n");

    let _ = write!(
        out,
        "<section id=\"findings\">\n<h2>Findings ({})</h2>\n",
        r.findings.len()
    );
    if r.findings.is_empty() {
        out.push_str("<p class=\"note\">No rule matched.</p>\n");
    } else {
        out.push_str(
            "<table>\n<thead><tr><th>Time</th><th>Level</th><th>Rule</th><th>Evidence</th>\
             <th>Why</th></tr></thead>\n<tbody>\n",
        );
        for (time, f) in &r.findings {
            let lvl = f.level.as_str();
            let _ = write!(
                out,
                "<tr class=\"{lvl}\"><td class=\"mono\">{}</td><td class=\"lvl\">{lvl}</td>\
                 <td>{}</td><td class=\"ev\">{}",
                esc(time),
                esc(&f.rule),
                esc(&f.evidence),
            );
            // the context lanes' entries around the finding (`--with`)
            let near: Vec<_> = r
                .context
                .iter()
                .filter(|c| c.t.abs_diff(f.t as i128) <= CONTEXT_WINDOW as u128)
                .collect();
            if !near.is_empty() {
                out.push_str("<ul class=\"ctx\">");
                for c in near {
                    let _ = write!(
                        out,
                        "<li>[{}] {}{}: {}</li>",
                        esc(&seconds(c.t)),
                        esc(&c.lane),
                        c.actor
                            .as_deref()
                            .map_or_else(String::new, |a| format!(" ({})", esc(a))),
                        esc(&c.text)
                    );
                }
                out.push_str("</ul>");
            }
            let _ = writeln!(out, "</td><td>{}</td></tr>", esc(&f.why));
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
    context(&mut out, r);

    let _ = write!(
        out,
        "<section id=\"commands\">\n<h2>Commands ({})</h2>\n",
        r.steps.len()
    );
    if r.steps.is_empty() {
        out.push_str("<p class=\"note\">No command was read off the screen.</p>\n");
    }
    for s in &r.steps {
        let (rows, cols) = s.screen.size();
        let _ = write!(
            out,
            "<article class=\"step\">\n<h3><span class=\"mono\">{}</span> <code>{}</code></h3>\n",
            esc(&s.time),
            esc(&s.command),
        );
        if let Some(k) = &s.keys {
            let _ = writeln!(
                out,
                "<p class=\"keys\">keys typed: <code>{}</code></p>",
                esc(k)
            );
        }
        let _ = write!(
            out,
            "<figure>\n<pre class=\"screen\" style=\"width: {cols}ch; height: {h}px;\">",
            cols = cols.get(),
            h = rows.get() as u32 * LINE_PX,
        );
        cells(&mut out, &s.screen, &DARK);
        let _ = write!(
            out,
            "</pre>\n<figcaption>the screen at {} (output settled {} after Enter)</figcaption>\n\
             </figure>\n</article>\n",
            esc(&clock(s.settled)),
            esc(&clock(s.settled - s.t)),
        );
    }
    out.push_str("</section>\n");
    let _ = write!(
        out,
        "<footer class=\"note\"><p>Made by auditty {} from the evidence named above.</p></footer>\n\
         </body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}

/// Seconds from the session's start, signed: `+4.000 s`, `-300.000 s`.
fn seconds(t: i128) -> String {
    format!("{:+.3} s", t as f64 / 1e9)
}

/// The context section: every entry of the `--with` sources in the session's window, in
/// time order (none without `--with`).
fn context(out: &mut String, r: &Report) {
    if r.context_sources.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section id=\"context\">\n<h2>Context ({})</h2>\n<p class=\"note\">From ",
        r.context.len()
    );
    for (i, s) in r.context_sources.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let _ = write!(out, "{sep}<code>{}</code>", esc(s));
    }
    out.push_str(", in the session's window; times from its start.</p>\n");
    if r.context.is_empty() {
        out.push_str("<p class=\"note\">No entry in the window.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>Time</th><th>From start</th><th>Lane</th><th>Actor</th>\
         <th>Entry</th></tr></thead>\n<tbody>\n",
    );
    for c in &r.context {
        let _ = writeln!(
            out,
            "<tr><td class=\"mono\">{}</td><td class=\"mono\">{}</td><td>{}</td><td>{}</td>\
             <td class=\"ev\">{}</td></tr>",
            esc(c.time.as_deref().unwrap_or("-")),
            esc(&seconds(c.t)),
            esc(&c.lane),
            esc(c.actor.as_deref().unwrap_or("-")),
            esc(&c.text),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}
