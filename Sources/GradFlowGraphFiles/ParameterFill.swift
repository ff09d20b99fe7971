import GradFlowCore

/// How a `param` statement fills its tensor: one of the library's `Initializer`s or a constant.
///
/// Written after the shape: `zeros`, `ones`, `constant(0.5)`, `normal(0, 0.1)` (or
/// `normal(mean: 0, std: 0.1)`), `uniform(-0.1, 0.1)`, `xavier` (= `xavier_uniform`, `glorot`),
/// `xavier_normal`, `he` (= `he_normal`), `he_uniform`, `pytorch`. Omitted: `zeros` for a vector,
/// `xavier` otherwise.
enum ParameterFill: Equatable {
    case initializer(Initializer)
    case constant(Float)

    /// The names accepted, for suggestions.
    static let names = ["zeros", "ones", "constant", "normal", "uniform", "xavier", "xavier_uniform", "glorot",
                        "xavier_normal", "he", "he_normal", "he_uniform", "pytorch"]

    /// The fill written by `expression`, or the default for a shape of `rank` when nil.
    /// - Throws: `GraphFileError` for an unknown initializer or bad arguments.
    init(_ expression: Expression?, rank: Int) throws(GraphFileError) {
        guard let expression else {
            self = rank <= 1 ? .initializer(.zeros) : .initializer(.xavierUniform)
            return
        }
        let name: Name
        switch expression {
        case .name(let word): name = word
        case .call(let call): name = call.callee
        default:
            throw GraphFileError(.unexpectedToken(expected: "an initializer such as zeros or normal(0, 0.1)",
                                                  found: expression.sourceText), at: expression.location)
        }
        switch name.text {
        case "normal":
            let arguments = try CallArguments(expression, keywords: ["mean", "std"], positional: 0...2)
            let mean = try arguments.number("mean", orPosition: 0) ?? 0
            let std = try arguments.number("std", orPosition: 1) ?? 1
            guard std >= 0 else { throw GraphFileError(.invalidArgument("'std' of 'normal' must be ≥ 0"), at: expression.location) }
            self = .initializer(.normal(mean: Float(mean), standardDeviation: Float(std)))
        case "uniform":
            let arguments = try CallArguments(expression, keywords: ["lower", "upper"], positional: 0...2)
            let lower = try arguments.number("lower", orPosition: 0) ?? 0
            let upper = try arguments.number("upper", orPosition: 1) ?? 1
            guard lower < upper else {
                throw GraphFileError(.invalidArgument("'uniform' needs lower < upper, got \(lower) and \(upper)"), at: expression.location)
            }
            self = .initializer(.uniform(lower: Float(lower), upper: Float(upper)))
        case "constant":
            let arguments = try CallArguments(expression, keywords: ["value"], positional: 0...1)
            self = .constant(Float(try arguments.number("value", orPosition: 0) ?? 0))
        default:
            _ = try CallArguments(expression, keywords: [], positional: 0...0)
            guard let fill = ParameterFill.simple[name.text] else {
                throw GraphFileError(.unknownWord(category: "initializer", word: name.text,
                                                  suggestion: Suggestion.nearest(to: name.text, in: ParameterFill.names)),
                                     at: name.location)
            }
            self = fill
        }
    }

    private static let simple: [String: ParameterFill] = [
        "zeros": .initializer(.zeros), "ones": .constant(1),
        "xavier": .initializer(.xavierUniform), "xavier_uniform": .initializer(.xavierUniform),
        "glorot": .initializer(.xavierUniform), "xavier_normal": .initializer(.xavierNormal),
        "he": .initializer(.heNormal), "he_normal": .initializer(.heNormal), "he_uniform": .initializer(.heUniform),
        "pytorch": .initializer(.pytorchDefault),
    ]

    /// A new tensor of `shape`, drawing from `generator`.
    func tensor(shape: [Int], using generator: inout RandomGenerator) -> Tensor {
        switch self {
        case .initializer(let initializer): return initializer.tensor(shape: shape, using: &generator)
        case .constant(let value): return Tensor(shape: shape, repeating: value)
        }
    }
}
