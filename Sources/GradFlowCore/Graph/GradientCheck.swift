/// A finite-difference check of a graph's backward pass: the one checker behind the node tests and
/// `gradflow check`.
///
/// The analytic gradients of one `forwardAndBackward()` are compared with central differences
/// `(L(θ + h·v) − L(θ − h·v)) / 2h`, each from two forward passes to the loss.
///
/// **Cost.** `.all` perturbs every entry of every parameter on its own (two forward passes each:
/// quadratic in the graph's size for a deep chain, so for small graphs and tests). `.sampled(n)`
/// bounds the work by the number of perturbations, `n`, whatever the graph's size, so the check
/// costs about `2n` forward passes and grows linearly with the graph:
/// - With at most `n` parameters, each parameter gets its own perturbations: `min(count, n / P)`
///   entries, drawn at random, checked one at a time.
/// - With more parameters than `n` (a very deep graph), every parameter still gets one random entry,
///   but the entries are perturbed in groups of `⌈P / n⌉` parameters at once, along a random ±1
///   direction; the group's directional derivative `Σ sⱼ ∂L/∂θⱼ` is compared with the central
///   difference along that direction. A group that fails is re-checked one entry at a time, so a
///   failure always names the parameter it is in.
///
/// **Error measure.** A check passes when `|analytic − numeric| ≤ max(tolerance · scale, noise)`:
/// `scale` is the parameter's `max(max |analytic|, max |numeric|)` over its checks (for a grouped
/// check, `Σ |∂L/∂θⱼ|` of the group), and `noise = 8 · ulp(L) / 2h` is what float32 rounding — of the loss and
/// of the activations a perturbation passes through — does to the difference (≈ 4.8·10⁻⁴ for a
/// loss near 1 at h = 10⁻³): a discrepancy
/// below that is invisible to finite differences, so it is not called an error. The reported error
/// is `|analytic − numeric| / max(scale, noise / tolerance)`, which is below the tolerance exactly
/// when the check passes. A check that fails at step h is retried at h / 10 (an entry near a ReLU
/// kink) and then at 10·h (a small gradient drowned in rounding); the best of the three is kept.
///
/// Dropout masks are frozen during the check; parameter values are restored afterwards.
public struct GradientCheck: Sendable {
    /// Which entries are perturbed.
    public enum Coverage: Equatable, Sendable {
        /// At most this many perturbations in all (each parameter gets at least one entry).
        case sampled(Int)
        /// Every entry of every parameter, one at a time.
        case all
    }

    /// The outcome for one parameter.
    public struct Result: Equatable, Sendable {
        /// The parameter's name.
        public var parameter: String
        /// The error measure above over this parameter's checks.
        public var maximumRelativeError: Float
        /// How many of its entries were perturbed.
        public var checkedEntries: Int
        /// How many entries it has.
        public var totalEntries: Int
        /// Whether its entries were checked in groups with other parameters' (a very deep graph).
        public var grouped: Bool
    }

    /// One result per checked parameter, in the order given.
    public var results: [Result]
    /// The loss before any perturbation.
    public var loss: Float
    /// The tolerance the errors are compared with.
    public var tolerance: Float
    /// How many forward passes the numeric differences took.
    public var forwardPasses: Int

    /// Whether every parameter's error is below the tolerance (a non-finite error fails).
    public var passed: Bool { results.allSatisfy { $0.maximumRelativeError < tolerance } }
    /// The entries perturbed in all.
    public var checkedEntries: Int { results.reduce(0) { $0 + $1.checkedEntries } }

    /// The default budget of `gradflow check`: 384 perturbations (64 entries each for up to six
    /// parameters).
    public static let defaultCoverage = Coverage.sampled(384)
    /// The most entries sampled from one parameter under `.sampled`.
    public static let entriesPerParameterLimit = 64

