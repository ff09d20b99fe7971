/// What `Trainer.fit` checks after every step so that a run that goes wrong stops early, says where,
/// and keeps the last good parameters.
///
/// - Finiteness: after each forward and backward pass, and *before* the optimizer step, every
///   node's value (in topological order) and every gradient (in the order the backward pass made
///   them) must be finite; the first that is not is named in `TrainerError.nonFiniteValue`. Because
///   the check runs before the update, neither the parameters nor the optimizer's moments ever see
///   a NaN or an infinity. A finite gradient can still overflow a parameter (an enormous learning
///   rate), so the parameters are also copied into preallocated buffers before each update and
///   checked after it; a parameter that became non-finite is rolled back
///   (`TrainerError.nonFiniteUpdate`).
/// - Divergence: the step losses are smoothed (a bias-corrected exponential moving average,
///   β = 0.98, as fastai's learning-rate finder does, so one hard batch does not count); when the
///   smoothed loss exceeds `divergenceFactor` × its best so far, training stops before that step's
///   update with `TrainerError.diverged`, which suggests a smaller learning rate.
///
/// The checks read buffers the step already wrote and allocate nothing; the finite check is an
/// integer max over the bit patterns (vectorised by the compiler), far cheaper than the step itself.
public struct NumericGuards: Equatable, Sendable {
    /// Whether values, gradients and updated parameters are checked for NaN and infinity.
    public var checksFiniteness: Bool
    /// Stop when the smoothed loss grows past this multiple of its best (nil: never).
    public var divergenceFactor: Float?

    /// Creates a guard configuration.
    /// - Parameters:
    ///   - checksFiniteness: check for NaN and infinity after every step.
    ///   - divergenceFactor: the growth of the smoothed loss over its best that stops training
    ///     (nil: no divergence check); values ≤ 1 would stop healthy runs, so use something like 100.
    public init(checksFiniteness: Bool = true, divergenceFactor: Float? = 100) {
        self.checksFiniteness = checksFiniteness
        self.divergenceFactor = divergenceFactor
    }

    /// Finiteness checks and a divergence factor of 100 (what `gradflow train` uses).
    public static let `default` = NumericGuards()
    /// No checks (`gradflow train --no-guards`).
    public static let off = NumericGuards(checksFiniteness: false, divergenceFactor: nil)

    /// Whether any check is on.
    public var isEnabled: Bool { checksFiniteness || divergenceFactor != nil }
}

/// The running state of the divergence check: a bias-corrected exponential moving average of the
/// step losses and the best value it has had. Saved in training checkpoints, so a resumed run stops
/// exactly where an uninterrupted one would.
public struct LossSmoother: Equatable, Sendable {
    /// The smoothing factor β of the moving average.
    public static let beta = 0.98
    /// The raw (not yet bias-corrected) moving average.
    public var average: Double = 0
    /// The lowest smoothed loss so far (+∞ before the first step).
    public var best: Double = .infinity
    /// The number of losses averaged.
    public var count: Int = 0

    /// Creates an empty smoother.
    public init() {}

    /// Creates a smoother with saved state.
    public init(average: Double, best: Double, count: Int) {
        (self.average, self.best, self.count) = (average, best, count)
    }

    /// The bias-corrected average `average / (1 − βᵗ)` (0 before the first loss).
    public var smoothed: Double {
        count == 0 ? 0 : average / (1 - power(LossSmoother.beta, count))
    }

    /// Adds one step's loss; returns the smoothed loss when it exceeds `factor` × the best so far
    /// (the best is then left as it was), nil otherwise.
    mutating func observe(_ loss: Float, factor: Float) -> Double? {
        average = LossSmoother.beta * average + (1 - LossSmoother.beta) * Double(loss)
        count += 1
        let current = smoothed
        // A floor on the best, so a loss that reached (almost) zero and wobbles is not "divergence".
        if count > 1, current > Double(factor) * max(best, 1e-12) { return current }
        best = min(best, current)
        return nil
    }
}

/// The finiteness checks of `NumericGuards` over one graph, with the parameter snapshot that lets
/// an overflowing update be rolled back. Made once per `fit`; a step allocates nothing.
final class NumericGuard {
    /// A bad number found by a check: where, and which value.
    struct Finding {
        let node: Node
        let isGradient: Bool
        let value: Float
    }

    private let graph: Graph
    private let order: [Node]
    private var snapshot: [[Float]]

    /// Prepares the checks for `graph`: the nodes a training step evaluates, and one snapshot buffer
    /// per trainable parameter (allocated here, reused by every step).
    init(graph: Graph) {
        self.graph = graph
        self.order = graph.lossOrder
        self.snapshot = graph.trainables.map { [Float](repeating: 0, count: $0.value.count) }
    }

    /// The first non-finite value in topological order, else the first non-finite gradient in the
    /// order the backward pass computed them (reverse topological order: where the problem began).
    func firstNonFinite() -> Finding? {
        for node in order {
            if let bad = NumericGuard.firstNonFinite(node.value) { return Finding(node: node, isGradient: false, value: bad) }
        }
        for node in order.reversed() where node.needsGradient {
            if let bad = NumericGuard.firstNonFinite(node.gradient) { return Finding(node: node, isGradient: true, value: bad) }
        }
        return nil
    }

    /// Copies every parameter's value into the snapshot buffers (no allocation: same sizes).
    func saveParameters() {
        for (index, parameter) in graph.trainables.enumerated() where snapshot[index].count == parameter.value.count {
            parameter.value.withUnsafeBufferPointer { source in
                snapshot[index].withUnsafeMutableBufferPointer { target in
                    guard let from = source.baseAddress, let to = target.baseAddress else { return }
                    to.update(from: from, count: source.count)
                }
            }
        }
    }

    /// The first parameter whose value is not finite after an update, which is then restored, with
    /// every other parameter, from the snapshot; nil when all are finite.
    func rollBackIfNonFinite() -> Finding? {
        for parameter in graph.trainables {
            guard let bad = NumericGuard.firstNonFinite(parameter.value) else { continue }
            for (index, parameter) in graph.trainables.enumerated() where snapshot[index].count == parameter.value.count {
                snapshot[index].withUnsafeBufferPointer { source in
                    parameter.value.withUnsafeMutableBufferPointer { target in
                        guard let from = source.baseAddress, let to = target.baseAddress else { return }
                        to.update(from: from, count: source.count)
                    }
                }
            }
            return Finding(node: parameter, isGradient: false, value: bad)
        }
        return nil
    }

    /// The first NaN or infinity in `tensor`, or nil when every element is finite.
    static func firstNonFinite(_ tensor: Tensor) -> Float? {
        tensor.withUnsafeBufferPointer { buffer in
            guard !allFinite(buffer) else { return nil }
            return buffer.first { !$0.isFinite }
        }
    }

    /// Whether every element is finite: a float is NaN or ±∞ exactly when its exponent bits are all
    /// ones, i.e. when its magnitude bits `bits & 0x7FFF_FFFF` are at least `0x7F80_0000`. The
    /// maximum of the magnitudes is an integer reduction, which the compiler vectorises (unlike a
    /// loop that exits early or a floating-point sum).
    /// - Complexity: O(n), one pass, no branches in the loop.
    static func allFinite(_ buffer: UnsafeBufferPointer<Float>) -> Bool {
        guard let base = buffer.baseAddress else { return true }
        return base.withMemoryRebound(to: Int32.self, capacity: buffer.count) { bits in
            var largest: Int32 = 0
            for index in 0..<buffer.count { largest = max(largest, bits[index] & 0x7FFF_FFFF) }
            return largest < 0x7F80_0000
        }
    }
}
