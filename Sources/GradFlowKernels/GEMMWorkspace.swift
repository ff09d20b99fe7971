#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One thread's GEMM scratch memory: a packed A block (MC×KC), a packed B block (KC×NC), one
/// MR×NR edge tile and the second depth half's partial C of a `GEMMDepthSplit`, 64-byte aligned. Allocated the first time a thread runs a GEMM, reused by every
/// later call on that thread (so a steady-state GEMM allocates nothing), freed when the thread exits.
struct GEMMWorkspace {
    let packedA: UnsafeMutablePointer<Float>
    let packedB: UnsafeMutablePointer<Float>
    let edgeTile: UnsafeMutablePointer<Float>
    /// `GEMMDepthSplit.partialCapacity` floats.
    let depthPartial: UnsafeMutablePointer<Float>

    private static let aCount = GEMMBlocking.mc * GEMMBlocking.kc
    private static let bCount = GEMMBlocking.kc * GEMMBlocking.nc
    private static let tileCount = GEMMBlocking.mr * GEMMBlocking.nr
    private static let partialCount = GEMMDepthSplit.partialCapacity
    private static let byteCount = (aCount + bCount + tileCount + partialCount) * MemoryLayout<Float>.stride

    /// The thread-specific key; its destructor frees a thread's block when the thread exits.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key) { $0?.deallocate() }
        precondition(status == 0, "GEMMWorkspace: pthread_key_create failed")
        return key
    }()

    /// The calling thread's workspace (allocated on its first use).
    static func current() -> GEMMWorkspace {
        let raw: UnsafeMutableRawPointer
        if let existing = pthread_getspecific(key) {
            raw = existing
        } else {
            raw = .allocate(byteCount: byteCount, alignment: 64)
            pthread_setspecific(key, raw)
        }
        let floats = raw.assumingMemoryBound(to: Float.self)
        return GEMMWorkspace(packedA: floats, packedB: floats + aCount, edgeTile: floats + aCount + bCount,
                             depthPartial: floats + aCount + bCount + tileCount)
    }
}
