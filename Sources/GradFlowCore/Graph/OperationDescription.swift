/// What an operation says about itself, once, next to its `Node` subclass: the graph-file name and
/// aliases, operands, keyword attributes and help. The graph-file reader and writer, inference
/// sessions, the pictures and `gradflow help ops` all read it (see `GraphOperation`).
public struct OperationDescription: Sendable {
    /// The groups `gradflow help ops` lists operations in, in this order.
    public enum Category: Int, Sendable, Comparable, CaseIterable {
        /// Matrix products and layers (`linear`, `matmul`).
        case linearAlgebra
        /// Elementwise arithmetic with broadcasting (`add`, `multiply`).
        case elementwise
        /// Activations (`relu`, `softmax`, …).
        case activation
        /// Normalisation layers (`batch_norm`).
        case normalization
        /// Regularisers (`dropout`, `l2_penalty`).
        case regularization
        /// Losses (scalars to minimise).
        case loss

        public static func < (lhs: Category, rhs: Category) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The name graph files call it by (`linear`); also every node's `kind`.
    public let name: String
    /// Other names it may be called by (`bce` for `binary_cross_entropy`).
    public let aliases: [String]
    /// The operand names, for help and messages (`["X", "W", "b"]`); a variadic operation lists one.
    public let operands: [String]
    /// Whether the last operand may repeat (one or more).
    public let isVariadic: Bool
    /// The keyword attributes, in the order help and the writer list them.
    public let attributes: [OperationAttribute]
    /// Its group in help.
    public let category: Category
    /// One line of help.
    public let summary: String
    /// Makes a node of the operation over operands (as many as it accepts), attribute values (every
    /// attribute present: defaults filled in) and a name; throws `GraphError.invalidValue` for
    /// attribute values it rejects.
    public let make: @Sendable (_ operands: [Node], _ attributes: OperationAttributes, _ name: String) throws -> Node

    /// Describes an operation; `make` builds its node (`{ operands, _, name in ReLU(operands[0], name: name) }`).
    public init(name: String, aliases: [String] = [], operands: [String], isVariadic: Bool = false,
                attributes: [OperationAttribute] = [], category: Category, summary: String,
                make: @escaping @Sendable (_ operands: [Node], _ attributes: OperationAttributes, _ name: String) throws -> Node) {
        self.name = name
        self.aliases = aliases
        self.operands = operands
        self.isVariadic = isVariadic
        self.attributes = attributes
        self.category = category
        self.summary = summary
        self.make = make
    }

    /// How many operands the operation takes, as help writes it (`3`, `1 or more`).
    public var arityText: String { isVariadic ? "\(operands.count) or more" : "\(operands.count)" }

    /// Whether `count` operands fit.
    public func accepts(operandCount count: Int) -> Bool {
        isVariadic ? count >= operands.count : count == operands.count
    }

    /// The attribute called `name`, if the operation has one.
    public func attribute(named name: String) -> OperationAttribute? { attributes.first { $0.name == name } }
}

/// One keyword attribute of an operation (`p: 0.5` of `dropout`).
public struct OperationAttribute: Sendable {
    /// The keyword.
    public let name: String
    /// The value used when a call leaves it out; nil when every call must give it.
    public let defaultValue: AttributeValue?
    /// What it means and which values are valid, for help.
    public let help: String
    /// Words it accepts besides numbers (`same` and `valid` for a convolution's `padding`).
    public let words: [String]
    /// Whether it takes numbers (and lists of numbers).
    public let takesNumbers: Bool

    /// Describes an attribute; a nil `defaultValue` makes it required. A number and a list of
    /// numbers are interchangeable (`stride: 2` or `stride: [2, 1]`); `words` lists the words it
    /// takes. It takes numbers when its default is a number (or it has none), or when `takesNumbers`
    /// says so (`axis: none` or `axis: [0, 2]`).
    public init(_ name: String, default defaultValue: AttributeValue?, help: String, words: [String] = [], takesNumbers: Bool? = nil) {
        self.name = name
        self.defaultValue = defaultValue
        self.help = help
        self.words = words
        if case .word? = defaultValue { self.takesNumbers = takesNumbers ?? false } else { self.takesNumbers = takesNumbers ?? true }
    }
}
