//! Giving memory back after large background work. glibc gives each thread that allocates its own arena, and
//! what a worker thread frees stays in the process's resident memory: checking a workspace of 5,000 requests off the
//! UI thread (and reading it again with Ctrl-L) left about 10 MB resident for good, half the idle budget
//! (BENCHMARKS.md). `malloc_trim` returns free pages of every arena to the system; elsewhere it is a no-op.

/// Returns the allocator's free memory to the system. Called once per round of collection checks, not per frame.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it takes no pointer and is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}
