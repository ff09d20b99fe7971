/// One dimension of a node's declared shape: a fixed size, or the batch size chosen when data is fed.
///
/// Integer literals are fixed sizes, so `[.batch, 784]` declares "any number of rows of 784 features".
public enum Dimension: Hashable, Sendable, ExpressibleByIntegerLiteral, CustomStringConvertible {
    /// The number of examples in the batch being fed; the same for every node in one step.
    case batch
    /// A size known when the graph is built.
    case fixed(Int)

    public init(integerLiteral value: Int) { self = .fixed(value) }

    public var description: String {
        switch self {
        case .batch: return "batch"
        case .fixed(let size): return String(size)
        }
    }

    /// Whether two dimensions can be equal: equal fixed sizes, or the batch on either side (checked
    /// again with the real batch size when buffers are planned).
    public func agrees(with other: Dimension) -> Bool {
        switch (self, other) {
        case let (.fixed(a), .fixed(b)): return a == b
        default: return true
        }
    }

    /// The concrete size for a given batch size.
    public func resolved(batchSize: Int) -> Int {
        switch self {
        case .batch: return batchSize
        case .fixed(let size): return size
        }
    }
}

/// A declared shape, possibly with a symbolic batch dimension (`[.batch, 3]`).
public typealias SymbolicShape = [Dimension]

extension Array where Element == Dimension {
    /// A symbolic shape with only fixed sizes.
    public init(fixed sizes: [Int]) { self = sizes.map { .fixed($0) } }

    /// The concrete shape for a given batch size.
    public func resolved(batchSize: Int) -> [Int] { map { $0.resolved(batchSize: batchSize) } }

    /// Whether the shapes have one rank and agreeing dimensions (see `Dimension.agrees(with:)`).
    public func agrees(with other: SymbolicShape) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.agrees(with: $1) }
    }

    /// Whether any dimension is the batch dimension.
    public var hasBatch: Bool { contains(.batch) }

    /// The shape written the way errors and reports print it: `[batch, 3]`.
    public var text: String { "[" + map(\.description).joined(separator: ", ") + "]" }
}
