/// A node whose value is fed from outside (MiniFlow's `Input`): the data and the labels.
///
/// The declared shape may use `.batch` for the number of examples: `Input("X", shape: [.batch, 2])`.
/// Feed it by setting `value` (as in MiniFlow: `X.value = batch`) or through a feed dictionary.
public class Input: Node {
    /// Whether a value has been fed since the node was made.
    public var isFed: Bool { hasValue }

    /// Creates an input with a name (used in error messages) and a declared shape.
    public init(_ name: String, shape: SymbolicShape) {
        super.init([], name: name)
        self.shape = shape
    }

    public override var kind: String { "input" }

    public override func outputShape(for inputShapes: [SymbolicShape]) throws -> SymbolicShape { shape }

    public override func forward() throws {}

    public override func backward() {}

    /// Whether `concrete` fits the declared shape; returns the batch size it implies (nil if none).
    func batchSize(matching concrete: [Int]) -> (fits: Bool, batch: Int?) {
        guard concrete.count == shape.count else { return (false, nil) }
        var batch: Int?
        for (declared, actual) in zip(shape, concrete) {
            switch declared {
            case .fixed(let size) where size != actual: return (false, nil)
            case .batch:
                if let b = batch, b != actual { return (false, nil) }
                batch = actual
            default: break
            }
        }
        return (true, batch)
    }
}
