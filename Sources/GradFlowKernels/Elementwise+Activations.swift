import CGradFlowKernels

/// Activation functions and their backward passes. Each backward ACCUMULATES into `dx`
/// (`dx[i] += …`), so a node whose output feeds several consumers, or that uses one input twice,
/// gets the sum of the partials. The forward functions rely on `VectorMath` (see its accuracy).
extension Elementwise {
    /// `y[i] = max(x[i], 0)` (NaN stays NaN). Large tensors: one range per thread (`parallelRanges`).
    package static func relu(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        parallelRanges(n, parts: elementwiseParts(n), ReLURange(x: x, dy: nil, y: y, pass: .forward))
    }

    /// `dx[i] += y[i] > 0 ? dy[i] : 0`, where `y` is ReLU's output.
    package static func reluBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                     accumulatingInto dx: UnsafeMutableBufferPointer<Float>) {
        let (y, dy, dx, n) = checked(y, dy, dx)
        parallelRanges(n, parts: elementwiseParts(n), ReLURange(x: y, dy: dy, y: dx, pass: .accumulatingBackward))
    }

    /// `dx[i] = y[i] > 0 ? dy[i] : 0` (the assigning form, for the only writer of `dx`).
    package static func reluBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                     into dx: UnsafeMutableBufferPointer<Float>) {
        let (y, dy, dx, n) = checked(y, dy, dx)
        parallelRanges(n, parts: elementwiseParts(n), ReLURange(x: y, dy: dy, y: dx, pass: .backward))
    }

    /// `y[i] = 1 / (1 + e^(−x[i]))`, stable for large |x| (exactly 0 or 1 at ±1000).
    package static func sigmoid(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        SIMDAccess.map(n, x, y) { VectorMath.sigmoid($0) }
    }

    /// `dx[i] += dy[i] · y[i] · (1 − y[i])`, where `y` is the sigmoid's output.
    package static func sigmoidBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                        accumulatingInto dx: UnsafeMutableBufferPointer<Float>) {
        let (y, dy, dx, n) = checked(y, dy, dx)
        SIMDAccess.update(n, dx, y, dy) { acc, out, up in acc + up * out * (1 - out) }
    }

    /// `y[i] = tanh(x[i])`.
    package static func tanh(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        SIMDAccess.map(n, x, y) { VectorMath.tanh($0) }
    }

    /// `dx[i] += dy[i] · (1 − y[i]²)`, where `y` is tanh's output.
    package static func tanhBackward(output y: UnsafeBufferPointer<Float>, upstream dy: UnsafeBufferPointer<Float>,
                                     accumulatingInto dx: UnsafeMutableBufferPointer<Float>) {
        let (y, dy, dx, n) = checked(y, dy, dx)
        SIMDAccess.update(n, dx, y, dy) { acc, out, up in acc + up * (1 - out * out) }
    }

    /// `y[i] = e^x[i]` (relative error ≲ 2e-7; +∞ above 88.72, 0 below −103.9, NaN stays NaN).
    package static func exp(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        let (x, y, n) = checked(x, y)
        SIMDAccess.map(n, x, y) { VectorMath.exp($0) }
    }
}

/// A range of one of ReLU's passes: forward `y = max(x, 0)`; backward with `x` ReLU's output and `y`
/// the input gradient, assigned or accumulated.
private struct ReLURange: RangeJob {
    enum Pass { case forward, backward, accumulatingBackward }
    let x: UnsafePointer<Float>, dy: UnsafePointer<Float>?, y: UnsafeMutablePointer<Float>
    let pass: Pass

    /// The C loops of `relu.c` (AVX-512 / AVX2): Swift's `SIMD8` here compiles to SSE2 and ran at a
    /// quarter of their speed.
    func run(_ range: Range<Int>) {
        let (x, y, n) = (x + range.lowerBound, y + range.lowerBound, Int64(range.count))
        guard let dy = dy.map({ $0 + range.lowerBound }) else { return gradflow_relu_forward(x, y, n) }
        gradflow_relu_backward(x, dy, y, n, pass == .accumulatingBackward ? 1 : 0)
    }
}
