import CBenchMachine
import Foundation
import GradFlowKernels

/// The machine a benchmark ran on, printed before any figure so that figures from different machines
/// are not mixed: CPU model (`/proc/cpuinfo`), cores, L2 size, the clock measured with a chain of dependent
/// adds, the instruction set GradFlow's GEMM uses, and the FMA ceiling figures are compared with
/// (clock × 32 flop per cycle per core: two FMA pipes × 8 float lanes × 2 flops, the figure of both
/// AVX2 and Zen 4's double-pumped AVX-512).
enum MachineLine {
    /// The line for a machine whose add chain ran at `gigahertz` (see `clock()`).
    static func text(gigahertz: Double) -> String {
        let model = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .components(separatedBy: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let isa = GEMMKernel.isAVX512Supported ? "AVX-512 (micro-kernels), AVX2 (packing)"
            : GEMMKernel.isAVX2FMASupported ? "AVX2+FMA" : "portable"
        let l2 = GEMMKernel.l2CacheBytes > 0 ? ", L2 \(GEMMKernel.l2CacheBytes >> 10) KiB per core" : ""
        return "machine: \(model), \(cores) cores\(l2), \(String(format: "%.2f", gigahertz)) GHz (add chain), GEMM \(isa); "
            + "FMA peak ≈ \(String(format: "%.0f", peakGFLOPS(gigahertz: gigahertz))) GFLOP/s per core"
    }

    /// The FMA ceiling per core in GFLOP/s at `gigahertz`.
    static func peakGFLOPS(gigahertz: Double) -> Double { gigahertz * 32 }

    /// GHz: the fastest of five timed chains of 80 M dependent adds.
    static func clock() -> Double {
        let rounds = 10_000_000
        var best = Double.infinity
        for _ in 0..<5 {
            var sink = 0
            let seconds = Timing.seconds { sink = gradflow_add_chain(rounds) }
            if sink == 8 * rounds { best = min(best, seconds) }
        }
        return Double(8 * rounds) / best / 1e9
    }
}
