//! A whole run (draw, score, threshold, rank) at several n, and the plot.
//!
//!     cargo bench --bench run

use anomaly_lab::lab::Lab;
use anomaly_lab::plot::{PlotInput, render_png};
use anomaly_lab::report::RunReport;
use anomaly_lab::run::{RunConfig, simulate};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

fn runs(c: &mut Criterion) {
    let mut g = c.benchmark_group("run");
    for n in [96usize, 10_000, 1_000_000] {
        let mut cfg = RunConfig::from_lab(Lab::module2());
        cfg.n = n;
        g.throughput(Throughput::Elements(n as u64));
        g.sample_size(if n > 100_000 { 10 } else { 50 });
        g.bench_function(format!("simulate + json n={n}"), |b| {
            b.iter(|| {
                let out = simulate(black_box(&cfg), false).unwrap();
                RunReport::new(&cfg, &out, None).to_json()
            });
        });
    }
    g.finish();

    let lab = Lab::module2();
    let cfg = RunConfig::from_lab(lab.clone());
    let out = simulate(&cfg, true).unwrap();
    let x = out.plot_x.clone().expect("kept");
    c.bench_function("plot png n=96", |b| {
        b.iter(|| {
            render_png(&PlotInput {
                x: x.as_slice().unwrap_or_default(),
                y: out.scores.as_slice().unwrap_or_default(),
                priority: &out.priority,
                labels: None,
                x_label: &lab.plot.x_label,
                y_label: &lab.plot.y_label,
                title: &lab.title,
                subtitle: None,
                threshold_line: None,
                moved: None,
            })
        });
    });
}

criterion_group!(benches, runs);
criterion_main!(benches);
