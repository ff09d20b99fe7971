/// A `Node` subclass that describes itself once, so that graph files, the graph-file writer,
/// `InferenceSession`, the DOT writer, the SVG drawing and `gradflow help ops` all know it without
/// any other file listing it.
///
/// Adopt it in the node's own file and register the type there too (see `OperationRegistry`):
/// ```swift
/// public final class Square: Node, GraphOperation {
///     public static let operationDescription = OperationDescription(
///         name: "square", operands: ["x"], category: .elementwise, summary: "x², elementwise"
///     ) { operands, _, name in Square(operands[0], name: name) }
///     …
/// }
/// ```
/// A custom node that adopts `GraphOperation` (registered or not) can be copied by an
/// `InferenceSession` and written back as graph-file text.
public protocol GraphOperation: Node {
    /// The operation's name, operands, attributes, help and constructor.
    static var operationDescription: OperationDescription { get }
    /// This node's attribute values: `make` over the same operands with them gives an equal node.
    var attributes: OperationAttributes { get }
    /// The second line of the node's box in drawings (`dropout p=0.5 [batch, 64]`).
    var drawingLabel: String { get }
}

extension GraphOperation {
    /// No attributes.
    public var attributes: OperationAttributes { OperationAttributes(operation: Self.operationDescription.name) }

    /// The attributes that are required or differ from their defaults, in the description's order
    /// (what the writer and the drawings show).
    public var settings: [(name: String, value: AttributeValue)] {
        let values = attributes
        return Self.operationDescription.attributes.compactMap { attribute in
            guard let value = values[attribute.name], value != attribute.defaultValue else { return nil }
            return (attribute.name, value)
        }
    }

    /// The operation's name, its settings and the output shape.
    public var drawingLabel: String {
        ([kind] + settings.map { "\($0.name)=\($0.value)" } + [shape.text]).joined(separator: " ")
    }

    /// A new node of this operation (the description's `make`).
    /// - Throws: `GraphError.invalidValue` for attribute values the operation rejects.
    public static func make(_ operands: [Node], _ attributes: OperationAttributes, name: String) throws -> Node {
        try operationDescription.make(operands, attributes, name)
    }

    /// A node like this one (same operation, attributes and name) over `operands`.
    /// - Throws: what `make` throws.
    public func copy(over operands: [Node]) throws -> Node {
        try Self.make(operands, attributes, name: name)
    }
}
