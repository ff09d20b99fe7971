/// Something that updates trainable parameters from their gradients after a backward pass
/// (MiniFlow's `sgd_update(trainables, lr)` is `SGD(learningRate: lr).update(trainables)`).
public protocol Optimizer: AnyObject {
    /// Updates each parameter's value in place from its `gradient`.
    func update(_ trainables: [Parameter])
}
