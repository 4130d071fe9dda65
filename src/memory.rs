//! How much memory a run needs, and whether this machine has it: a run that cannot fit is
//! refused before anything is allocated, rather than killed by the kernel halfway through.
//! This module reads /proc and /sys (the kernel's accounts), nothing else.

/// Fixed overhead on top of the per-case columns (binary, tables, buffers).
pub(crate) const OVERHEAD: u64 = 32 << 20;

/// What a generated run holds at its peak.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Footprint {
    pub n: usize,
    pub with_plot: bool,
    /// A labelled run also sorts (score, label) pairs for its detection metrics.
    pub labelled: bool,
    /// A sweep keeps a sorted copy of the scores and, labelled, both whole curves.
    pub sweep: bool,
    /// A labelled sweep printing JSON also holds both curves as JSON values.
    pub curves_json: bool,
    /// Feature columns kept whole (for the explanations or the export), in bytes.
    pub kept: u128,
    /// Length of the top list; each top case is explained feature by feature.
    pub top: usize,
    pub features: usize,
    /// The most cases the priority set can hold.
    pub priority: usize,
}

/// Bytes per top case and feature: the explanation's record, its copy of the feature's
/// name, and the counters that find its percentile (measured: about 220 bytes).
const TOP_CASE_FEATURE_BYTES: u128 = 256;
/// Bytes per top case besides its features: its index, score and place in the heap.
const TOP_CASE_BYTES: u128 = 96;
/// Bytes per priority case: its index, and its share of the JSON's encoded list.
const PRIORITY_CASE_BYTES: u128 = 10;

impl Footprint {
    /// Peak bytes: the score column, one feature column and the quantile's scratch copy
    /// never coexist beyond two at a time (16 bytes a case); a labelled run's threat
    /// columns, detection metrics' sorted (score, label) pairs and sort buffer raise that
    /// to 80; a sweep needs 24, or 120 with its curves, and 400 more to print them as
    /// JSON; the plotted feature's column adds 8; kept columns, the top list and the
    /// priority set come on top. The JSON is streamed out, never held. (Measured
    /// with `/usr/bin/time -f %M` at two sizes; these are the slopes, rounded up.)
    pub(crate) fn bytes(&self) -> u128 {
        let base: u128 = match (self.sweep, self.labelled) {
            (false, false) => 16,
            (false, true) => 80,
            (true, false) => 24,
            (true, true) => 120,
        };
        let curves_json = if self.sweep && self.labelled && self.curves_json {
            400
        } else {
            0
        };
        let per_case = base + curves_json + if self.with_plot { 8 } else { 0 };
        let top = self.top.min(self.n) as u128;
        self.n as u128 * per_case
            + u128::from(OVERHEAD)
            + self.kept
            + top * (TOP_CASE_BYTES + TOP_CASE_FEATURE_BYTES * self.features as u128)
            + self.priority.min(self.n) as u128 * PRIORITY_CASE_BYTES
    }

    /// Whether the run is large enough to ask how much memory is left: asking (five files
    /// read) costs more than a run whose own data take under 16 MiB beyond the fixed
    /// overhead, and where even that does not fit, a failed allocation still ends the run
    /// cleanly (`allocator`).
    pub(crate) fn worth_asking(&self) -> bool {
        self.bytes() >= u128::from(OVERHEAD) + (16 << 20)
    }

    /// The most cases `available` bytes hold with everything else as it is (the kept
    /// columns, top list and priority set scaled along with n).
    pub(crate) fn max_cases(&self, available: u64) -> u128 {
        let fits = |n: usize| {
            let scaled = |x: usize| (x as u128 * n as u128 / self.n.max(1) as u128) as usize;
            let f = Footprint {
                n,
                kept: self.kept * n as u128 / self.n.max(1) as u128,
                top: self.top.min(n),
                priority: scaled(self.priority),
                ..*self
            };
            f.bytes() <= u128::from(available)
        };
        let (mut lo, mut hi) = (0usize, self.n);
        while lo < hi {
            let mid = lo + (hi - lo).div_ceil(2);
            if fits(mid) { lo = mid } else { hi = mid - 1 }
        }
        lo as u128
    }
}

/// Memory this process may still allocate, and which limit says so: the kernel's
/// MemAvailable, the cgroup's memory limit (v2 `memory.max`, v1 `memory.limit_in_bytes`)
/// less what the group uses, and the address-space limit (`ulimit -v`) less what this
/// process has mapped. The smallest wins.
pub(crate) fn available() -> Option<(u64, &'static str)> {
    let read = |path: &str| std::fs::read_to_string(path).ok();
    let mut limits = Vec::new();
    if let Some(have) = read("/proc/meminfo").as_deref().and_then(parse_meminfo) {
        limits.push((have, "available on this machine"));
    }
    if let Some(have) = cgroup_headroom() {
        limits.push((have, "left under this process's cgroup memory limit"));
    }
    if let Some(have) = address_space_headroom() {
        limits.push((have, ADDRESS_SPACE));
    }
    limits.into_iter().min_by_key(|&(have, _)| have)
}

