import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowTraining
@testable import GradFlowGraphFiles
@testable import GradFlowModels

/// Table-driven: every error kind with its exact line, column and message.
final class GraphFileErrorTests: XCTestCase {
    private let header = """
        input X [batch, 2]
        input y [batch, 1]
        param W1 [2, 3] normal(0, 0.1)
        param b1 [3]
        param W2 [3, 1]
        param b2 [1]

        """

    private func error(_ source: String, file: String = "t.graph") -> GraphFileError? {
        do { _ = try GraphFile(source: source, file: file); return nil } catch { return error }
    }

    func testErrors_reportKindLineColumnAndMessage() {
        let cases: [(source: String, line: Int, column: Int, message: String)] = [
            (header + "h = relu2(linear(X, W1, b1))\nout = linear(h, W2, b2)\nloss = mse(y, out)\n", 7, 5,
             "unknown operation 'relu2'; did you mean 'relu'?"),
            (header + "h = relu(linear(X, W1, b1))\nout = linear(h, W3, b2)\nloss = mse(y, out)\n", 8, 17,
             "undefined name 'W3'; did you mean 'W1'?"),
            (header + "h = relu(linear(X, W1, b1))\nout = linear(h, W1, b2)\nloss = mse(y, out)\n", 8, 7,
             "shape mismatch in linear(h [batch, 3], W1 [2, 3], b2 [1]): linear needs X [rows, in], W [in, out], b [out]; got X [batch, 3], W [2, 3], b [1]"),
            (header + "W1 = relu(X)\nloss = mse(y, X)\n", 7, 1, "'W1' is already defined at 3:7; choose another name"),
            (header + "a = relu(b)\nb = relu(a)\nloss = mse(y, a)\n", 7, 1, "cycle: a → b → a depend on each other; no order exists"),
            (header + "out = linear(X, W1, b1)\n", 8, 1, "no 'loss' is defined; add a line such as 'loss = mse(y, out)'"),
            (header + "loss = relu(X)\n", 7, 1,
             "'loss' must be a single number, but its shape is [batch, 2]; use a loss operation such as mse or softmax_ce"),
            ("param W [2, 3] normal(0, 1.2.3)\n", 1, 26,
             "invalid number '1.2.3': expected digits with an optional fraction and exponent, like 0.1 or 1e-4"),
            ("param W [2.5]\n", 1, 10, "invalid number '2.5': a dimension must be a whole number of at least 1"),
            ("data csv(\"iris.csv, target: \"x\")\n", 1, 31, "unterminated string; add the closing '\"' before the end of the line"),
            ("input X [batch, 2] @\n", 1, 20, "unexpected character '@'"),
            ("input X [batch 2]\n", 1, 16, "expected ',' or ']', found number '2'"),
            ("h = relu(X\n", 2, 1, "expected ',' or ')', found end of file"),
            ("input X [batch, 2]\nh = relu(X, X)\n", 2, 13, "'relu' takes 1 operand, but 2 were given"),
            ("input X [batch, 2]\nh = dropout(X, q: 0.2)\n", 2, 16, "'dropout' has no argument 'q'; did you mean 'p'?"),
            ("param W [100000, 100000]\n", 1, 7, "'W' would have 100000×100000 = 10000000000 elements, more than the limit of 100000000"),
            ("param W [batch, 2]\n", 1, 10, "a parameter's shape must be fixed; 'batch' is only for inputs"),
            ("param W [2] gaussian\n", 1, 13, "unknown initializer 'gaussian'"),
            ("param W [2] zero\n", 1, 13, "unknown initializer 'zero'; did you mean 'zeros'?"),
            ("data iris\n", 1, 6, "unknown data source 'iris'"),
            ("train sdg(lr: 0.1)\n", 1, 7, "unknown optimizer 'sdg'; did you mean 'sgd'?"),
            ("train sgd(lr: 0.1) epoch 5\n", 1, 20, "unknown training option 'epoch'; did you mean 'epochs'?"),
            ("train sgd(lr: -1)\n" + header + "loss = mse(y, X)\n", 1, 1,
             "learningRate = -1.0 is invalid: expected a positive finite number"),
        ]
        for (index, entry) in cases.enumerated() {
            guard let error = error(entry.source) else { XCTFail("case \(index): no error for \(entry.source)"); continue }
            XCTAssertEqual(error.location, SourceLocation(file: "t.graph", line: entry.line, column: entry.column), "case \(index): \(error)")
            XCTAssertEqual(error.message, entry.message, "case \(index)")
            XCTAssertEqual(error.description, "t.graph:\(entry.line):\(entry.column): error: \(entry.message)", "case \(index)")
        }
    }

    func testParse_nestingTooDeep_isAnErrorNotACrash() {
        let deep = "input X [batch, 1]\nh = " + String(repeating: "relu(", count: 10_000) + "X" + String(repeating: ")", count: 10_000) + "\n"
        XCTAssertEqual(error(deep)?.kind, .nestingTooDeep(limit: Parser.maximumDepth))
    }

    func testParse_garbageInputs_neverCrash() {
        var generator = RandomGenerator(seed: 5)
        let alphabet = Array("abc xyz_019.e-+()[],:=\"#\n\t@relu linear input param batch data train loss = mse")
        for _ in 0..<300 {
            let length = Int(generator.next() % 80)
            let text = String((0..<length).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] })
            _ = error(text)   // any outcome but a trap is fine
        }
        XCTAssertNotNil(error("\"\u{0}\u{FFFF}"))
    }
}
