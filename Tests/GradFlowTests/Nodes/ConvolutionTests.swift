import XCTest
import GradFlow
import GradFlowCore

/// Conv2D, pooling and flattening: forward values against plain reference loops (PyTorch's
/// definitions), backward passes against finite differences over strides, paddings, dilations,
/// groups and odd sizes (the convolution with every algorithm this CPU runs), and the shape errors.
final class ConvolutionTests: XCTestCase {
    private var rng = RandomGenerator(seed: 21)

    private func random(_ shape: [Int]) -> Tensor { Tensor.randomNormal(shape, using: &rng) }

    private func forward(_ node: Node, _ inputs: [Input: Tensor]) throws -> Tensor {
        try Graph(outputs: [node]).evaluate(node, feed: inputs)
    }

    func testConv2D_forwardMatchesTheReferenceLoop() throws {
        let cases: [(x: [Int], w: [Int], stride: (Int, Int), padding: AttributeValue, pads: (Int, Int, Int, Int), dilation: (Int, Int), groups: Int)] = [
            ([2, 3, 7, 6], [4, 3, 3, 3], (1, 1), .number(0), (0, 0, 0, 0), (1, 1), 1),
            ([1, 2, 9, 8], [3, 2, 5, 3], (2, 3), .numbers([2, 1]), (2, 2, 1, 1), (1, 1), 1),
            ([2, 4, 8, 7], [6, 2, 3, 2], (1, 2), .number(1), (1, 1, 1, 1), (2, 1), 2),
            ([1, 1, 5, 6], [2, 1, 4, 2], (1, 1), .word("same"), (1, 2, 0, 1), (1, 1), 1),   // even kernel: extra at the end
            ([1, 2, 6, 6], [2, 2, 3, 3], (1, 1), .word("same"), (2, 2, 2, 2), (2, 2), 1),
            ([2, 3, 5, 5], [3, 3, 2, 2], (2, 2), .word("valid"), (0, 0, 0, 0), (1, 1), 1),
            // 3·25·30·30 > Conv2D.chunkFloats: chunks of 2 samples and a last chunk of 1.
            ([3, 3, 30, 30], [4, 3, 5, 5], (1, 1), .number(0), (0, 0, 0, 0), (1, 1), 1),
        ]
        for algorithm in ConvolutionAlgorithm.available { for item in cases {   // a forced algorithm that cannot run falls back
            let (xv, wv, bv) = (random(item.x), random(item.w), random([item.w[0]]))
            let x = Input("x", shape: [.batch] + SymbolicShape(fixed: Array(item.x.dropFirst())))
            let conv = try Conv2D(x, Parameter("w", wv), Parameter("b", bv), stride: item.stride, padding: item.padding,
                                  dilation: item.dilation, groups: item.groups)
            conv.forcedAlgorithm = algorithm
            let expected = referenceConvolution(xv, wv, bv, stride: item.stride, pads: item.pads, dilation: item.dilation, groups: item.groups)
            let actual = try forward(conv, [x: xv])
            XCTAssertEqual(actual.shape, expected.shape, "\(item)")
            for (a, e) in zip(actual.scalars, expected.scalars) { XCTAssertEqual(a, e, accuracy: 1e-4, "\(conv.algorithm) \(item)") }
        } }
    }

    func testConv2D_backwardMatchesFiniteDifferences() throws {
        let cases: [([Int], [Int], (Int, Int), AttributeValue, (Int, Int), Int)] = [
            ([2, 2, 5, 4], [3, 2, 3, 3], (1, 1), .number(1), (1, 1), 1),
            ([1, 3, 7, 6], [2, 3, 3, 2], (2, 1), .numbers([1, 0]), (1, 1), 1),
            ([2, 4, 6, 7], [4, 2, 2, 3], (1, 2), .number(0), (2, 1), 2),
            ([1, 2, 5, 5], [2, 2, 2, 2], (1, 1), .word("same"), (1, 1), 1),
            ([3, 1, 40, 40], [2, 1, 5, 5], (1, 1), .number(0), (1, 1), 1),   // chunks of 2 samples, then 1
        ]
        for algorithm in ConvolutionAlgorithm.available { for (xs, ws, stride, padding, dilation, groups) in cases {
            try assertGradientMatchesNumerical(values: [random(xs), random(ws), random([ws[0]])], tolerance: 2e-2) { p in
                let conv = try! Conv2D(p[0], p[1], p[2], stride: stride, padding: padding, dilation: dilation, groups: groups)
                conv.forcedAlgorithm = algorithm
                return conv
            }
        } }
    }

