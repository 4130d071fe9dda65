use anomaly_lab::lab::{Distribution, Lab};
use anomaly_lab::run::{RunConfig, draw_column, simulate};
use std::time::Instant;
fn main() {
    let n = 10_000_000;
    for (a, b) in [(2.0, 4.0), (2.5, 2.5), (3.0, 5.0)] {
        let t = Instant::now();
        let c = draw_column(&Distribution::Beta { a, b }, 2, n);
        println!(
            "beta({a},{b}): {:.1} ns/variate (sum {})",
            t.elapsed().as_nanos() as f64 / n as f64,
            c.sum()
        );
    }
    let mut cfg = RunConfig::from_lab(Lab::module2());
    cfg.n = n;
    let t = Instant::now();
    let out = simulate(&cfg, false);
    println!("simulate: {:.3} s", t.elapsed().as_secs_f64());
    let t = Instant::now();
    let j = anomaly_lab::report::RunReport::new(&cfg, &out, None).to_json();
    println!(
        "json: {:.3} s, {} bytes",
        t.elapsed().as_secs_f64(),
        j.len()
    );
    let t = Instant::now();
    let q = anomaly_lab::stats::quantile_linear(out.scores.to_vec(), 0.8);
    println!("quantile: {:.3} s {q}", t.elapsed().as_secs_f64());
}
