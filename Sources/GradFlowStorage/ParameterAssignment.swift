import GradFlowCore

/// The one routine that puts saved tensors into parameters by name (`gradflow eval/predict --weights`,
/// `gradflow train --init`, `Trainer.loadParameters`, `Sequential.load`).
///
/// Every parameter must have a tensor of its shape; tensors that name no parameter are an error too,
/// except those under `ignoredPrefixes` (a training checkpoint's `optimizer/`, `history/` tensors). All
/// problems are reported at once (`CheckpointError.parametersDoNotMatch`), and nothing is assigned
/// unless everything fits.
public enum ParameterAssignment {
    /// The prefixes of the non-parameter tensors a training checkpoint holds.
    public static let checkpointPrefixes = ["optimizer/", "history/"]

    /// Checks `tensors` against `parameters` and returns the assignments to make.
    /// - Throws: `CheckpointError.parametersDoNotMatch` naming every missing, extra and mis-shaped tensor.
    public static func plan(_ tensors: [String: Tensor], for parameters: [(name: String, parameter: Parameter)], file: String,
                            ignoredPrefixes: [String] = checkpointPrefixes) throws(CheckpointError) -> [(Parameter, Tensor)] {
        var missing: [String] = [], shapes: [String] = []
        var assignments: [(Parameter, Tensor)] = []
        for (name, parameter) in parameters {
            guard let tensor = tensors[name] else { missing.append(name); continue }
            guard tensor.shape == parameter.value.shape else {
                shapes.append("'\(name)': file \(tensor.shape), model \(parameter.value.shape)")
                continue
            }
            assignments.append((parameter, tensor))
        }
        let known = Set(parameters.map(\.name))
        let unexpected = tensors.keys.filter { key in !known.contains(key) && !ignoredPrefixes.contains { key.hasPrefix($0) } }.sorted()
        guard missing.isEmpty, unexpected.isEmpty, shapes.isEmpty else {
            throw .parametersDoNotMatch(file: file, missing: missing, unexpected: unexpected, shapes: shapes)
        }
        return assignments
    }

    /// Reads `path` — safetensors, or a numpy `.npz` archive (`np.savez(path, W1=…, b1=…)`: one
    /// array per parameter name, converted to `Float`) — and assigns its tensors to `parameters` by name.
    /// - Throws: the file errors of `Checkpoint.readContents` (an `.npz` file's as `.unreadable`
    ///   with the `NumpyError`'s message), `.parametersDoNotMatch`.
    public static func load(from path: String, into parameters: [(name: String, parameter: Parameter)],
                            limits: ResourceLimits = .default) throws(CheckpointError) {
        let tensors: [String: Tensor]
        if path.lowercased().hasSuffix(".npz") {
            do { tensors = try NPZArchive.read(path: path, limits: limits).mapValues(\.tensor) } catch {
                throw .unreadable(file: path, reason: error.description)
            }
        } else {
            tensors = try Checkpoint.readContents(from: path, limits: limits).tensors
        }
        for (parameter, tensor) in try plan(tensors, for: parameters, file: path) { parameter.value = tensor }
    }
}
