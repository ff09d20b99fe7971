/// Bounds on what a file from outside may declare, checked before anything is allocated.
///
/// A graph file, an IDX file or a safetensors checkpoint states its tensors' shapes in a few bytes;
/// without a bound, `param W [1000000000, 1000000000]` or a checkpoint header declaring
/// `"shape": [4294967296, 4294967296]` would ask for more memory than any machine has (or overflow
/// `Int` while the size is computed, which traps in Swift). Every reader checks the declared sizes
/// against these limits with overflow-checked arithmetic and throws its own typed error
/// (`GraphFileError`, `DataError`, `CheckpointError`) before it allocates.
///
/// | limit | default | applies to |
/// | --- | --- | --- |
/// | `maximumElements` | 100,000,000 (400 MB of `Float`) | one tensor: a graph file's `input`/`param`, an IDX file's data, one checkpoint tensor |
/// | `maximumTotalElements` | 250,000,000 (1 GB of `Float`) | all of a graph file's parameters, all of a checkpoint's tensors |
/// | `maximumHeaderBytes` | 100,000,000 (100 MB) | a safetensors file's JSON header |
/// | `maximumFileBytes` | 4,294,967,296 (4 GiB) | a CSV file (read whole, mapped) |
///
/// A CSV file's fields count as one tensor: rows × columns must be within `maximumElements`.
///
/// ```swift
/// let small = ResourceLimits(maximumElements: 1_000_000, maximumTotalElements: 5_000_000)
/// let file = try GraphFile.load(path: "untrusted.graph", limits: small)
/// let weights = try Checkpoint.readContents(from: "untrusted.safetensors", limits: small)
/// ```
public struct ResourceLimits: Equatable, Sendable {
    /// The most elements one declared tensor may have. A size of 0 counts as 1 here, so that no
    /// partial product of an accepted shape exceeds the limit either.
    public var maximumElements: Int
    /// The most elements all of one file's tensors may have together (a graph file's parameters,
    /// a checkpoint's tensors).
    public var maximumTotalElements: Int
    /// The longest safetensors JSON header accepted, in bytes.
    public var maximumHeaderBytes: Int
    /// The largest text data file (CSV) accepted, in bytes.
    public var maximumFileBytes: Int

    /// Creates limits; the defaults are those of `ResourceLimits.default`.
    /// - Parameters:
    ///   - maximumElements: the most elements of one tensor (default 100,000,000).
    ///   - maximumTotalElements: the most elements of all of a file's tensors (default 250,000,000).
    ///   - maximumHeaderBytes: the longest safetensors header, in bytes (default 100,000,000).
    ///   - maximumFileBytes: the largest CSV file, in bytes (default 4 GiB).
    public init(maximumElements: Int = 100_000_000, maximumTotalElements: Int = 250_000_000,
                maximumHeaderBytes: Int = 100_000_000, maximumFileBytes: Int = 1 << 32) {
        self.maximumElements = maximumElements
        self.maximumTotalElements = maximumTotalElements
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumFileBytes = maximumFileBytes
    }

    /// The limits the readers use unless given others.
    public static let `default` = ResourceLimits()

    /// The product of `shape`'s sizes with each 0 counted as 1 (the largest partial product of the
    /// shape), or nil when it overflows `Int`. Sizes are expected to be ≥ 0.
    public static func boundingCount(of shape: [Int]) -> Int? {
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: max(size, 1))
            if overflow { return nil }
            count = product
        }
        return count
    }

    /// Whether a tensor of `shape` is within `maximumElements` (see `boundingCount(of:)`).
    public func allows(shape: [Int]) -> Bool {
        guard let count = ResourceLimits.boundingCount(of: shape) else { return false }
        return count <= maximumElements
    }

    /// `shape` written as `a×b×c = n` for messages, with "more than Int.max" when the product overflows.
    package static func describe(_ shape: [Int]) -> String {
        let sizes = shape.map(String.init).joined(separator: "×")
        guard let count = boundingCount(of: shape) else { return "\(sizes) = more than \(Int.max)" }
        return shape.contains(0) ? "\(sizes) (sizes other than 0 multiply to \(count))" : "\(sizes) = \(count)"
    }
}