    /// Operands without gradients: only the bias (one serial pass over ∂L/∂y), and the input and
    /// bias with frozen weights (the parts' partial bias gradients), with every algorithm.
    func testConv2D_withFrozenOperands_theOthersMatchFiniteDifferences() throws {
        let (xv, wv) = (random([2, 3, 6, 5]), random([4, 3, 3, 3]))
        let (x, w) = (Input("x", shape: [.batch, 3, 6, 5]), Input("w", shape: [4, 3, 3, 3]))
        for algorithm in ConvolutionAlgorithm.available {
            try assertGradientMatchesNumerical(values: [random([4])], feeds: [x: xv, w: wv]) { p in
                let conv = try! Conv2D(x, w, p[0], padding: .number(1))
                conv.forcedAlgorithm = algorithm
                return conv
            }
            try assertGradientMatchesNumerical(values: [xv, random([4])], feeds: [w: wv]) { p in
                let conv = try! Conv2D(p[0], w, p[1], padding: .number(1))
                conv.forcedAlgorithm = algorithm
                return conv
            }
        }
    }

    func testPooling_forwardMatchesTheReferenceLoops() throws {
        let xv = random([2, 3, 5, 7])
        let x = Input("x", shape: [.batch, 3, 5, 7])
        let maxPool = try MaxPool2D(x, kernel: (3, 2), stride: (2, 2), padding: (1, 1))
        let avgPool = try AvgPool2D(x, kernel: (3, 2), stride: (2, 2), padding: (1, 1))
        let maxValues = try forward(maxPool, [x: xv]), avgValues = try forward(avgPool, [x: xv])
        XCTAssertEqual(maxValues.shape, [2, 3, 3, 4])
        for plane in 0..<6 { for i in 0..<3 { for j in 0..<4 {
            var best = -Float.infinity, sum: Float = 0
            for ki in 0..<3 { for kj in 0..<2 {
                let y = i * 2 - 1 + ki, xx = j * 2 - 1 + kj
                guard y >= 0, y < 5, xx >= 0, xx < 7 else { continue }
                let v = xv.scalars[plane * 35 + y * 7 + xx]
                best = max(best, v); sum += v
            } }
            XCTAssertEqual(maxValues.scalars[plane * 12 + i * 4 + j], best)
            XCTAssertEqual(avgValues.scalars[plane * 12 + i * 4 + j], sum / 6, accuracy: 1e-6)   // padding counts (PyTorch's default)
        } } }
        let global = try forward(GlobalAvgPool2D(x), [x: xv])
        XCTAssertEqual(global.shape, [2, 3])
        XCTAssertEqual(global.scalars[4], xv.scalars[(4 * 35)..<(5 * 35)].reduce(0, +) / 35, accuracy: 1e-5)
    }

