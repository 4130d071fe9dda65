//! Nanoseconds per variate of the numpy-exact samplers, one core and all cores.
//!
//!     cargo bench --bench sampler

use anomaly_lab::numpy::{Beta, Normal, column, default_rng};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::distr::Distribution;
use std::hint::black_box;

const N: usize = 1 << 20;

fn samplers(c: &mut Criterion) {
    let mut g = c.benchmark_group("variates");
    g.throughput(Throughput::Elements(N as u64));
    g.sample_size(20);
    let mut out = vec![0.0; N];
    let cases: [(&str, Beta); 4] = [
        ("beta(2,4) gammas", Beta::new(2.0, 4.0).unwrap()),
        ("beta(2.5,2.5) gammas", Beta::new(2.5, 2.5).unwrap()),
        ("beta(0.5,0.5) johnk", Beta::new(0.5, 0.5).unwrap()),
        ("beta(0.5,3) small shape", Beta::new(0.5, 3.0).unwrap()),
    ];
    for (name, dist) in &cases {
        g.bench_function(format!("{name} one core"), |b| {
            let mut rng = default_rng(2);
            b.iter(|| column::fill_chunked(dist, &mut rng, black_box(&mut out), 1, 0));
        });
    }
    let beta = Beta::new(2.0, 4.0).unwrap();
    g.bench_function("beta(2,4) all cores", |b| {
        let mut rng = default_rng(2);
        b.iter(|| column::fill(&beta, &mut rng, black_box(&mut out)));
    });
    let normal = Normal::new(0.0, 1.0).unwrap();
    g.bench_function("normal one core", |b| {
        let mut rng = default_rng(2);
        b.iter(|| out.iter_mut().for_each(|x| *x = normal.sample(&mut rng)));
    });
    g.finish();
}

criterion_group!(benches, samplers);
criterion_main!(benches);
