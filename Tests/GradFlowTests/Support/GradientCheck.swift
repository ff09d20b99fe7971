import XCTest
import GradFlow

/// Checks a node's backward pass against central finite differences, with the library's
/// `GradientCheck` (the checker behind `gradflow check`) on every entry.
///
/// `makeOutput` builds the node under test from parameters holding `values` (every operand that
/// should receive a gradient is a `Parameter`); `feeds` gives non-differentiable inputs such as
/// labels. The output is reduced to a scalar with fixed random weights, and every entry of every
/// parameter is perturbed; the check passes when `GradientCheck`'s error measure
/// (`max |analytic − numeric| / max(max |analytic|, max |numeric|)`) is below `tolerance` for each.
func assertGradientMatchesNumerical(
    values: [Tensor],
    feeds: [Input: Tensor] = [:],
    step: Float = 1e-2,
    tolerance: Float = 1e-2,
    seed: UInt64 = 99,
    isTraining: Bool = true,
    file: StaticString = #filePath, line: UInt = #line,
    _ makeOutput: ([Parameter]) -> Node
) throws {
    let parameters = values.enumerated().map { Parameter("p\($0.offset)", $0.element) }
    let output = makeOutput(parameters)
    var rng = RandomGenerator(seed: seed)
    // Build once to learn the output's shape, then attach the weighted sum.
    let probe = try Graph(outputs: [output])
    try probe.forward(feed: feeds)
    let weights = output.shape.isEmpty ? Tensor(1) : Tensor.randomUniform(output.value.shape, lower: -1, upper: 1, using: &rng)
    let graph = try Graph(loss: WeightedSum(output, weights: weights))
    graph.isTraining = isTraining
    for (input, value) in feeds { input.value = value }
    let check = try GradientCheck(graph: graph, parameters: parameters, coverage: .all, step: step, tolerance: tolerance)
    for (index, result) in check.results.enumerated() {
        XCTAssertLessThan(result.maximumRelativeError, tolerance,
                          "operand \(index): analytic \(parameters[index].gradient.scalars) differs from finite differences",
                          file: file, line: line)
        XCTAssertEqual(result.checkedEntries, values[index].count, file: file, line: line)
    }
}

/// Asserts two tensors have the same shape and elements within `accuracy`.
func assertTensorsEqual(_ actual: Tensor, _ expected: Tensor, accuracy: Float = 1e-5,
                        file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(actual.shape, expected.shape, "shapes differ", file: file, line: line)
    guard actual.shape == expected.shape else { return }
    for (index, (a, e)) in zip(actual.scalars, expected.scalars).enumerated() where !(abs(a - e) <= accuracy) {
        XCTFail("element \(index): \(a) != \(e) (±\(accuracy))", file: file, line: line)
        return
    }
}
