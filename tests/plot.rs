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
    variant(&Lab::module2().title, None, None)
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

/// The module2 plot with a title, a subtitle and the threshold line as given.
fn variant(title: &str, subtitle: Option<&str>, threshold: Option<f64>) -> Vec<u8> {
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
        title,
        subtitle,
        threshold_line: threshold,
        moved: None,
    })
    .unwrap()
}

/// Columns of the title band (the top 22 rows) that hold dark ink.
fn title_ink_columns(png: &[u8]) -> Vec<u32> {
    let (w, _, rgb) = decode(png);
    (0..w)
        .filter(|&x| (0..22).any(|y| rgb[((y * w + x) * 3) as usize] < 100))
        .collect()
}

#[test]
fn a_long_title_always_fits_inside_the_figure() {
    let long = "A very long lab title that goes on and on about anomaly detection foundations \
                (n = 1,000,000)";
    let cols = title_ink_columns(&variant(long, None, None));
    let (first, last) = (cols[0], *cols.last().unwrap());
    assert!(first >= 5 && last <= 595, "title ink spans {first}..{last}");
}

#[test]
fn a_changed_run_names_its_change_and_can_show_its_threshold() {
    let base = Lab::module2().title;
    let plain = decode(&variant(&base, None, None)).2;
    let named = decode(&variant(&base, Some("quantile 0.9"), None)).2;
    let lined = decode(&variant(&base, None, Some(0.4501860567503254))).2;
    assert_ne!(plain, named);
    assert_ne!(plain, lined);
    // `plain` is baseline_png(), which plot_looks_like_the_notebook compares with matplotlib.
}

#[test]
fn the_subtitle_lists_what_differs_from_the_lab() {
    use anomaly_lab::compare::changes_from_lab;
    use anomaly_lab::run::Cut;
    let lab = RunConfig::from_lab(Lab::module2());
    assert!(changes_from_lab(&lab, &lab).is_empty());
    let mut changed = lab.clone();
    changed.cut = Cut::Quantile(0.9);
    changed.lab.features[1].weight = 0.4;
    assert_eq!(
        changes_from_lab(&lab, &changed),
        ["quantile 0.9", "weights.severity 0.4"]
    );
}

#[test]
fn the_density_view_explains_its_colours_above_the_axes_and_follows_the_scatter() {
    let n = plot::DENSITY_ABOVE + 1;
    let x: Vec<f64> = (0..n).map(|i| (i % 1000) as f64 / 1000.0).collect();
    let y: Vec<f64> = (0..n).map(|i| (i % 777) as f64 / 777.0).collect();
    let priority: Vec<usize> = (0..n).filter(|&i| y[i] > 0.8).collect();
    let png = plot::render_png(&PlotInput {
        x: &x,
        y: &y,
        priority: &priority,
        labels: None,
        x_label: "x",
        y_label: "y",
        title: "t",
        subtitle: None,
        threshold_line: None,
        moved: None,
    })
    .unwrap();
    let (w, _, rgb) = decode(&png);
    // The note's grey ink sits in the band under the title, above the axes.
    let grey = (24..36)
        .flat_map(|r| (0..w).map(move |c| ((r * w + c) * 3) as usize))
        .filter(|&i| rgb[i] < 0x90 && rgb[i] == rgb[i + 1] && rgb[i + 1] == rgb[i + 2])
        .count();
    assert!(
        grey > 200,
        "the density note is above the axes ({grey} grey pixels)"
    );
    // Scatter markers shrink towards the density view's single pixels; 96 cases keep
    // matplotlib's size.
    let r = plot::marker_radius;
    assert!(r(96) > r(10_000) && r(10_000) > r(plot::DENSITY_ABOVE));
    assert!(r(plot::DENSITY_ABOVE) <= 1.5);
}
