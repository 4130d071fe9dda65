//! How much memory a run needs, and whether this machine has it: a run that cannot fit is
//! refused before anything is allocated, rather than killed by the kernel halfway through.

/// Fixed overhead on top of the per-case columns (binary, tables, buffers, JSON).
pub const OVERHEAD: u64 = 32 << 20;

/// Peak bytes for `n` cases: the score column, one feature column and the quantile's
/// scratch copy never coexist beyond two at a time (16 bytes a case); the plotted
/// feature's column adds 8 more, and `kept` bytes of feature columns kept for the
/// explanations come on top.
pub fn required(n: usize, with_plot: bool, kept: u128) -> u128 {
    n as u128 * per_case(with_plot) + u128::from(OVERHEAD) + kept
}

/// Bytes each case needs at the peak (see [`required`]).
pub fn per_case(with_plot: bool) -> u128 {
    if with_plot { 24 } else { 16 }
}

/// The most cases `available` bytes can hold.
pub fn max_cases(available: u64, with_plot: bool) -> u128 {
    u128::from(available.saturating_sub(OVERHEAD)) / per_case(with_plot)
}

/// Memory the kernel says is available for new allocations, where it says so (Linux).
pub fn available() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    parse_meminfo(&info)
}

fn parse_meminfo(info: &str) -> Option<u64> {
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// "1.5 TiB", "23 GiB", "96 MiB".
pub fn human(bytes: u128) -> String {
    const UNITS: [&str; 6] = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_and_units() {
        assert_eq!(required(10_000_000, false, 0), 160_000_000 + (32 << 20));
        assert_eq!(required(1, false, 40), 16 + 40 + (32 << 20));
        assert_eq!(required(1, true, 0), 24 + (32 << 20));
        assert_eq!(max_cases(16 + (32 << 20), false), 1);
        assert_eq!(max_cases(1, true), 0);
        assert_eq!(human(1_600_000_000_000 + (32 << 20)), "1.5 TiB");
        assert_eq!(human(23 << 30), "23 GiB");
        assert_eq!(human(512), "512 bytes");
    }

    #[test]
    fn reads_mem_available() {
        let info = "MemTotal:       24683624 kB\nMemAvailable:   24197472 kB\n";
        assert_eq!(parse_meminfo(info), Some(24_197_472 * 1024));
        assert_eq!(parse_meminfo("MemTotal: 5 kB\n"), None);
    }
}
