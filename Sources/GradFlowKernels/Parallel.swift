/// The number of threads the kernels may use (1 = everything on the caller's thread).
package enum KernelThreads {
    /// Placeholder until the thread pool lands: always 1.
    package static var count: Int { 1 }
}
