//! The global allocator: the system's, except that an allocation the system refuses
//! (memory exhausted, or a limit such as `ulimit -v` or a cgroup's `memory.max` reached)
//! ends the run with a clear message, exit status 2 and no temporary files, instead of
//! Rust's abort (exit 134). The up-front estimate (`crate::memory`) refuses most runs
//! that cannot fit; this catches what it cannot foresee (a data file's size, a huge JSON).

use std::alloc::{GlobalAlloc, Layout, System};

/// The system allocator with a clean exit on failure; `main.rs` installs it.
#[derive(Debug)]
pub struct ExitOnFailure;

// SAFETY: every call is forwarded to `System` unchanged; a null result never returns.
unsafe impl GlobalAlloc for ExitOnFailure {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `System`'s.
        checked(unsafe { System.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as above.
        checked(unsafe { System.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        checked(unsafe { System.realloc(ptr, layout, new_size) }, new_size)
    }
}

fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        out_of_memory(Some(size));
    }
    ptr
}

/// `scope.spawn(f)`, except that a thread the system cannot start (its stack cannot be
/// mapped under a memory limit) ends the run like a failed allocation, not with a panic.
pub fn spawn_scoped<'scope, T: Send + 'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    f: impl FnOnce() -> T + Send + 'scope,
) -> std::thread::ScopedJoinHandle<'scope, T> {
    std::thread::Builder::new()
        .spawn_scoped(scope, f)
        .unwrap_or_else(|_| out_of_memory(None))
}

/// Says what happened without allocating (the heap is what failed), removes temporary
/// files and exits 2, like a run refused for its size.
#[cold]
fn out_of_memory(size: Option<usize>) -> ! {
    let mut buf = [0u8; 400];
    let mut len = 0;
    let mut put = |bytes: &[u8]| {
        let n = bytes.len().min(buf.len() - len);
        buf[len..len + n].copy_from_slice(&bytes[..n]);
        len += n;
    };
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    match size {
        Some(size) => {
            let mut v = size.div_ceil(1 << 20);
            loop {
                i -= 1;
                digits[i] = b'0' + (v % 10) as u8;
                v /= 10;
                if v == 0 {
                    break;
                }
            }
            put(b"error: out of memory: an allocation of ");
            put(&digits[i..]);
            put(b" MiB failed");
        }
        None => put(b"error: out of memory: a worker thread could not be started"),
    }
    put(
        b": the run needs more memory than this machine or its limits \
          (ulimit -v, the cgroup's memory.max) allow; try a smaller --n, --top or data \
          file, or --no-plot\n",
    );
    // SAFETY: writes `len` initialised bytes to stderr; the result does not matter.
    unsafe {
        libc::write(2, buf.as_ptr().cast(), len);
    }
    crate::filesystem::remove_in_flight_now();
    // SAFETY: ends the process at once, with no unwinding or destructors that allocate.
    unsafe { libc::_exit(crate::exit::Exit::Usage.code()) }
}
