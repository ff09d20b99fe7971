import XCTest
import GradFlow

/// BatchNorm: forward values and running-statistics updates against a plain reference loop written
/// from PyTorch's definition, backward passes (training and evaluation) against finite differences
/// over ranks and odd sizes, the threaded path equal to the serial one, and the shape errors.
final class BatchNormTests: XCTestCase {
    private var rng = RandomGenerator(seed: 5)

    private func random(_ shape: [Int], mean: Float = 0, deviation: Float = 1) -> Tensor {
        Tensor.randomNormal(shape, standardDeviation: deviation, using: &rng) + mean
    }

    /// PyTorch's batch norm in Double: (output, batch mean, biased variance) per channel of axis 1.
    private func reference(_ x: Tensor, gamma: Tensor, beta: Tensor, mean given: Tensor? = nil, variance givenVariance: Tensor? = nil,
                           eps: Double = 1e-5) -> (Tensor, [Double], [Double]) {
        let (n, c) = (x.shape[0], x.shape[1])
        let s = x.shape.dropFirst(2).reduce(1, *)
        var means = [Double](repeating: 0, count: c), variances = [Double](repeating: 0, count: c)
        for ch in 0..<c {
            var values: [Double] = []
            for i in 0..<n { for j in 0..<s { values.append(Double(x.scalars[(i * c + ch) * s + j])) } }
            let m = values.reduce(0, +) / Double(values.count)
            means[ch] = m
            variances[ch] = values.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(values.count)
        }
        var out = [Float](repeating: 0, count: x.count)
        for i in 0..<n { for ch in 0..<c { for j in 0..<s {
            let index = (i * c + ch) * s + j
            let m = given.map { Double($0.scalars[ch]) } ?? means[ch]
            let v = givenVariance.map { Double($0.scalars[ch]) } ?? variances[ch]
            out[index] = Float(Double(gamma.scalars[ch]) * (Double(x.scalars[index]) - m) / (v + eps).squareRoot() + Double(beta.scalars[ch]))
        } } }
        return (try! Tensor(shape: x.shape, scalars: out), means, variances)
    }

    private struct Setup {
        let x: Input, gamma: Parameter, beta: Parameter, mean: Parameter, variance: Parameter, node: BatchNorm, graph: Graph
    }

    private func setup(_ shape: [Int], momentum: Float = 0.1) throws -> Setup {
        let channels = shape[1]
        let x = Input("x", shape: [.batch] + SymbolicShape(fixed: Array(shape.dropFirst())))
        let (gamma, beta) = (Parameter("g", random([channels], mean: 1, deviation: 0.3)), Parameter("b", random([channels], deviation: 0.5)))
        let mean = Parameter("rm", random([channels], deviation: 0.2), isTrainable: false)
        let variance = Parameter("rv", random([channels], mean: 1, deviation: 0.1), isTrainable: false)
        let node = try BatchNorm(x, gamma: gamma, beta: beta, runningMean: mean, runningVariance: variance, momentum: momentum)
        return Setup(x: x, gamma: gamma, beta: beta, mean: mean, variance: variance, node: node, graph: try Graph(outputs: [node]))
    }

    func testTrainingForward_matchesTheReference_andUpdatesRunningStatisticsAsPyTorch() throws {
        for shape in [[4, 3, 5, 7], [6, 5], [3, 2, 9], [2, 4, 1, 1]] {
            let s = try setup(shape, momentum: 0.25)
            let (oldMean, oldVariance) = (s.mean.value, s.variance.value)
            let xv = random(shape, mean: 2, deviation: 3)
            let (expected, means, variances) = reference(xv, gamma: s.gamma.value, beta: s.beta.value)
            assertTensorsEqual(try s.graph.evaluate(s.node, feed: [s.x: xv]), expected, accuracy: 1e-4)
            let count = Double(xv.count / shape[1])
            for c in 0..<shape[1] {
                XCTAssertEqual(Double(s.mean.value.scalars[c]), 0.75 * Double(oldMean.scalars[c]) + 0.25 * means[c], accuracy: 1e-5, "\(shape)")
                XCTAssertEqual(Double(s.variance.value.scalars[c]),
                               0.75 * Double(oldVariance.scalars[c]) + 0.25 * variances[c] * count / (count - 1), accuracy: 1e-4, "\(shape)")
            }
        }
    }