    /// Runs the check on the graph's current feeds and parameter values.
    /// - Parameters:
    ///   - graph: a graph with a loss, its inputs fed.
    ///   - parameters: the parameters to check (default: every trainable).
    ///   - coverage: `.sampled(n)` or `.all`.
    ///   - step: the finite-difference step h.
    ///   - tolerance: the largest error that passes.
    ///   - seed: picks the sampled entries and the group directions.
    /// - Throws: `GraphError` from the graph's passes (`.noLoss` without a loss).
    public init(graph: Graph, parameters: [Parameter]? = nil, coverage: Coverage = GradientCheck.defaultCoverage,
                step: Float = 1e-3, tolerance: Float = 2e-2, seed: UInt64 = 0) throws {
        guard graph.loss != nil else { throw GraphError.noLoss }
        let checked = parameters ?? graph.trainables
        let savedReplay = graph.replaysRandomDraws
        defer { graph.replaysRandomDraws = savedReplay }
        graph.replaysRandomDraws = true

        self.loss = try graph.forwardAndBackward()
        self.tolerance = tolerance
        var probe = Probe(graph: graph, step: step, tolerance: tolerance)
        let analytic = checked.map(\.gradient.scalars)
        var generator = RandomGenerator(seed: seed)
        var errors = [Float](repeating: 0, count: checked.count)
        var counts = [Int](repeating: 0, count: checked.count)
        var grouped = false

        switch coverage {
        case .all:
            for (p, parameter) in checked.enumerated() {
                errors[p] = try probe.entryError(parameter, entries: Array(0..<parameter.value.count), analytic: analytic[p])
                counts[p] = parameter.value.count
            }
        case .sampled(let budget):
            let budget = max(1, budget)
            if checked.count <= budget {
                let perParameter = max(1, min(GradientCheck.entriesPerParameterLimit, budget / max(1, checked.count)))
                for (p, parameter) in checked.enumerated() {
                    let entries = GradientCheck.sample(parameter.value.count, perParameter, &generator)
                    errors[p] = try probe.entryError(parameter, entries: entries, analytic: analytic[p])
                    counts[p] = entries.count
                }
            } else {
                grouped = true
                let groupSize = (checked.count + budget - 1) / budget
                for start in stride(from: 0, to: checked.count, by: groupSize) {
                    let members = Array(start..<min(start + groupSize, checked.count)).filter { checked[$0].value.count > 0 }
                    let entries = members.map { GradientCheck.sample(checked[$0].value.count, 1, &generator)[0] }
                    let signs: [Float] = members.map { _ in generator.next() & 1 == 0 ? 1 : -1 }
                    let error = try probe.groupError(members.map { checked[$0] }, entries: entries, signs: signs,
                                                     analytic: zip(members, entries).map { analytic[$0][$1] })
                    for (member, entry) in zip(members, entries) {
                        // A failing group is re-checked entry by entry, so the failure names its parameter.
                        errors[member] = error < tolerance ? max(errors[member], error)
                            : try probe.entryError(checked[member], entries: [entry], analytic: analytic[member])
                        counts[member] += 1
                    }
                }
            }
        }
        results = checked.enumerated().map { p, parameter in
            Result(parameter: parameter.name, maximumRelativeError: errors[p], checkedEntries: counts[p],
                   totalEntries: parameter.value.count, grouped: grouped)
        }
        forwardPasses = probe.forwardPasses
    }

    /// `count` distinct entries of `0..<total` at random (all of them when `count ≥ total`), sorted.
    static func sample(_ total: Int, _ count: Int, _ generator: inout RandomGenerator) -> [Int] {
        guard count < total else { return Array(0..<total) }
        // Floyd's algorithm: `count` distinct draws without materialising 0..<total.
        var chosen = Set<Int>()
        for upper in (total - count)..<total {
            let candidate = Int(generator.next() % UInt64(upper + 1))
            chosen.insert(chosen.contains(candidate) ? upper : candidate)
        }
        return chosen.sorted()
    }
}

/// The perturb-and-evaluate half of `GradientCheck`: central differences from forward passes to
/// the loss, with the retry at a finer step.
private struct Probe {
    let graph: Graph
    let step: Float
    let tolerance: Float
    var forwardPasses = 0

