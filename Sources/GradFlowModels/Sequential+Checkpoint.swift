import GradFlowCore
import GradFlowStorage
import GradFlowTraining

extension Sequential {
    /// The prefix of optimizer buffers in a checkpoint: `optimizer/<parameter>.<slot>`.
    static let optimizerPrefix = "optimizer/"
    /// The metadata key prefix of optimizer step counts: `optimizer.step.<parameter>` → `"120"`.
    static let stepPrefix = "optimizer.step."

    /// Saves every named parameter to a safetensors file (written atomically), and the optimizer's
    /// buffers when asked.
    ///
    /// The file holds one F32 tensor per parameter under its name (`dense0.weight`, …); with
    /// `includeOptimizerState`, each optimizer buffer as `optimizer/<parameter>.<slot>`
    /// (`optimizer/dense0.weight.momentum`) and each step count as metadata
    /// `optimizer.step.<parameter>`; and metadata `gradflow.model` = `Sequential`,
    /// `gradflow.input_shape` = the example shape (`28,28`).
    /// - Throws: `CheckpointError.modelNotBuilt`, `.unwritable`.
    public func save(to path: String, includeOptimizerState: Bool = true) throws {
        guard let inputShape, graph != nil else { throw CheckpointError.modelNotBuilt }
        var tensors: [String: Tensor] = [:]
        for (name, parameter) in namedParameters { tensors[name] = parameter.value }
        var metadata = ["gradflow.model": "Sequential", "gradflow.input_shape": inputShape.map(String.init).joined(separator: ",")]
        if includeOptimizerState, let state = configuration?.optimizer.state {
            for (key, tensor) in state.tensors { tensors[Sequential.optimizerPrefix + key] = tensor }
            for (name, steps) in state.steps { metadata[Sequential.stepPrefix + name] = String(steps) }
        }
        try Checkpoint.write(tensors: tensors, metadata: metadata, to: path)
    }

    /// Loads the parameters saved by `save(to:)` (or any safetensors file with the same names and
    /// shapes), and the optimizer state it holds if the model is compiled.
    ///
    /// Everything is checked before anything is assigned: the file, every parameter present with
    /// its shape, no unknown tensors, and the optimizer state; on any error the model and its
    /// optimizer are unchanged.
    /// - Throws: `CheckpointError` (`.modelNotBuilt`, the file errors of `Checkpoint.readContents`,
    ///   `.parametersDoNotMatch` naming every missing, unknown or mis-shaped tensor, `.optimizerState`).
    public func load(from path: String) throws {
        guard graph != nil else { throw CheckpointError.modelNotBuilt }
        let contents = try Checkpoint.readContents(from: path)
        let assignments = try ParameterAssignment.plan(contents.tensors, for: namedParameters.map { ($0.0, $0.1) }, file: path,
                                                       ignoredPrefixes: [Sequential.optimizerPrefix])
        var state = OptimizerState()
        for (key, tensor) in contents.tensors where key.hasPrefix(Sequential.optimizerPrefix) {
            state.tensors[String(key.dropFirst(Sequential.optimizerPrefix.count))] = tensor
        }
        for (key, value) in contents.metadata where key.hasPrefix(Sequential.stepPrefix) {
            guard let steps = Int(value), steps >= 0 else {
                throw CheckpointError.invalidHeader(file: path, detail: "metadata '\(key)' is '\(value)', not a step count")
            }
            state.steps[String(key.dropFirst(Sequential.stepPrefix.count))] = steps
        }
        if let optimizer = configuration?.optimizer, !(state.tensors.isEmpty && state.steps.isEmpty) {
            do { try optimizer.loadState(state, for: parameters) } catch {
                throw CheckpointError.optimizerState(file: path, detail: error.description)
            }
        }
        for (parameter, tensor) in assignments { try parameter.value.assign(tensor) }
    }
}
