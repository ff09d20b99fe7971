// Pointer access for the nodes' kernel calls (the library's and custom operations'). Planned buffers
// are never empty (the graph rejects empty batches and zero-sized dimensions), so a base address
// always exists.

extension Tensor {
    /// Calls `body` with a pointer to the first element (of a planned, non-empty buffer: what a
    /// node's `forward` and `backward` read).
    @inline(__always)
    public func withReadPointer<R>(_ body: (UnsafePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("internal: empty planned buffer") }
            return try body(base)
        }
    }

    /// Calls `body` with a mutable pointer to the first element (of a planned, non-empty buffer:
    /// what a node's `forward` writes its `value` through and `backward` its operands' gradients).
    @inline(__always)
    public mutating func withWritePointer<R>(_ body: (UnsafeMutablePointer<Float>) throws -> R) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { preconditionFailure("internal: empty planned buffer") }
            return try body(base)
        }
    }
}

extension SymbolicShape {
    /// Whether every fixed dimension is positive.
    var hasPositiveSizes: Bool {
        allSatisfy { if case .fixed(let size) = $0 { return size > 0 } else { return true } }
    }
}