fn parse_meminfo(info: &str) -> Option<u64> {
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    kib.checked_mul(1024)
}

/// The cgroup's limit less its usage, at the group's own directory or (inside a
/// container, where the group is the root) at the mount point.
fn cgroup_headroom() -> Option<u64> {
    let groups = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    let mut candidates = Vec::new();
    for line in groups.lines() {
        let mut parts = line.splitn(3, ':');
        let (_, controllers, path) = (parts.next()?, parts.next()?, parts.next()?);
        let (base, max, used) = match controllers {
            "" => ("/sys/fs/cgroup", "memory.max", "memory.current"),
            c if c.split(',').any(|c| c == "memory") => (
                "/sys/fs/cgroup/memory",
                "memory.limit_in_bytes",
                "memory.usage_in_bytes",
            ),
            _ => continue,
        };
        for dir in [format!("{base}{path}"), base.to_string()] {
            let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).ok();
            if let (Some(max), Some(used)) = (read(max), read(used)) {
                candidates.push(headroom(&max, &used));
                break;
            }
        }
    }
    candidates.into_iter().flatten().min()
}

/// A cgroup limit less its usage; `max` (v2) or a near-2^63 value (v1) means no limit.
fn headroom(max: &str, used: &str) -> Option<u64> {
    let max: u64 = max.trim().parse().ok()?;
    let used: u64 = used.trim().parse().ok()?;
    (max < 1 << 62).then(|| max.saturating_sub(used))
}

/// What [`available`] says when the address-space limit is the tightest.
pub(crate) const ADDRESS_SPACE: &str = "left under the address-space limit (ulimit -v)";

/// Address space each worker thread maps beyond what it uses, which counts against
/// `ulimit -v`: glibc's per-thread malloc arena (64 MiB reserved) and its stack (8 MiB).
/// A run of `n` cases uses at most [`crate::threads::for_items`] of them.
pub(crate) fn thread_mapping(n: usize) -> u64 {
    crate::threads::for_items(n) as u64 * (72 << 20)
}

/// The size from which a run draws and sorts on several threads (and so maps more).
pub(crate) const THREADED_FROM: usize = 1 << 16;

/// RLIMIT_AS less the process's mapped size (VmSize), if there is such a limit.
fn address_space_headroom() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit struct, which `limit` is.
    if unsafe { libc::getrlimit(libc::RLIMIT_AS, &mut limit) } != 0
        || limit.rlim_cur == libc::RLIM_INFINITY
    {
        return None;
    }
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmSize:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(limit.rlim_cur.saturating_sub(kib * 1024))
}

/// "1.5 TiB", "23 GiB", "96 MiB".
pub(crate) fn human(bytes: u128) -> String {
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
    fn only_runs_beyond_a_few_mib_ask_for_the_memory_left() {
        let small = Footprint {
            with_plot: true,
            top: 5,
            priority: 20,
            ..footprint(96)
        };
        assert!(!small.worth_asking(), "the notebook's run");
        assert!(!footprint(500_000).worth_asking());
        assert!(footprint(2 << 20).worth_asking());
    }

    fn footprint(n: usize) -> Footprint {
        Footprint {
            n,
            with_plot: false,
            labelled: false,
            sweep: false,
            curves_json: false,
            kept: 0,
            top: 0,
            features: 5,
            priority: 0,
        }
    }

    #[test]
    fn estimates_and_units() {
        let overhead = u128::from(OVERHEAD);
        assert_eq!(footprint(10_000_000).bytes(), 160_000_000 + overhead);
        let f = Footprint {
            kept: 40,
            ..footprint(1)
        };
        assert_eq!(f.bytes(), 16 + 40 + overhead);
        let f = Footprint {
            with_plot: true,
            ..footprint(1)
        };
        assert_eq!(f.bytes(), 24 + overhead);
        // A full-length top list and priority set count case by case.
        let f = Footprint {
            top: 10,
            priority: 10,
            ..footprint(10)
        };
        assert_eq!(f.bytes(), 160 + overhead + 10 * (96 + 5 * 256) + 10 * 10);
        assert_eq!(footprint(10).max_cases(16 + (32 << 20)), 1);
        assert_eq!(footprint(10).max_cases(1), 0);
        let f = Footprint {
            top: 1000,
            priority: 200,
            ..footprint(1000)
        };
        let max = f.max_cases(f.bytes() as u64 - 1);
        assert!(max < 1000 && max > 990, "{max}");
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

    #[test]
    fn reads_cgroup_limits() {
        assert_eq!(headroom("1073741824\n", "73741824\n"), Some(1_000_000_000));
        assert_eq!(headroom("max\n", "5\n"), None);
        assert_eq!(headroom("9223372036854771712\n", "5\n"), None);
        assert_eq!(headroom("100\n", "200\n"), Some(0));
    }
}
