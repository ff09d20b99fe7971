import GradFlowCore

/// The state of one model build: layer names, the shapes inferred so far, the random numbers for
/// new parameters, and a record of every layer applied (what `summary()` prints).
///
/// Layers receive it in `makeNodes(_:context:)`. Names are given in order of first use: the first
/// `Dense` of a scope is `dense0`, the next `dense1`; a layer inside a block gets the block's name as
/// a prefix (`mlp0.dense1`), and its parameters are named `<layer>.<parameter>` (`dense0.weight`).
/// A layer instance applied twice keeps its first name and its parameters.
public final class LayerContext {
    /// The source of random numbers for parameters created during this build (seeded by the model).
    public var generator: RandomGenerator
    /// One entry per layer application, in order (nested layers after their block).
    public private(set) var records: [LayerRecord] = []

    /// Every layer applied, by full name.
    private(set) var layersByName: [String: any Layer] = [:]
    private var scopes: [NameScope] = [NameScope(prefix: "")]
    private var names: [ObjectIdentifier: String] = [:]
    private var owners: [String: ObjectIdentifier] = [:]
    private var shapes: [ObjectIdentifier: SymbolicShape] = [:]

    /// Creates a build context whose new parameters draw from `generator`.
    public init(generator: RandomGenerator) { self.generator = generator }

    /// The full name of the layer being built (`dense0`, `mlp0.dense1`); empty outside any layer.
    public var layerName: String { scopes.last?.prefix ?? "" }

    /// The name for a parameter of the layer being built: `dense0.weight` for `"weight"`.
    public func parameterName(_ shortName: String) -> String {
        layerName.isEmpty ? shortName : layerName + "." + shortName
    }

    /// Names `layer` (on its first use), lets it add its nodes, and records its output shape and
    /// the number of parameters it uses.
    /// - Returns: the layer's output node.
    /// - Throws: `ModelError` from the layer; `.duplicateLayerName` when two different layers would
    ///   share one name.
    public func apply(_ layer: any Layer, to input: Node) throws -> Node {
        let key = ObjectIdentifier(layer)
        let name: String
        if let known = names[key] {
            name = known
        } else {
            name = scopes[scopes.count - 1].nextName(for: layer)
            guard owners[name] == nil else { throw ModelError.duplicateLayerName(name) }
            owners[name] = key
            names[key] = name
        }
        let depth = scopes.count - 1
        let position = records.count
        scopes.append(NameScope(prefix: name))
        defer { scopes.removeLast() }
        let output = try layer.makeNodes(input, context: self)
        let shape = try self.shape(of: output)
        let count = LayerContext.parameters(between: input, and: output).reduce(0) { $0 + $1.value.count }
        records.insert(LayerRecord(name: name, typeName: String(describing: type(of: layer)), depth: depth,
                                   outputShape: shape, parameterCount: count), at: position)
        layersByName[name] = layer
        return output
    }

    /// The shape of `node`, inferred with the nodes' own `outputShape(for:)` (the same rule the
    /// graph applies when it is built), with `.batch` for the batch dimension.
    /// - Throws: `ModelError.shapeMismatch` naming the layer being built when operands do not fit.
    public func shape(of node: Node) throws -> SymbolicShape {
        if node is Input { return node.shape }
        if let known = shapes[ObjectIdentifier(node)] { return known }
        var operands: [SymbolicShape] = []
        for inbound in node.inboundNodes { operands.append(try shape(of: inbound)) }
        do {
            let result = try node.outputShape(for: operands)
            shapes[ObjectIdentifier(node)] = result
            return result
        } catch let error as GraphError {
            throw ModelError.shapeMismatch(layer: layerName, detail: error.description)
        } catch {
            throw ModelError.shapeMismatch(layer: layerName, detail: "\(error)")
        }
    }

    /// The parameters `output` depends on without going through `input`, each once.
    static func parameters(between input: Node, and output: Node) -> [Parameter] {
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(input)]
        var stack: [Node] = [output]
        var found: [Parameter] = []
        while let node = stack.popLast() {
            guard seen.insert(ObjectIdentifier(node)).inserted else { continue }
            if let parameter = node as? Parameter { found.append(parameter) }
            stack.append(contentsOf: node.inboundNodes)
        }
        return found
    }
}

/// What one layer application produced, for summaries.
public struct LayerRecord: Equatable, Sendable {
    /// The layer's full name (`dense0`, `mlp0.dense1`).
    public var name: String
    /// The layer's type (`Dense`, `DropoutLayer`, a user's `MLP`, …).
    public var typeName: String
    /// 0 for the model's own layers, 1 for layers inside a block, and so on.
    public var depth: Int
    /// The output shape, with `batch` first.
    public var outputShape: SymbolicShape
    /// The number of parameter elements the layer uses (a block counts its sub-layers').
    public var parameterCount: Int
}

/// Automatic names within one scope (the model, or one block): `kind` plus a per-kind counter.
struct NameScope {
    let prefix: String
    private var counters: [String: Int] = [:]

    init(prefix: String) { self.prefix = prefix }

    /// The next name for `layer`: its own `name` if it has one, else `kind` and a number.
    mutating func nextName(for layer: any Layer) -> String {
        let base: String
        if let chosen = layer.name {
            base = chosen
        } else {
            let number = counters[layer.kind, default: 0]
            counters[layer.kind] = number + 1
            base = "\(layer.kind)\(number)"
        }
        return prefix.isEmpty ? base : prefix + "." + base
    }
}
