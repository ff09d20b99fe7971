import Foundation
import GradFlowCore
import GradFlowStorage
import GradFlowTraining

/// A graph file read, checked and bound to a `Graph`: the library's nodes wired as the file says,
/// every shape inferred, parameters initialised, plus the file's data source and training settings.
///
/// ```swift
/// let file = try GraphFile.load(path: "Graphs/xor.graph")
/// let loss = try file.graph.forwardAndBackward(feed: [file.inputs[0]: x, file.inputs[1]: y])
/// ```
/// Like its graph, a `GraphFile` is for one thread at a time.
public final class GraphFile {
    /// The file name used in messages.
    public let fileName: String
    /// The parsed statements.
    public let statements: [Statement]
    /// The graph of every node the file defines, with `loss` as its loss.
    public let graph: Graph
    /// The node named `loss` (a scalar).
    public let loss: Node
    /// The prediction: the `output` statement's node, or by default the loss's first operand that is
    /// not an input (looking through scalar terms such as `add(softmax_ce(…), l2(…))`).
    public let output: Node
    /// The declared inputs, in file order.
    public let inputs: [Input]
    /// The declared parameters, in file order.
    public let parameters: [Parameter]
    /// Each assignment's node by name, in file order.
    public let assignments: [(name: String, node: Node)]
    /// The `data` statement's source and location, if any.
    public let data: (source: DataSource, location: SourceLocation)?
    /// The `train` statement's settings (defaults when absent).
    public let training: TrainingSpec
    /// Where each node (and each nested call) is written.
    public let locations: [ObjectIdentifier: SourceLocation]

    init(fileName: String, statements: [Statement], graph: Graph, loss: Node, output: Node, inputs: [Input],
         parameters: [Parameter], assignments: [(name: String, node: Node)],
         data: (source: DataSource, location: SourceLocation)?, training: TrainingSpec,
         locations: [ObjectIdentifier: SourceLocation]) {
        self.fileName = fileName
        self.statements = statements
        self.graph = graph
        self.loss = loss
        self.output = output
        self.inputs = inputs
        self.parameters = parameters
        self.assignments = assignments
        self.data = data
        self.training = training
        self.locations = locations
    }

    /// The largest number of elements a declared tensor may have by default (checked before
    /// allocating); `ResourceLimits` sets it, and the parameters' total, per call.
    public static let maximumElements = ResourceLimits.default.maximumElements
    /// The largest graph file read, in bytes.
    public static let maximumFileSize = 16 << 20

    /// Reads, parses and binds the file at `path`; data paths in it are relative to its folder.
    /// - Parameters:
    ///   - seed: overrides the `train` statement's seed (parameter initialisation).
    ///   - limits: the largest tensor and parameter total the file may declare.
    /// - Throws: `GraphFileError` (a missing, non-regular, too large or non-UTF-8 file is reported for
    ///   the whole file: `PATH: error: no such file`).
    public static func load(path: String, seed: UInt64? = nil, limits: ResourceLimits = .default) throws(GraphFileError) -> GraphFile {
        let whole = SourceLocation.whole(path)
        // Checked before reading: a regular file (not a directory, FIFO or /dev/zero) of at most the limit.
        let file: MappedFile
        do { file = try MappedFile(path: path, maximumBytes: maximumFileSize) } catch {
            throw GraphFileError(.runtime(error.isTooLarge ? "the file is larger than \(maximumFileSize) bytes, the limit for graph files"
                                          : error.reason), at: whole)
        }
        guard let text = String(validating: file.bytes, as: UTF8.self) else {
            throw GraphFileError(.runtime("the file is not UTF-8 text"), at: whole)
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try GraphFile(source: text, file: path, directory: directory, seed: seed, limits: limits)
    }

    /// Parses and binds graph-file text.
    /// - Parameters:
    ///   - source: the text.
    ///   - file: the name used in locations.
    ///   - directory: the folder relative data paths are resolved against.
    ///   - seed: overrides the `train` statement's seed.
    ///   - limits: the largest tensor (`maximumElements`, the batch counted as 1) and parameter total
    ///     (`maximumTotalElements`) the file may declare; checked before any parameter is allocated.
    /// - Throws: `GraphFileError` at the first problem (`.shapeTooLarge`, `.parametersTooLarge` for the limits).
    public convenience init(source: String, file: String = "<input>", directory: String = "", seed: UInt64? = nil,
                            limits: ResourceLimits = .default) throws(GraphFileError) {
        let statements = try Parser.parse(source, file: file)
        var builder = GraphBuilder(file: file, directory: directory, statements: statements,
                                   endLocation: GraphFile.end(of: source, file: file), limits: limits)
        let parts = try builder.build(seedOverride: seed)
        self.init(fileName: file, statements: statements, graph: parts.graph, loss: parts.loss, output: parts.output,
                  inputs: parts.inputs, parameters: parts.parameters, assignments: parts.assignments, data: parts.data,
                  training: parts.training, locations: parts.locations)
    }

    private static func end(of source: String, file: String) -> SourceLocation {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        return SourceLocation(file: file, line: lines.count, column: (lines.last?.unicodeScalars.count ?? 0) + 1)
    }

    /// The input fed with features: the only input the output depends on.
    /// - Throws: `GraphFileError.invalidArgument` when there is not exactly one.
    public func featuresInput() throws(GraphFileError) -> Input {
        let needed = Graph.ancestors(of: output)
        let candidates = inputs.filter { needed.contains(ObjectIdentifier($0)) }
        guard candidates.count == 1, let features = candidates.first else {
            throw GraphFileError(.invalidArgument("training needs exactly one input that '\(output.name)' depends on (the features); found \(candidates.count)"),
                                 at: location(of: output))
        }
        return features
    }

    /// The input fed with labels or targets: the only input the loss uses that the output does not.
    /// - Throws: `GraphFileError.invalidArgument` when there is not exactly one.
    public func labelsInput() throws(GraphFileError) -> Input {
        let needed = Graph.ancestors(of: output), lossNeeds = Graph.ancestors(of: loss)
        let candidates = inputs.filter { !needed.contains(ObjectIdentifier($0)) && lossNeeds.contains(ObjectIdentifier($0)) }
        guard candidates.count == 1, let labels = candidates.first else {
            throw GraphFileError(.invalidArgument("training needs exactly one input that only the loss uses (the labels); found \(candidates.count)"),
                                 at: location(of: loss))
        }
        return labels
    }

    /// Where `node` is written (the start of the file when it is not from this file).
    public func location(of node: Node) -> SourceLocation {
        locations[ObjectIdentifier(node)] ?? SourceLocation(file: fileName, line: 1, column: 1)
    }

    /// The metric to report: the file's, else accuracy for `softmax_ce`, binary accuracy (every
    /// logit thresholded at 0) for `binary_cross_entropy`, else R².
    public var metric: Metric {
        if let metric = training.metric { return metric }
        let kinds = Set(graph.nodes.map(\.kind))
        return kinds.contains("softmax_ce") ? .accuracy : kinds.contains("binary_cross_entropy") ? .binaryAccuracy : .rSquared
    }

    /// What the loss accepts as labels (the first `LabelledLoss` node's rule: class indices for
    /// `softmax_ce`, [0, 1] for `binary_cross_entropy`), nil otherwise; checked when the data is loaded.
    public var labelRule: LabelRule? {
        graph.nodes.lazy.compactMap { ($0 as? any LabelledLoss)?.labelRule }.first
    }

}
