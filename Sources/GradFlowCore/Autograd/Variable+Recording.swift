extension Variable {
    /// Records one operation: makes its node over the operands' nodes, infers its shape from the
    /// operands' values, plans its buffers, runs its forward pass, and returns the result. Under
    /// `noGrad` the result is a constant leaf with no history.
    /// - Throws: `AutogradError.shapeMismatch` when the operands do not fit, `.invalidValue` when
    ///   the node rejects its settings or data.
    static func record(_ operation: String, _ operands: [Variable], _ make: ([Node]) throws -> Node) throws(AutogradError) -> Variable {
        let shapes = operands.map(\.shape)
        do {
            let node = try make(operands.map(\.node))
            node.shape = try node.outputShape(for: shapes.map { SymbolicShape(fixed: $0) })
            let recording = GradientRecording.isEnabled
            node.needsGradient = recording && operands.contains { $0.node.needsGradient }
            let concrete = node.shape.resolved(batchSize: 0)
            node.value = Tensor.zeros(concrete)
            node.gradient = node.needsGradient ? Tensor.zeros(concrete) : Tensor.zeros([0])
            node.planScratchBuffers()
            node.plannedBatchSize = 0
            try node.forward()
            return recording ? Variable(recorded: node) : Variable(node.value)
        } catch let error as ShapeError {
            throw .shapeMismatch(operation: operation, shapes: shapes, detail: error.description)
        } catch let GraphError.shapeMismatch(_, detail) {
            throw .shapeMismatch(operation: operation, shapes: shapes, detail: detail)
        } catch let GraphError.invalidValue(_, detail) {
            throw .invalidValue(operation: operation, detail: detail)
        } catch {
            throw .invalidValue(operation: operation, detail: "\(error)")
        }
    }

    /// A constant leaf holding one number (the other operand of `2 * x`).
    static func constant(_ scalar: Float) -> Variable { Variable(Tensor(scalar)) }
}
