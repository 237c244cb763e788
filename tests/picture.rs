//! `screen --format html|svg` rendered by headless Chromium: the picture shows the screen's text
//! and backgrounds in the right colours at the right cells. Skipped (with a notice) when no
//! Chromium is installed; `AUDITTY_CHROMIUM` names the browser binary to use.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const COLS: u16 = 40;
const ROWS: u16 = 8;
const BG: [u8; 3] = [0x1e, 0x1e, 0x1e];
const FG: [u8; 3] = [0xcc, 0xcc, 0xcc];
const RED: [u8; 3] = [0xcd, 0x31, 0x31];
const YELLOW: [u8; 3] = [0xe5, 0xe5, 0x10];
const GREEN_256: [u8; 3] = [0, 255, 0]; // palette 46
const RGB_BLUE: [u8; 3] = [10, 20, 200];

fn which(names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AUDITTY_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for n in names {
            let p = dir.join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

fn chromium() -> Option<PathBuf> {
    let c = which(&["chromium", "chromium-browser", "google-chrome", "chrome"]);
    if c.is_none() {
        notice("Chromium not found (apt-get install chromium): picture test skipped");
    }
    c
}

/// A recording whose last screen has known colours at known cells.
fn recording(dir: &Path) -> PathBuf {
    let lines = [
        "\x1b[?25l\x1b[41m          \x1b[m plain text",
        "\x1b[38;5;46m\u{2588}\u{2588}\u{2588}\u{2588}\u{2588}\x1b[m",
        "\x1b[38;2;10;20;200mBLUE TEXT\x1b[m",
        "\x1b[7;33m    \x1b[m <b>&amp;</b>",
        "\x1b[1;31mERROR\x1b[m",
    ];
    let mut cast = format!(
        "{{\"version\": 2, \"width\": {COLS}, \"height\": {ROWS}, \"timestamp\": 1700000000}}\n"
    );
    for (i, l) in lines.iter().enumerate() {
        let data = serde_json::to_string(&format!("{l}\r\n")).unwrap();
        cast.push_str(&format!("[{}.5, \"o\", {data}]\n", i));
    }
    let p = dir.join("colours <&>.cast");
    std::fs::write(&p, cast).unwrap();
    p
}

fn screenshot(browser: &Path, page: &Path, png: &Path, profile: &Path) {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            "--window-size=800,400",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start Chromium");
    let deadline = Instant::now() + Duration::from_secs(90);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "Chromium failed: {status}");
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Chromium took more than 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(png.is_file(), "no screenshot written");
}

struct Image {
    w: usize,
    h: usize,
    rgb: Vec<[u8; 3]>,
}

impl Image {
    fn load(p: &Path) -> Image {
        let dec = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(p).unwrap()));
        let mut r = dec.read_info().unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        let n = match info.color_type {
            png::ColorType::Rgba => 4,
            png::ColorType::Rgb => 3,
            other => panic!("unexpected PNG colour type {other:?}"),
        };
        assert_eq!(info.bit_depth, png::BitDepth::Eight);
        let (w, h) = (info.width as usize, info.height as usize);
        let rgb = buf[..w * h * n]
            .chunks(n)
            .map(|p| [p[0], p[1], p[2]])
            .collect();
        Image { w, h, rgb }
    }

    fn at(&self, x: usize, y: usize) -> [u8; 3] {
        self.rgb[y * self.w + x]
    }

    /// Bounding box of the long horizontal runs (50 pixels or more) of exactly this colour:
    /// the screen's box, not the stray anti-aliased pixels of the caption that happen to match.
    fn bbox(&self, c: [u8; 3]) -> (usize, usize, usize, usize) {
        let (mut x0, mut y0, mut x1, mut y1) = (usize::MAX, usize::MAX, 0, 0);
        for y in 0..self.h {
            let mut run = 0;
            for x in 0..self.w {
                if self.at(x, y) == c {
                    run += 1;
                    if run >= 50 {
                        (x0, y0) = (x0.min(x + 1 - run), y0.min(y));
                        (x1, y1) = (x1.max(x), y1.max(y));
                    }
                } else {
                    run = 0;
                }
            }
        }
        assert!(x0 <= x1, "no box of the screen's background colour");
        (x0, y0, x1 + 1, y1 + 1)
    }
}

fn close(a: [u8; 3], b: [u8; 3], tol: i32) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| (*x as i32 - y as i32).abs() <= tol)
}

/// The cell grid found in the picture: the background box less its padding.
struct Grid {
    x0: f64,
    y0: f64,
    cw: f64,
    ch: f64,
}

impl Grid {
    fn find(img: &Image, pad: usize) -> Grid {
        let (x0, y0, x1, y1) = img.bbox(BG);
        let cw = (x1 - x0 - 2 * pad) as f64 / COLS as f64;
        let ch = (y1 - y0 - 2 * pad) as f64 / ROWS as f64;
        assert!((6.0..14.0).contains(&cw), "cell width {cw}");
        assert!((14.0..24.0).contains(&ch), "cell height {ch}");
        Grid {
            x0: (x0 + pad) as f64,
            y0: (y0 + pad) as f64,
            cw,
            ch,
        }
    }

