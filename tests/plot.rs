//! The plot as a student sees it: a 600x300 PNG in coolwarm's two colours, laid out like
//! the notebook's matplotlib figure (tests/fixtures/seed_plot_matplotlib.png).

use anomaly_lab::lab::Lab;
use anomaly_lab::plot::{self, NORMAL_RGB, PRIORITY_RGB, PlotInput};
use anomaly_lab::run::{RunConfig, simulate};

fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("a PNG");
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let rgb = match info.color_type {
        png::ColorType::Rgb => buf[..info.buffer_size()].to_vec(),
        png::ColorType::Rgba => buf[..info.buffer_size()]
            .chunks(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect(),
        other => panic!("unexpected colour type {other:?}"),
    };
    (info.width, info.height, rgb)
}

fn baseline_png() -> Vec<u8> {
    let lab = Lab::module2();
    let out = simulate(&RunConfig::from_lab(lab.clone()), true).unwrap();
    let x = out.plot_x.expect("kept");
    plot::render_png(&PlotInput {
        x: x.as_slice().unwrap(),
        y: out.scores.as_slice().unwrap(),
        priority: &out.priority,
        labels: None,
        x_label: &lab.plot.x_label,
        y_label: &lab.plot.y_label,
        title: &lab.title,
    })
    .unwrap()
}

fn count(rgb: &[u8], colour: [u8; 3]) -> usize {
    rgb.chunks(3).filter(|p| *p == colour).count()
}

#[test]
fn plot_is_600_by_300_with_both_colours() {
    let (w, h, rgb) = decode(&baseline_png());
    assert_eq!((w, h), (600, 300));
    // 20 priority and 76 normal markers, each with a solid core of about 30 pixels.
    assert!(
        count(&rgb, PRIORITY_RGB) > 20 * 15,
        "priority markers present"
    );
    assert!(count(&rgb, NORMAL_RGB) > 76 * 10, "normal markers present");
}

#[test]
fn plot_looks_like_the_notebook() {
    let (_, _, ours) = decode(&baseline_png());
    let reference = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/seed_plot_matplotlib.png"
    ))
    .unwrap();
    let (w, h, theirs) = decode(&reference);
    assert_eq!((w, h), (600, 300));
    let mean_abs: f64 = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| f64::from(a.abs_diff(*b)))
        .sum::<f64>()
        / ours.len() as f64;
    // Same layout, markers and text give ~3; a plot with its markers moved by even a few
    // pixels, the text missing or the axes scaled differently scores well above 6.
    assert!(
        mean_abs < 4.5,
        "mean absolute difference {mean_abs:.2} from matplotlib's figure"
    );
    // The same amount of priority red, to within anti-aliasing.
    let red = |rgb: &[u8]| {
        rgb.chunks(3)
            .filter(|p| p[0] > 150 && p[1] < 80 && p[2] < 100)
            .count() as f64
    };
    let ratio = red(&ours) / red(&theirs);
    assert!((0.9..1.1).contains(&ratio), "priority ink ratio {ratio:.2}");
}

#[test]
fn text_is_drawn_from_the_embedded_font() {
    let (w, _, rgb) = decode(&baseline_png());
    // The title band (rows 15-32) holds dark glyph pixels across its centre.
    let dark = (15..33)
        .flat_map(|y| (150..450).map(move |x| (y, x)))
        .filter(|&(y, x)| rgb[(y * w as usize + x) * 3] < 100)
        .count();
    assert!(dark > 300, "title glyphs rendered ({dark} dark pixels)");
}

#[test]
fn rendering_is_deterministic() {
    assert_eq!(baseline_png(), baseline_png());
}
