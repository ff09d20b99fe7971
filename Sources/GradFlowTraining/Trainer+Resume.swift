import GradFlowCore
import GradFlowStorage

extension Trainer {
    /// A snapshot of the run for a checkpoint: parameters and buffers, optimizer state and learning rate, every
    /// random node's generator (`RandomStateful`: dropout), `progress` and `history`. Take it between
    /// steps: in `epochEnded`, or after `fit` returned or threw (then it describes the last complete step).
    /// - Parameter metadata: free-form text stored with the state.
    public func trainingState(metadata: [String: String] = [:]) -> TrainingState {
        var parameters: [String: Tensor] = [:]
        for parameter in graph.parameters { parameters[parameter.name] = parameter.value }
        var generators: [String: RandomGenerator] = [:]
        for case let node as any RandomStateful in graph.nodes { generators[node.name] = node.generator }
        return TrainingState(parameters: parameters, optimizer: optimizer.state, learningRate: optimizer.learningRate,
                             dropoutGenerators: generators, progress: progress, history: history, metadata: metadata)
    }

    /// Puts a saved run back: parameter values, optimizer state, learning rate and dropout
    /// generators now; progress and history at the next `fit`, which continues the run exactly when
    /// called with the same data and settings (a different batch size, shuffle, seed or example
    /// count is a `TrainerError.resumeMismatch` there).
    ///
    /// Everything is checked before anything changes: on error the trainer is as it was.
    /// - Throws: `TrainerError.incompatibleState` for a parameter or dropout node missing from the
    ///   state or the graph, a shape that differs, or optimizer state that does not fit.
    public func restore(_ state: TrainingState) throws(TrainerError) {
        var remaining = state.parameters
        for parameter in graph.parameters {
            guard let saved = remaining.removeValue(forKey: parameter.name) else {
                throw .incompatibleState(detail: "the state has no value for parameter '\(parameter.name)'")
            }
            guard saved.shape == parameter.value.shape else {
                throw .incompatibleState(detail: "parameter '\(parameter.name)' has shape \(parameter.value.shape) but the saved value's is \(saved.shape)")
            }
        }
        if let stray = remaining.keys.sorted().first {
            throw .incompatibleState(detail: "the state has a value for '\(stray)', which is not a parameter or buffer of this graph")
        }
        let dropouts = graph.nodes.compactMap { $0 as? any RandomStateful }
        for dropout in dropouts where state.dropoutGenerators[dropout.name] == nil {
            throw .incompatibleState(detail: "the state has no generator for dropout node '\(dropout.name)'")
        }
        if let stray = Set(state.dropoutGenerators.keys).subtracting(dropouts.map(\.name)).sorted().first {
            throw .incompatibleState(detail: "the state has a generator for '\(stray)', which is not a dropout node of this graph")
        }
        do { try optimizer.loadState(state.optimizer, for: graph.trainables) } catch {
            throw .incompatibleState(detail: "optimizer state: \(error.description)")
        }
        for parameter in graph.parameters { parameter.value = state.parameters[parameter.name] ?? parameter.value }
        for node in dropouts { node.generator = state.dropoutGenerators[node.name] ?? node.generator }
        optimizer.learningRate = state.learningRate
        (progress, history, pendingResume) = (state.progress, state.history, state)
    }
}

extension Trainer {
    /// Starts from given weights: assigns the tensors of a safetensors file (a weights file or a
    /// training checkpoint) to the graph's parameters (and buffers) by name. Only the values change: the
    /// optimizer state, progress and history are this trainer's (use `restore(_:)` to resume a run).
    /// - Throws: `CheckpointError` — the file's errors, `.parametersDoNotMatch` naming every
    ///   missing, unknown or mis-shaped tensor (then nothing is assigned).
    public func loadParameters(from path: String) throws(CheckpointError) {
        try ParameterAssignment.load(from: path, into: graph.parameters.map { ($0.name, $0) })
    }
}