    /// The 2×2 / stride-2 fast path (eight windows per SIMD step, then the rest) against a plain loop,
    /// with ties (small integers) going to the first candidate in window order, and by finite differences.
    func testMaxPool2x2FastPath_matchesTheReference_tiesIncluded() throws {
        let shape = [2, 3, 20, 37]   // 18 windows per row: a 16-window vector and a masked tail of 2 (or the C loop)
        var generator = RandomGenerator(seed: 4)
        let xv = try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in Float(generator.next() % 4) })
        let x = Parameter("x", xv)
        let pool = try MaxPool2D(x, kernel: (2, 2))
        let graph = try Graph(loss: Sum(pool))
        _ = try graph.forwardAndBackward()
        var expectedGradient = [Float](repeating: 0, count: xv.count)
        for p in 0..<6 { for oy in 0..<10 { for ox in 0..<18 {
            var (best, at) = (-Float.infinity, -1)
            for (dy, dx) in [(0, 0), (0, 1), (1, 0), (1, 1)] {
                let index = p * 740 + (2 * oy + dy) * 37 + 2 * ox + dx
                if xv.scalars[index] > best { (best, at) = (xv.scalars[index], index) }
            }
            XCTAssertEqual(pool.value.scalars[p * 180 + oy * 18 + ox], best)
            expectedGradient[at] += 1
        } } }
        XCTAssertEqual(x.gradient.scalars, expectedGradient, "each window's gradient goes to its first maximum")
        try assertGradientMatchesNumerical(values: [Tensor.randomNormal([1, 2, 4, 18], using: &rng)]) { p in try! MaxPool2D(p[0], kernel: (2, 2)) }
    }

    /// Convolution, ReLU and 2×2 max pooling on tensors large enough to be split across threads
    /// (chunks of images; ranges of elements; ranges of planes): two threads give the bits of one.
    func testTwoThreads_giveTheSameBitsAsOne() throws {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        var generator = RandomGenerator(seed: 8)
        let (xv, wv) = (Tensor.randomNormal([8, 3, 34, 34], using: &generator), Tensor.randomNormal([6, 3, 3, 3], using: &generator))
        let weights = Tensor.randomNormal([8, 6, 16, 16], using: &generator)   // 8·6·32·32 = 49 152 floats before pooling
        var results: [[Tensor]] = []
        for threads in [1, 2] {
            ComputeThreads.count = threads
            let (x, w, b) = (Parameter("x", xv), Parameter("w", wv), Parameter("b", .zeros([6])))
            let pooled = try MaxPool2D(ReLU(Conv2D(x, w, b)), kernel: (2, 2))
            let graph = try Graph(loss: WeightedSum(pooled, weights: weights))
            _ = try graph.forwardAndBackward()
            results.append([pooled.value, x.gradient, w.gradient, b.gradient])
        }
        XCTAssertEqual(results[0], results[1])
    }

    func testPooling_backwardMatchesFiniteDifferences() throws {
        // Distinct values (no ties), so max pooling is differentiable at the point checked.
        let distinct = try Tensor(shape: [2, 2, 5, 6], scalars: (0..<120).map { Float(($0 * 37) % 120) / 30 - 2 })
        try assertGradientMatchesNumerical(values: [distinct], step: 1e-2) { p in try! MaxPool2D(p[0], kernel: (2, 3), stride: (2, 2), padding: (1, 1)) }
        try assertGradientMatchesNumerical(values: [distinct], step: 1e-2) { p in try! MaxPool2D(p[0], kernel: (2, 2)) }
        // Two poolings of one input: neither is its gradient's only writer, so both add (the one above assigns).
        try assertGradientMatchesNumerical(values: [distinct], step: 1e-2) { p in
            Add(try! MaxPool2D(p[0], kernel: (2, 2)), try! MaxPool2D(p[0], kernel: (2, 3), stride: (2, 2), padding: (0, 1)))
        }
        try assertGradientMatchesNumerical(values: [random([2, 2, 5, 6])]) { p in try! AvgPool2D(p[0], kernel: (3, 3), stride: (1, 2), padding: (1, 1)) }
        try assertGradientMatchesNumerical(values: [random([2, 3, 3, 4])]) { p in GlobalAvgPool2D(p[0]) }
        try assertGradientMatchesNumerical(values: [random([2, 3, 2, 2])]) { p in FlattenNode(p[0]) }
    }

    func testShapeErrors_nameTheNodeAndShapes() {
        let x = Input("x", shape: [.batch, 3, 8, 8])
        XCTAssertThrowsError(try Graph(outputs: [try Conv2D(x, Parameter("w", .zeros([4, 2, 3, 3])), Parameter("b", .zeros([4])), name: "c")])) {
            XCTAssertTrue("\($0)".contains("node 'c': conv2d with 1 group(s) needs w [O, C/1, kh, kw] with C = 3"), "\($0)")
        }
        XCTAssertThrowsError(try Graph(outputs: [try Conv2D(x, Parameter("w", .zeros([4, 3, 9, 9])), Parameter("b", .zeros([4])), name: "c")])) {
            XCTAssertTrue("\($0)".contains("window (dilation (1, 1)) does not fit the padded 8×8 image"), "\($0)")
        }
        XCTAssertThrowsError(try Conv2D(x, x, x, stride: (2, 2), padding: .word("same"))) {
            XCTAssertTrue("\($0)".contains("padding 'same' needs stride 1"), "\($0)")
        }
        XCTAssertThrowsError(try MaxPool2D(x, kernel: (2, 2), padding: (2, 2))) { XCTAssertTrue("\($0)".contains("at most half the kernel"), "\($0)") }
        let flat = Input("f", shape: [.batch, 10])
        XCTAssertThrowsError(try Graph(outputs: [try MaxPool2D(flat, kernel: (2, 2), name: "p")])) {
            XCTAssertTrue("\($0)".contains("node 'p': max_pool2d needs x [batch, C, H, W]; got [batch, 10]"), "\($0)")
        }
    }

    func testGraphFile_lenetShapes_andAttributesReadBack() throws {
        let file = try GraphFile(source: """
            input X [batch, 1, 28, 28]
            input y [batch]
            param C1 [6, 1, 5, 5] he
            param c1 [6] zeros
            param C2 [16, 6, 5, 5] he
            param c2 [16] zeros
            param W [400, 10] xavier
            param b [10] zeros
            h1 = max_pool2d(relu(conv2d(X, C1, c1, padding: 2)), kernel: 2)
            h2 = avg_pool2d(relu(conv2d(h1, C2, c2, stride: 1, padding: valid)), kernel: [2, 2], stride: 2)
            logits = linear(flatten(h2), W, b)
            loss = softmax_ce(logits, y)
            """)
        let shapes = Dictionary(uniqueKeysWithValues: file.assignments.map { ($0.name, $0.node.shape.text) })
        XCTAssertEqual(shapes["h1"], "[batch, 6, 14, 14]")
        XCTAssertEqual(shapes["h2"], "[batch, 16, 5, 5]")
        let text = try GraphFileWriter.text(for: file.graph, output: file.output)
        XCTAssertTrue(text.contains("conv2d(X, C1, c1, padding: 2)"), text)
        XCTAssertTrue(text.contains("padding: valid"), text)
        XCTAssertNoThrow(try GraphFile(source: text), "the written text reads back")
        XCTAssertThrowsError(try GraphFile(source: "input X [batch, 1, 8, 8]\nparam w [1, 1, 3, 3]\nparam b [1]\ny = conv2d(X, w, b, padding: full)\noutput y")) {
            XCTAssertTrue("\($0)".contains("'padding' of 'conv2d' must be a number or one of same, valid, not full"), "\($0)")
        }
    }
}
