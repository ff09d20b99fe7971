import GradFlowCore
import GradFlowData

/// Data-parallel training over a `Communicator` whose weights do not depend on the number of
/// processes: each global batch is cut into `blocks` fixed blocks of consecutive examples, each
/// process computes the gradients of its own contiguous share of blocks (forward and backward on
/// its graph, one block at a time), the per-block gradients and losses are gathered to every
/// process (`allGather`), and every process adds them up in block order — the same additions in the
/// same order whatever the number of processes — before the same optimizer step.
///
/// So for one seed and global batch, 1, 2 and 4 processes (any divisor of `blocks`) train to `==`
/// weights. The parameters are broadcast from rank 0 when `fit` starts; dropout masks are drawn from
/// a generator reset for each (step, block), so they too are the same for every process count; a
/// stop request on any rank (Ctrl-C) stops every rank after the same step; the numeric guards see
/// the same gathered gradients everywhere and so agree. Set it with `trainer.dataParallel = …`.
///
/// The gradient of the mean loss over the batch is `Σ_k (n_k / n) g_k` for blocks of `n_k` examples
/// with mean-loss gradients `g_k`; buffers for the gathered gradients are allocated once.
public final class DataParallel {
    /// The processes training together.
    public let communicator: any Communicator
    /// Blocks per global batch (the process count must divide it).
    public let blocks: Int
    private var local: [Float] = [], gathered: [Float] = []
    private var slot = 0
    /// Steps run, and the seconds spent computing this rank's blocks and in the gather (for reports).
    public private(set) var steps = 0, computeSeconds = 0.0, communicationSeconds = 0.0
    private let clock = ContinuousClock()

    /// Creates the scheme.
    /// - Throws: `DistributedError.invalidSetup` when the process count does not divide `blocks`.
    public init(communicator: any Communicator, blocks: Int = 4) throws(DistributedError) {
        guard blocks >= 1, communicator.size >= 1, blocks % communicator.size == 0 else {
            throw .invalidSetup("data-parallel training with \(communicator.size) processes needs a block count they divide (blocks: \(blocks)); "
                                + "run 1, 2 or 4 processes, or choose --blocks")
        }
        (self.communicator, self.blocks) = (communicator, blocks)
    }

    /// This process's blocks: `first ..< first + count`.
    var ownBlocks: Range<Int> {
        let share = blocks / communicator.size
        return (communicator.rank * share)..<((communicator.rank + 1) * share)
    }

    /// Makes every rank's parameters rank 0's.
    /// - Throws: `DistributedError` from the broadcast.
    func broadcastParameters(_ parameters: [Parameter]) throws {
        for parameter in parameters { try parameter.value.withUnsafeMutableBufferPointer { try communicator.broadcast($0, root: 0) } }
    }

    /// Whether any rank asks to stop.
    func anyRank(_ flag: Bool) throws(DistributedError) -> Bool { try communicator.maximum(flag ? 1 : 0) != 0 }

    /// One step's gradients: this rank's blocks of `rows` run through `trainer`'s graph, everything
    /// gathered, and `Σ_k (n_k / n) g_k` left in every trainable's `gradient`.
    /// - Returns: the batch's mean loss.
    func gradients(_ trainer: Trainer, rows: ArraySlice<Int>, of data: Dataset, step: Int) throws -> Float {
        let trainables = trainer.graph.trainables
        let width = trainables.reduce(0) { $0 + $1.value.count }
        if slot != width + 1 {
            slot = width + 1
            (local, gathered) = ([Float](repeating: 0, count: ownBlocks.count * slot), [Float](repeating: 0, count: blocks * slot))
        }
        let count = rows.count
        let bounds = { (block: Int) in rows.startIndex + block * count / self.blocks }
        let started = clock.now
        for (position, block) in ownBlocks.enumerated() {
            let base = position * slot
            let blockRows = rows[bounds(block)..<bounds(block + 1)]
            guard !blockRows.isEmpty else {
                for i in 0..<slot { local[base + i] = 0 }
                continue
            }
            var seed = RandomGenerator(seed: UInt64(truncatingIfNeeded: step) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(block))
            for case let node as any RandomStateful in trainer.graph.nodes { node.generator = RandomGenerator(seed: seed.next()) }
            trainer.refill(trainer.features, rows: blockRows, from: data.features)
            trainer.refill(trainer.labels, rows: blockRows, from: data.labels)
            let loss = try trainer.graph.forwardAndBackward()
            local.withUnsafeMutableBufferPointer { slots in
                var offset = base
                for parameter in trainables {
                    parameter.gradient.withUnsafeBufferPointer { g in (slots.baseAddress! + offset).update(from: g.baseAddress!, count: g.count) }
                    offset += parameter.value.count
                }
                slots[offset] = loss
            }
        }
        let computed = clock.now
        try local.withUnsafeBufferPointer { mine in try gathered.withUnsafeMutableBufferPointer { try communicator.allGather(mine, into: $0) } }
        let exchanged = clock.now
        steps += 1
        computeSeconds += DataParallel.seconds(computed - started)
        communicationSeconds += DataParallel.seconds(exchanged - computed)
        return gathered.withUnsafeBufferPointer { all in
            var offset = 0
            for parameter in trainables {
                let size = parameter.value.count
                parameter.gradient.withUnsafeMutableBufferPointer { g in
                    let out = g.baseAddress!
                    for i in 0..<size { out[i] = 0 }
                    for block in 0..<blocks {   // block order: the same sums for any number of processes
                        let (weight, part) = (Float(bounds(block + 1) - bounds(block)) / Float(count), all.baseAddress! + block * slot + offset)
                        for i in 0..<size { out[i] += weight * part[i] }
                    }
                }
                offset += size
            }
            var loss: Float = 0
            for block in 0..<blocks { loss += Float(bounds(block + 1) - bounds(block)) / Float(count) * all[block * slot + width] }
            return loss
        }
    }

    /// A one-line report: processes, blocks, and the compute and gather time per step.
    public var summary: String {
        let count = Double(max(steps, 1))
        let perStep = { (seconds: Double) in String(Double(Int(seconds / count * 1e6)) / 1000) }
        return "data-parallel: \(communicator.size) process(es), \(blocks) blocks per batch, \(steps) steps; per step "
            + "\(perStep(computeSeconds)) ms computing this rank's blocks, \(perStep(communicationSeconds)) ms in MPI_Allgather"
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
    }
}
