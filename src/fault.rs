//! Failure injection for the fault tests, compiled only with the `fault-injection`
//! feature (the README's test command enables it; an ordinary build has no trace of it).
//! With `ANOMALY_LAB_FAULT` set, [`point`] runs where a temporary output file exists, is
//! written, and is not yet in place: the moment a signal or a failed write is most
//! dangerous, and too short to hit by chance.

/// `ANOMALY_LAB_FAULT=error` fails the write here; `SIGINT`, `SIGTERM` or `SIGHUP` sends
/// the process that signal here and waits for it to take effect. A suffix `@N` fires at
/// the N-th output the command writes (from 1), not the first.
#[cfg(feature = "fault-injection")]
pub(crate) fn point() -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static REACHED: AtomicUsize = AtomicUsize::new(0);
    let reached = REACHED.fetch_add(1, Ordering::SeqCst) + 1;
    let setting = std::env::var("ANOMALY_LAB_FAULT").unwrap_or_default();
    let (fault, at) = match setting.split_once('@') {
        Some((fault, n)) => (fault.to_string(), n.parse().unwrap_or(1)),
        None => (setting, 1),
    };
    if reached != at {
        return Ok(());
    }
    let signal = match fault.as_str() {
        "error" => return Err(std::io::Error::other("injected write failure")),
        "SIGINT" => libc::SIGINT,
        "SIGTERM" => libc::SIGTERM,
        "SIGHUP" => libc::SIGHUP,
        _ => return Ok(()),
    };
    // SAFETY: raise() only asks the kernel to deliver a signal to this process.
    unsafe {
        libc::raise(signal);
    }
    // The handler thread removes the temporary files and exits; carrying on instead
    // (no handler) would be the bug the tests look for, so give it ample time.
    std::thread::sleep(std::time::Duration::from_secs(10));
    Ok(())
}

/// Without the feature: nothing, inlined away.
#[cfg(not(feature = "fault-injection"))]
#[inline(always)]
pub(crate) fn point() -> std::io::Result<()> {
    Ok(())
}