    fn center(&self, row: u16, col: u16) -> (usize, usize) {
        (
            (self.x0 + (col as f64 + 0.5) * self.cw) as usize,
            (self.y0 + (row as f64 + 0.5) * self.ch) as usize,
        )
    }

    /// Pixels inside a cell span (a margin of a pixel left out).
    fn pixels<'a>(
        &self,
        img: &'a Image,
        row: u16,
        cols: std::ops::Range<u16>,
    ) -> impl Iterator<Item = [u8; 3]> + 'a {
        let xa = (self.x0 + cols.start as f64 * self.cw) as usize + 1;
        let xb = (self.x0 + cols.end as f64 * self.cw) as usize - 1;
        let ya = (self.y0 + row as f64 * self.ch) as usize + 1;
        let yb = (self.y0 + (row + 1) as f64 * self.ch) as usize - 1;
        (ya..yb).flat_map(move |y| (xa..xb).map(move |x| img.at(x, y)))
    }
}

fn check(img: &Image, pad: usize, what: &str) {
    let g = Grid::find(img, pad);
    // backgrounds: exact colours at cell centres
    for col in [0, 4, 9] {
        let (x, y) = g.center(0, col);
        assert!(
            close(img.at(x, y), RED, 2),
            "{what}: red background at 0,{col}"
        );
    }
    let (x, y) = g.center(0, 30);
    assert_eq!(img.at(x, y), BG, "{what}: default background at 0,30");
    for col in 0..4 {
        let (x, y) = g.center(3, col);
        assert!(
            close(img.at(x, y), YELLOW, 2),
            "{what}: inverse yellow at 3,{col}"
        );
    }
    // full blocks in the 256-colour green fill their cells
    for col in 0..5 {
        let (x, y) = g.center(1, col);
        assert!(
            close(img.at(x, y), GREEN_256, 8),
            "{what}: green block at 1,{col}"
        );
    }
    // text: glyph pixels in the text's colour, and none of it where there is no text
    let has = |row, cols: std::ops::Range<u16>, c: [u8; 3], tol| {
        g.pixels(img, row, cols).any(|p| close(p, c, tol))
    };
    assert!(has(2, 0..9, RGB_BLUE, 24), "{what}: RGB blue text on row 2");
    assert!(has(4, 0..5, RED, 24), "{what}: red ERROR on row 4");
    assert!(!has(4, 8..30, RED, 60), "{what}: nothing red after ERROR");
    assert!(
        has(0, 11..21, FG, 16),
        "{what}: default-colour text on row 0"
    );
    assert!(
        has(3, 5..17, FG, 16),
        "{what}: escaped markup shown as text on row 3"
    );
    assert!(
        g.pixels(img, 6, 0..COLS).all(|p| p == BG),
        "{what}: empty row 6 is background only"
    );
}

fn render(format: &str, dir: &Path, rec: &Path) -> PathBuf {
    let page = dir.join(format!("screen.{format}"));
    let st = Command::new(env!("CARGO_BIN_EXE_auditty"))
        .arg("screen")
        .arg(rec)
        .args(["--at", "end", "--format", format, "-o"])
        .arg(&page)
        .status()
        .unwrap();
    assert!(st.success());
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(
        !text.contains('\x1b'),
        "no escape character in the {format}"
    );
    assert!(
        text.contains("colours &lt;&amp;&gt;.cast"),
        "caption escaped"
    );
    assert!(
        text.contains("2023-11-14T22:13:24.500"),
        "wall-clock time in the caption"
    );
    page
}

#[test]
fn html_renders_in_chromium_with_the_right_colours() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path());
    let page = render("html", dir.path(), &rec);
    let text = std::fs::read_to_string(&page).unwrap();
    assert!(
        text.contains("<pre class=\"screen\">"),
        "real text in a <pre>"
    );
    assert!(text.contains("BLUE TEXT") && text.contains("&lt;b&gt;&amp;amp;&lt;/b&gt;"));
    let png = dir.path().join("html.png");
    screenshot(&browser, &page, &png, &dir.path().join("profile"));
    check(
        &Image::load(&png),
        auditty::render::html::PAD_PX as usize,
        "html",
    );
    if let Some(keep) = std::env::var_os("AUDITTY_KEEP_PICTURES") {
        std::fs::copy(&png, Path::new(&keep).join("test-html.png")).unwrap();
    }
}

#[test]
fn svg_renders_in_chromium_with_the_right_colours() {
    let Some(browser) = chromium() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rec = recording(dir.path());
    let page = render("svg", dir.path(), &rec);
    let png = dir.path().join("svg.png");
    screenshot(&browser, &page, &png, &dir.path().join("profile"));
    let img = Image::load(&png);
    check(&img, auditty::render::svg::PAD_PX as usize, "svg");
    // the SVG's grid is exact: cells are CELL_W × CELL_H pixels
    let g = Grid::find(&img, auditty::render::svg::PAD_PX as usize);
    assert_eq!(g.cw, auditty::render::svg::CELL_W as f64);
    assert_eq!(g.ch, auditty::render::svg::CELL_H as f64);
    if let Some(keep) = std::env::var_os("AUDITTY_KEEP_PICTURES") {
        std::fs::copy(&png, Path::new(&keep).join("test-svg.png")).unwrap();
    }
}

/// A notice shown even though the test harness captures output (a skipped check must be seen).
fn notice(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "notice: {msg}");
}
