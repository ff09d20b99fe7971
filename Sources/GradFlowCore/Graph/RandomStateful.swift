/// A node that draws random numbers from a generator of its own (dropout's masks): checkpoints save
/// and restore the generator by node name, so a resumed run draws what the uninterrupted one would.
public protocol RandomStateful: Node {
    /// The node's random source.
    var generator: RandomGenerator { get set }
}