    func testEvaluationForward_usesTheRunningStatistics_andChangesNothing() throws {
        let s = try setup([3, 4, 2, 5])
        s.graph.isTraining = false
        let (mean, variance) = (s.mean.value, s.variance.value)
        let xv = random([3, 4, 2, 5], mean: 1, deviation: 2)
        let (expected, _, _) = reference(xv, gamma: s.gamma.value, beta: s.beta.value, mean: mean, variance: variance)
        assertTensorsEqual(try s.graph.evaluate(s.node, feed: [s.x: xv]), expected, accuracy: 1e-5)
        XCTAssertEqual(s.mean.value, mean)
        XCTAssertEqual(s.variance.value, variance)
    }

    func testBackward_matchesFiniteDifferences_inTrainingAndEvaluation() throws {
        for (shape, training) in [([3, 2, 3, 5], true), ([5, 3], true), ([2, 3, 4, 5], true), ([2, 2, 3, 3], false), ([4, 3], false)] {
            let channels = shape[1]
            let values = [random(shape, mean: 0.5, deviation: 2), random([channels], mean: 1, deviation: 0.3), random([channels], deviation: 0.5)]
            let statistics = (random([channels], deviation: 0.3), random([channels], mean: 1.5, deviation: 0.2))
            try assertGradientMatchesNumerical(values: values, step: 1e-2, tolerance: 2e-2, isTraining: training) { p in
                try! BatchNorm(p[0], gamma: p[1], beta: p[2], runningMean: Parameter("rm", statistics.0, isTrainable: false),
                               runningVariance: Parameter("rv", statistics.1, isTrainable: false))
            }
        }
    }

    func testGradientCheck_leavesTheRunningStatisticsAlone() throws {
        let s = try setup([4, 2, 3, 3])
        let (mean, variance) = (s.mean.value, s.variance.value)
        let graph = try Graph(loss: WeightedSum(s.node, weights: random([4, 2, 3, 3])))
        s.x.value = random([4, 2, 3, 3])
        _ = try GradientCheck(graph: graph, parameters: [s.gamma, s.beta], coverage: .all)
        XCTAssertEqual(s.mean.value, mean)
        XCTAssertEqual(s.variance.value, variance)
    }

    func testTwoThreads_giveTheSameBitsAsOne() throws {
        let shape = [4, 8, 48, 48]     // 73 728 floats: above BatchNormKernels.parallelThreshold, so channels are split
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        var generator = RandomGenerator(seed: 3)
        let (xv, weights) = (Tensor.randomNormal(shape, using: &generator), Tensor.randomNormal(shape, using: &generator))
        var results: [[Tensor]] = []
        for threads in [1, 2] {
            ComputeThreads.count = threads
            let x = Parameter("x", xv)
            let gamma = Parameter("g", .ones([8])), beta = Parameter("b", .zeros([8]))
            let node = try BatchNorm(x, gamma: gamma, beta: beta, runningMean: Parameter("rm", .zeros([8]), isTrainable: false),
                                     runningVariance: Parameter("rv", .ones([8]), isTrainable: false))
            let graph = try Graph(loss: WeightedSum(node, weights: weights))
            _ = try graph.forwardAndBackward()
            results.append([node.value, x.gradient, gamma.gradient, beta.gradient])
        }
        XCTAssertEqual(results[0], results[1])
        assertTensorsEqual(results[0][0], reference(xv, gamma: .ones([8]), beta: .zeros([8])).0, accuracy: 1e-4)
    }

    func testErrors_nameTheNodeAndTheShapes() throws {
        let x = Input("x", shape: [.batch, 3, 4, 4])
        let vector = { (name: String, trainable: Bool) in Parameter(name, .ones([3]), isTrainable: trainable) }
        let wrongGamma = try BatchNorm(x, gamma: Parameter("g", .ones([4])), beta: vector("b", true),
                                       runningMean: vector("m", false), runningVariance: vector("v", false), name: "bn")
        XCTAssertThrowsError(try Graph(outputs: [wrongGamma])) { error in
            XCTAssertTrue("\(error)".contains("bn") && "\(error)".contains("gamma must be [3]"), "\(error)")
        }
        let trainableStatistics = try BatchNorm(x, gamma: vector("g", true), beta: vector("b", true),
                                                runningMean: vector("m", true), runningVariance: vector("v", false), name: "bn2")
        XCTAssertThrowsError(try Graph(outputs: [trainableStatistics])) { error in
            XCTAssertTrue("\(error)".contains("must not be trainable"), "\(error)")
        }
        XCTAssertThrowsError(try BatchNorm(x, gamma: vector("g", true), beta: vector("b", true), runningMean: vector("m", false),
                                           runningVariance: vector("v", false), momentum: 1.5))
        XCTAssertThrowsError(try BatchNorm(x, gamma: vector("g", true), beta: vector("b", true), runningMean: vector("m", false),
                                           runningVariance: vector("v", false), epsilon: 0))
    }
}
