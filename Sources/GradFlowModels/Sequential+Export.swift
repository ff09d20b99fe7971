import GradFlowCore
import GradFlowInference
import GradFlowGraphFiles

extension InferenceSession {
    /// Records a built `Sequential` model's input-to-output graph (without its loss).
    /// - Throws: `ModelError.notBuilt` before the model's first build or `fit`; see `init(graph:input:output:)`.
    public init(model: Sequential) throws {
        guard let graph = model.graph, let input = model.input, let output = model.output else { throw ModelError.notBuilt }
        try self.init(graph: graph, input: input, output: output)
    }
}

extension GraphFileWriter {
    /// The graph-file text of a built `Sequential` model (its compiled loss, if any, included).
    /// - Throws: `GraphFileError.invalidArgument` when the model is not built, or has a node kind
    ///   that graph files cannot express.
    public static func text(for model: Sequential, comment: String? = nil) throws(GraphFileError) -> String {
        guard let graph = model.graph, let output = model.output else {
            throw GraphFileError(.invalidArgument("build the model first (model.build(inputShape:))"), at: SourceLocation(file: "<model>", line: 1, column: 1))
        }
        return try text(for: graph, output: output, comment: comment)
    }
}
