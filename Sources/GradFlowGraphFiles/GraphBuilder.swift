import GradFlowCore
import GradFlowStorage
import GradFlowTraining

/// The binder: turns parsed statements into library nodes and a `Graph`, checking names, order,
/// sizes and shapes, and pointing every error at the statement or operand that caused it.
///
/// Assignments may appear in any order; they are built in dependency order (Kahn's algorithm over
/// the statements), and a loop among them is reported as a cycle naming its members.
struct GraphBuilder {
    /// What a successful build produces (see `GraphFile`).
    struct Parts {
        var graph: Graph
        var loss: Node
        var output: Node
        var inputs: [Input]
        var parameters: [Parameter]
        var assignments: [(name: String, node: Node)]
        var data: (source: DataSource, location: SourceLocation)?
        var training: TrainingSpec
        var locations: [ObjectIdentifier: SourceLocation]
    }

    let file: String
    let directory: String
    let statements: [Statement]
    let endLocation: SourceLocation
    let limits: ResourceLimits
    var declared: [String: SourceLocation] = [:]
    var nodes: [String: Node] = [:]
    var shapes: [ObjectIdentifier: SymbolicShape] = [:]
    var locations: [ObjectIdentifier: SourceLocation] = [:]
    var nestedNames: [String: Int] = [:]

    init(file: String, directory: String, statements: [Statement], endLocation: SourceLocation, limits: ResourceLimits = .default) {
        self.file = file
        self.directory = directory
        self.statements = statements
        self.endLocation = endLocation
        self.limits = limits
    }

    mutating func build(seedOverride: UInt64?) throws(GraphFileError) -> Parts {
        var training = TrainingSpec.defaults
        var data: (source: DataSource, location: SourceLocation)?
        var outputName: Name?
        var assignments: [(name: Name, expression: Expression)] = []
        var singles: [String: SourceLocation] = [:]
        for statement in statements {
            switch statement.kind {
            case .input(let name, _), .parameter(let name, _, _, _): try declare(name)
            case let .assignment(name, expression):
                try declare(name)
                assignments.append((name, expression))
            case .output(let name):
                try single("output", statement.location, &singles)
                outputName = name
            case .data(let expression):
                try single("data", statement.location, &singles)
                data = (try DataSource(expression, directory: directory), statement.location)
            case let .train(optimizer, options):
                try single("train", statement.location, &singles)
                training = try TrainingSpec(optimizer: optimizer, options: options, at: statement.location)
            }
        }
        if let seedOverride { training.seed = seedOverride }
        var generator = RandomGenerator(seed: training.seed)
        var inputs: [Input] = [], parameters: [Parameter] = []
        var pytorchVectors: [Parameter] = []
        try checkParameterTotal()
        for statement in statements {
            switch statement.kind {
            case let .input(name, dims):
                let shape = try checkedShape(dims, of: name, allowBatch: true)
                inputs.append(register(Input(name.text, shape: shape), as: name))
            case let .parameter(name, dims, initializer, trainable):
                let shape = try checkedShape(dims, of: name, allowBatch: false).resolved(batchSize: 1)
                let fill = try ParameterFill(initializer, rank: shape.count)
                parameters.append(register(Parameter(name.text, fill.tensor(shape: shape, using: &generator), isTrainable: trainable), as: name))
                if case .initializer(.pytorchDefault) = fill, shape.count == 1 { pytorchVectors.append(parameters[parameters.count - 1]) }
            default: continue
            }
        }
        var built: [(name: String, node: Node)] = []
        for index in try dependencyOrder(assignments) {
            let (name, expression) = assignments[index]
            let node = try node(for: expression, target: name.text, depth: 0)
            nodes[name.text] = node
            locations[ObjectIdentifier(node)] = locations[ObjectIdentifier(node)] ?? name.location
            built.append((name.text, node))
        }
        GraphBuilder.rescalePyTorchBiases(pytorchVectors, in: built.map(\.node))
        built.sort { (declared[$0.name]?.line ?? 0) < (declared[$1.name]?.line ?? 0) }
        return try finish(built: built, outputName: outputName, inputs: inputs, parameters: parameters, data: data, training: training)
    }

    private mutating func declare(_ name: Name) throws(GraphFileError) {
        if let previous = declared[name.text] {
            throw GraphFileError(.duplicateName(name.text, previous: previous), at: name.location)
        }
        // Operation names stay free (`mean`, `var`, `sum` are natural names): a call is `name(…)`, a reference `name`.
        if ["batch", "true", "false"].contains(name.text) {
            throw GraphFileError(.invalidArgument("'\(name.text)' is reserved (a keyword); choose another name"), at: name.location)
        }
        declared[name.text] = name.location
    }

    private func single(_ keyword: String, _ location: SourceLocation, _ seen: inout [String: SourceLocation]) throws(GraphFileError) {
        if let previous = seen[keyword] {
            throw GraphFileError(.invalidArgument("a second '\(keyword)' statement (the first is at \(previous.line):\(previous.column)); keep one"), at: location)
        }
        seen[keyword] = location
    }

    private mutating func register<N: Node>(_ node: N, as name: Name) -> N {
        nodes[name.text] = node
        shapes[ObjectIdentifier(node)] = node.shape
        locations[ObjectIdentifier(node)] = name.location
        return node
    }

    /// The declared shape, checked: at least one dimension, `batch` only where allowed, and at most
    /// `limits.maximumElements` elements (with the batch counted as 1), without overflow.
    private func checkedShape(_ dims: [DimensionSyntax], of name: Name, allowBatch: Bool) throws(GraphFileError) -> SymbolicShape {
        var elements = 1, overflow = false
        for dim in dims {
            if case .fixed(let size) = dim.dimension {
                let (product, didOverflow) = elements.multipliedReportingOverflow(by: size)
                overflow = overflow || didOverflow
                elements = didOverflow ? Int.max : product
            } else if !allowBatch {
                throw GraphFileError(.invalidArgument("a parameter's shape must be fixed; 'batch' is only for inputs"), at: dim.location)
            }
        }
        guard overflow == false, elements <= limits.maximumElements else {
            let sizes = dims.map { $0.dimension.description }.joined(separator: "×")
            throw GraphFileError(.shapeTooLarge(name: name.text, elements: overflow ? "more than \(Int.max)" : "\(sizes) = \(elements)",
                                                limit: limits.maximumElements), at: name.location)
        }
        return dims.map(\.dimension)
    }

    /// Checks that all `param` statements together stay within `limits.maximumTotalElements`, before
    /// any of them is allocated; each shape is checked on its own (`checkedShape`) first.
    /// - Throws: `GraphFileError.shapeTooLarge` for one shape, `.parametersTooLarge` at the parameter
    ///   that takes the total over the limit.
    private func checkParameterTotal() throws(GraphFileError) {
        var total = 0
        for statement in statements {
            guard case let .parameter(name, dims, _, _) = statement.kind else { continue }
            let count = try checkedShape(dims, of: name, allowBatch: false).resolved(batchSize: 1).reduce(1, *)  // ≤ maximumElements
            let (sum, overflow) = total.addingReportingOverflow(count)
            guard !overflow, sum <= limits.maximumTotalElements else {
                throw GraphFileError(.parametersTooLarge(name: name.text, total: overflow ? "more than \(Int.max)" : "\(sum)",
                                                         limit: limits.maximumTotalElements), at: name.location)
            }
            total = sum
        }
    }
}
