import GradFlowCore

/// The per-parameter buffers of one optimizer (momentum, first and second moments), keyed by the
/// parameter's identity.
///
/// A parameter's buffers are allocated, zero-filled, on its first update, as one array of
/// `slotNames.count × parameter.count` floats (slot `s`, element `i` at `s·count + i`); later
/// updates reuse them in place, so a steady-state step allocates nothing.
struct ParameterSlots {
    /// The names of the slots, in storage order, as they appear in exported state.
    let slotNames: [String]
    private var entries: [ObjectIdentifier: Entry] = [:]

    /// One parameter's buffers; a class, so that updating it in place never copies the storage
    /// (mutating a struct inside a dictionary can, which would allocate every step).
    private final class Entry {
        let name: String
        let shape: [Int]
        var step: Int
        var storage: [Float]

        init(name: String, shape: [Int], step: Int = 0, storage: [Float]) {
            self.name = name
            self.shape = shape
            self.step = step
            self.storage = storage
        }
    }

    init(slotNames: [String]) { self.slotNames = slotNames }

    /// Counts one more step for `parameter` and calls `body(value, gradient, slots, step)` with its
    /// value, its gradient and its slot buffers; `step` is 1 on the first update. Skips a parameter
    /// whose gradient does not match its value (it was never planned into a graph).
    mutating func update(_ parameter: Parameter, _ body: (UnsafeMutableBufferPointer<Float>,
                         UnsafeBufferPointer<Float>, UnsafeMutableBufferPointer<Float>, Int) -> Void) {
        let count = parameter.value.count
        guard count > 0, parameter.gradient.count == count else { return }
        let key = ObjectIdentifier(parameter)
        let entry: Entry
        if let existing = entries[key], existing.shape == parameter.value.shape {
            entry = existing
        } else {   // first use (or a new shape): allocate
            entry = Entry(name: parameter.name, shape: parameter.value.shape,
                          storage: [Float](repeating: 0, count: slotNames.count * count))
            entries[key] = entry
        }
        entry.step += 1
        let step = entry.step
        entry.storage.withUnsafeMutableBufferPointer { slots in
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in body(value, gradient, slots, step) }
            }
        }
    }

    /// The buffers and steps, keyed by parameter name.
    var state: OptimizerState {
        var result = OptimizerState()
        for entry in entries.values {
            let count = entry.shape.reduce(1, *)
            result.steps[entry.name] = entry.step
            for (index, slot) in slotNames.enumerated() {
                let scalars = Array(entry.storage[index * count ..< (index + 1) * count])
                result.tensors["\(entry.name).\(slot)"] = try? Tensor(shape: entry.shape, scalars: scalars)
            }
        }
        return result
    }

    /// Replaces every buffer with those in `state`, matched to `parameters` by name.
    /// - Throws: `OptimizerError.stateMismatch` (see `Optimizer.loadState(_:for:)`); on error the
    ///   current buffers are kept.
    mutating func load(_ state: OptimizerState, for parameters: [Parameter]) throws(OptimizerError) {
        var byName: [String: Parameter] = [:]
        for parameter in parameters {
            guard byName.updateValue(parameter, forKey: parameter.name) == nil else {
                throw .stateMismatch(key: parameter.name, detail: "two trainables are named '\(parameter.name)'; give parameters unique names")
            }
        }
        var loaded: [ObjectIdentifier: Entry] = [:]
        var used = 0
        for parameter in parameters {   // in the caller's order, so the first problem reported is stable
            let name = parameter.name
            let keys = slotNames.map { "\(name).\($0)" }
            guard let step = state.steps[name] else { continue }
            var storage: [Float] = []
            for key in keys {
                guard let tensor = state.tensors[key] else { throw .stateMismatch(key: key, detail: "the buffer is missing") }
                guard tensor.shape == parameter.value.shape else {
                    throw .stateMismatch(key: key, detail: "saved shape \(tensor.shape) but the parameter's is \(parameter.value.shape)")
                }
                storage += tensor.scalars
            }
            used += keys.count
            loaded[ObjectIdentifier(parameter)] = Entry(name: name, shape: parameter.value.shape, step: step, storage: storage)
        }
        if used != state.tensors.count || loaded.count != state.steps.count {
            let known = Set(loaded.values.flatMap { entry in slotNames.map { "\(entry.name).\($0)" } })
            let stray = state.tensors.keys.sorted().first { !known.contains($0) }
                ?? state.steps.keys.sorted().first { byName[$0] == nil } ?? "?"
            throw .stateMismatch(key: stray, detail: "it names no trainable parameter or slot (\(slotNames.joined(separator: ", "))) of this optimizer")
        }
        entries = loaded
    }
}

/// `base^exponent` by repeated squaring (exact enough for Adam's `β^t`, and free of libm).
func power(_ base: Double, _ exponent: Int) -> Double {
    var (result, factor, remaining) = (1.0, base, exponent)
    while remaining > 0 {
        if remaining & 1 == 1 { result *= factor }
        factor *= factor
        remaining >>= 1
    }
    return result
}
