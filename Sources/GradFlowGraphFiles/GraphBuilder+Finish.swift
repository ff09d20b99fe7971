import GradFlowCore
import GradFlowTraining

extension GraphBuilder {
    /// Finds the loss and the output, and builds the `Graph`.
    /// - Throws: `GraphFileError.missingLoss`, `.lossNotScalar`, `.undefinedName` for a bad `output`.
    func finish(built: [(name: String, node: Node)], outputName: Name?, inputs: [Input], parameters: [Parameter],
                data: (source: DataSource, location: SourceLocation)?, training: TrainingSpec) throws(GraphFileError) -> Parts {
        guard let loss = nodes["loss"], let lossLocation = declared["loss"] else {
            throw GraphFileError(.missingLoss, at: endLocation)
        }
        let lossShape = shapes[ObjectIdentifier(loss)] ?? loss.shape
        guard lossShape.isEmpty else { throw GraphFileError(.lossNotScalar(shape: lossShape.text), at: lossLocation) }
        let output: Node
        if let outputName {
            guard let named = nodes[outputName.text] else {
                throw GraphFileError(.undefinedName(outputName.text, suggestion: Suggestion.nearest(to: outputName.text, in: Array(nodes.keys).sorted())),
                                     at: outputName.location)
            }
            output = named
        } else {
            output = defaultOutput(of: loss)
        }
        let graph: Graph
        do {
            graph = try Graph(outputs: built.map(\.node) + [output], loss: loss)
        } catch let error as GraphError {
            throw GraphFileError(.invalidArgument("\(error)"), at: lossLocation)
        } catch {
            throw GraphFileError(.runtime("\(error)"), at: lossLocation)
        }
        return Parts(graph: graph, loss: loss, output: output, inputs: inputs, parameters: parameters, assignments: built,
                     data: data, training: training, locations: locations)
    }

    /// The loss's first operand that is neither an input nor a scalar, searching through scalar
    /// operands breadth-first (so `add(softmax_ce(logits, y), l2(W))` gives `logits`); the loss
    /// itself when there is none.
    private func defaultOutput(of loss: Node) -> Node {
        var queue = [loss], head = 0
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(loss)]
        while head < queue.count {
            let node = queue[head]
            head += 1
            for operand in node.inboundNodes where !(operand is Input) && seen.insert(ObjectIdentifier(operand)).inserted {
                if !(shapes[ObjectIdentifier(operand)] ?? operand.shape).isEmpty { return operand }
                queue.append(operand)
            }
        }
        return loss
    }

    /// `pytorch` on a bias vector means PyTorch's `nn.Linear` rule, U(±1/√fan_in) with the fan-in of
    /// the layer that adds it, which is known only once the graph is built: each such vector, drawn
    /// as U(±1/√n) for its own length n, is scaled by √(n / fan_in) when a `linear` takes it as its
    /// bias (its weight `[fan_in, out]`). A vector not used as a bias keeps its own length as fan-in.
    static func rescalePyTorchBiases(_ vectors: [Parameter], in roots: [Node]) {
        guard !vectors.isEmpty else { return }
        var seen = Set<ObjectIdentifier>(), stack = roots, linears: [Linear] = []
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if let linear = node as? Linear { linears.append(linear) }
            stack.append(contentsOf: node.inboundNodes)
        }
        for bias in vectors {
            guard let layer = linears.first(where: { $0.inboundNodes.count == 3 && $0.inboundNodes[2] === bias }),
                  case .fixed(let fanIn)? = layer.inboundNodes[1].shape.first, fanIn > 0 else { continue }
            bias.value = bias.value * (Float(bias.value.count) / Float(fanIn)).squareRoot()
        }
    }
}
