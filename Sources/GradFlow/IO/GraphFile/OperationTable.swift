/// The operations a graph file can call, by name: every node type of the library, with its
/// operands, keyword arguments and constructor.
///
/// | name | operands | keywords | node |
/// | --- | --- | --- | --- |
/// | `linear` | X, W, b | | `Linear` |
/// | `matmul` | A, B | | `MatMul` |
/// | `add`, `multiply` | a, b | | `Add`, `Multiply` (broadcasting) |
/// | `relu`, `sigmoid`, `tanh`, `softmax` | x | | activations |
/// | `dropout` | x | `p` (0), `seed` (0) | `Dropout` |
/// | `mse` | y, prediction | | `MSE` |
/// | `softmax_ce` | logits, labels | | `SoftmaxCE` |
/// | `binary_cross_entropy` (`bce`) | logits, targets | | `BinaryCrossEntropy` |
/// | `l2_penalty` (`l2`) | θ… (one or more) | `lambda` (required) | `L2Penalty` |
public struct Operation: Sendable {
    /// The name used in graph files.
    public let name: String
    /// The operand names, for help and messages (`["X", "W", "b"]`); variadic operations list one.
    public let operands: [String]
    /// Whether the last operand may repeat (one or more).
    public let isVariadic: Bool
    /// The keyword arguments with their defaults; nil marks a required keyword.
    public let keywords: [(name: String, defaultValue: Double?)]
    /// One line of help.
    public let summary: String
    /// Builds the node from its operands, keyword values (defaults filled in) and name.
    let make: @Sendable ([Node], [String: Double], String) throws -> Node

    /// How many operands the operation takes, as help writes it (`3`, `1 or more`).
    public var arityText: String { isVariadic ? "\(operands.count) or more" : "\(operands.count)" }

    /// Whether `count` operands fit.
    public func accepts(operandCount count: Int) -> Bool {
        isVariadic ? count >= operands.count : count == operands.count
    }
}

/// The table of `Operation`s by name (aliases included).
public enum OperationTable {
    /// Every operation, in the order help lists them.
    public static let all: [Operation] = [
        Operation(name: "linear", operands: ["X", "W", "b"], isVariadic: false, keywords: [],
                  summary: "X·W + b: [rows, in]·[in, out] + [out] → [rows, out]") { o, _, name in Linear(o[0], o[1], o[2], name: name) },
        Operation(name: "matmul", operands: ["A", "B"], isVariadic: false, keywords: [],
                  summary: "A·B: [m, k]·[k, n] → [m, n]") { o, _, name in MatMul(o[0], o[1], name: name) },
        Operation(name: "add", operands: ["a", "b"], isVariadic: false, keywords: [],
                  summary: "a + b, elementwise with broadcasting") { o, _, name in Add(o[0], o[1], name: name) },
        Operation(name: "multiply", operands: ["a", "b"], isVariadic: false, keywords: [],
                  summary: "a ⊙ b, elementwise with broadcasting") { o, _, name in Multiply(o[0], o[1], name: name) },
        Operation(name: "relu", operands: ["x"], isVariadic: false, keywords: [],
                  summary: "max(x, 0)") { o, _, name in ReLU(o[0], name: name) },
        Operation(name: "sigmoid", operands: ["x"], isVariadic: false, keywords: [],
                  summary: "1 / (1 + e^(−x))") { o, _, name in Sigmoid(o[0], name: name) },
        Operation(name: "tanh", operands: ["x"], isVariadic: false, keywords: [],
                  summary: "tanh(x)") { o, _, name in Tanh(o[0], name: name) },
        Operation(name: "softmax", operands: ["x"], isVariadic: false, keywords: [],
                  summary: "softmax over the last axis (for predictions)") { o, _, name in Softmax(o[0], name: name) },
        Operation(name: "dropout", operands: ["x"], isVariadic: false, keywords: [("p", 0), ("seed", 0)],
                  summary: "inverted dropout with drop probability p (identity at inference)") { operands, keywords, name in
            try Dropout(operands[0], dropProbability: Float(keywords["p"] ?? 0), seed: UInt64(keywords["seed"] ?? 0), name: name)
        },
        Operation(name: "mse", operands: ["y", "prediction"], isVariadic: false, keywords: [],
                  summary: "mean squared error → scalar") { o, _, name in MSE(o[0], o[1], name: name) },
        Operation(name: "softmax_ce", operands: ["logits", "labels"], isVariadic: false, keywords: [],
                  summary: "softmax cross-entropy against class indices → scalar") { o, _, name in SoftmaxCE(o[0], o[1], name: name) },
        Operation(name: "binary_cross_entropy", operands: ["logits", "targets"], isVariadic: false, keywords: [],
                  summary: "sigmoid + binary cross-entropy, fused → scalar") { o, _, name in BinaryCrossEntropy(o[0], o[1], name: name) },
        Operation(name: "l2_penalty", operands: ["θ"], isVariadic: true, keywords: [("lambda", nil)],
                  summary: "λ/2 · Σ θ² over the operands → scalar") { operands, keywords, name in
            try L2Penalty(operands, lambda: Float(keywords["lambda"] ?? 0), name: name)
        },
    ]

    /// Alternative spellings.
    public static let aliases: [String: String] = ["bce": "binary_cross_entropy", "l2": "l2_penalty"]

    /// The operation called `name` (or an alias of it).
    public static func operation(named name: String) -> Operation? {
        let canonical = aliases[name] ?? name
        return all.first { $0.name == canonical }
    }

    /// Every name an operation can be called by.
    public static var names: [String] { all.map(\.name) + aliases.keys.sorted() }
}
