//! Failure injection for the fault tests, compiled only with the `fault-injection`
//! feature (the README's test command enables it; an ordinary build has no trace of it).
//! With `ANOMALY_LAB_FAULT` set, [`point`] runs where a temporary output file exists, is
//! written, and is not yet in place: the moment a signal or a failed write is most
//! dangerous, and too short to hit by chance.

/// `ANOMALY_LAB_FAULT=error` fails the write here; `SIGINT`, `SIGTERM` or `SIGHUP` sends
/// the process that signal here and waits for it to take effect.
#[cfg(feature = "fault-injection")]
pub fn point() -> std::io::Result<()> {
    let signal = match std::env::var("ANOMALY_LAB_FAULT").as_deref() {
        Ok("error") => return Err(std::io::Error::other("injected write failure")),
        Ok("SIGINT") => libc::SIGINT,
        Ok("SIGTERM") => libc::SIGTERM,
        Ok("SIGHUP") => libc::SIGHUP,
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
pub fn point() -> std::io::Result<()> {
    Ok(())
}