    init(graph: Graph, step: Float, tolerance: Float) {
        (self.graph, self.step, self.tolerance) = (graph, step, tolerance)
    }

    /// The error measure over single-entry checks of `entries` of `parameter`.
    mutating func entryError(_ parameter: Parameter, entries: [Int], analytic: [Float]) throws -> Float {
        guard !entries.isEmpty else { return 0 }
        var checks: [(wanted: Float, numeric: Difference)] = []
        checks.reserveCapacity(entries.count)
        for entry in entries {
            let wanted = analytic[entry]
            checks.append((wanted, try best([parameter], [entry], [1], wanted: wanted, scale: abs(wanted))))
        }
        let scale = checks.reduce(Float(0)) { max($0, abs($1.wanted), abs($1.numeric.derivative)) }
        return checks.reduce(Float(0)) { worst, check in max(worst, error(check.wanted, check.numeric, scale: scale)) }
    }

    /// The error of one directional check: `entries[j]` of `parameters[j]` moved by `signs[j]·h`.
    mutating func groupError(_ parameters: [Parameter], entries: [Int], signs: [Float], analytic: [Float]) throws -> Float {
        guard !parameters.isEmpty else { return 0 }
        let wanted = zip(signs, analytic).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let scale = analytic.reduce(Float(0)) { $0 + abs($1) }
        let numeric = try best(parameters, entries, signs, wanted: wanted, scale: scale)
        return error(wanted, numeric, scale: max(scale, abs(numeric.derivative)))
    }

    /// `|wanted − numeric| / max(scale, noise / tolerance)` (non-finite: +∞).
    func error(_ wanted: Float, _ numeric: Difference, scale: Float) -> Float {
        let e = abs(wanted - numeric.derivative) / max(scale, numeric.noise / tolerance, 1e-30)
        return e.isFinite ? e : .infinity
    }

    /// The difference at step h, or, when that one fails, the best of h, h / 10 and 10·h.
    mutating func best(_ parameters: [Parameter], _ entries: [Int], _ signs: [Float], wanted: Float, scale: Float) throws -> Difference {
        var chosen = try difference(parameters, entries, signs, step)
        func failing(_ d: Difference) -> Float { error(wanted, d, scale: max(scale, abs(d.derivative))) }
        for h in [step / 10, step * 10] where failing(chosen) >= tolerance {
            let candidate = try difference(parameters, entries, signs, h)
            if failing(candidate) < failing(chosen) { chosen = candidate }
        }
        return chosen
    }

    /// A central difference and the rounding noise of its float32 losses.
    struct Difference {
        /// `(L(θ + h·v) − L(θ − h·v)) / 2h`.
        let derivative: Float
        /// `8 · ulp(max |L±|) / 2h`.
        let noise: Float
    }

    /// `(L(θ + h·v) − L(θ − h·v)) / 2h` with `v` the signed unit entries; θ restored exactly.
    mutating func difference(_ parameters: [Parameter], _ entries: [Int], _ signs: [Float], _ h: Float) throws -> Difference {
        let originals = zip(parameters, entries).map { $0.value.scalars[$1] }
        func set(_ offset: Float) {
            for (j, parameter) in parameters.enumerated() {
                let value = originals[j] + offset * signs[j]
                parameter.value.withUnsafeMutableBufferPointer { $0[entries[j]] = value }
            }
        }
        defer {
            for (j, parameter) in parameters.enumerated() {
                parameter.value.withUnsafeMutableBufferPointer { $0[entries[j]] = originals[j] }
            }
        }
        set(h)
        let plus = try graph.forwardToLoss()
        set(-h)
        let minus = try graph.forwardToLoss()
        forwardPasses += 2
        let noise = 8 * max(abs(plus), abs(minus)).ulp / (2 * h)
        return Difference(derivative: (plus - minus) / (2 * h), noise: noise.isFinite ? noise : 0)
    }
}
