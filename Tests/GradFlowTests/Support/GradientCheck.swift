import XCTest
import GradFlow

/// Checks a node's backward pass against central finite differences.
///
/// `makeOutput` builds the node under test from parameters holding `values` (every operand that
/// should receive a gradient is a `Parameter`); `feeds` gives non-differentiable inputs such as
/// labels. The output is reduced to a scalar with fixed random weights, the analytic gradient of
/// every parameter is compared with `(L(θ+h) − L(θ−h)) / 2h`, and the check passes when
/// `‖analytic − numeric‖ / (‖analytic‖ + ‖numeric‖) < tolerance` for each parameter.
func assertGradientMatchesNumerical(
    values: [Tensor],
    feeds: [Input: Tensor] = [:],
    step: Float = 1e-2,
    tolerance: Float = 1e-2,
    seed: UInt64 = 99,
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

    try graph.forwardAndBackward(feed: feeds)
    let analytic = parameters.map(\.gradient)
    for (index, parameter) in parameters.enumerated() {
        var numeric = Tensor.zeros(parameter.value.shape)
        for element in 0..<parameter.value.count {
            let original = parameter.value.scalars[element]
            parameter.value = perturbed(parameter.value, element, original + step)
            let plus = try graph.forwardAndBackward(feed: feeds)
            parameter.value = perturbed(parameter.value, element, original - step)
            let minus = try graph.forwardAndBackward(feed: feeds)
            parameter.value = perturbed(parameter.value, element, original)
            numeric = perturbed(numeric, element, (plus - minus) / (2 * step))
        }
        let a = analytic[index].scalars, n = numeric.scalars
        let difference = zip(a, n).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
        let scale = a.map { $0 * $0 }.reduce(0, +).squareRoot() + n.map { $0 * $0 }.reduce(0, +).squareRoot()
        if scale < 1e-6 { continue }   // both gradients zero: nothing to compare
        XCTAssertLessThan(difference / scale, tolerance,
                          "operand \(index): analytic \(a) vs numeric \(n)", file: file, line: line)
    }
}

private func perturbed(_ tensor: Tensor, _ element: Int, _ value: Float) -> Tensor {
    var scalars = tensor.scalars
    scalars[element] = value
    return try! Tensor(shape: tensor.shape, scalars: scalars)   // test support: same shape as before
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
