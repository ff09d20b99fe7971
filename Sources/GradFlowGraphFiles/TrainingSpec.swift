import GradFlowTraining

/// How a graph file trains (its `train` statement):
/// `train sgd(lr: 0.1, momentum: 0.9) epochs 20 batch 32 seed 7 metric accuracy`.
///
/// Optimizers: `sgd(lr, momentum, nesterov, weight_decay)`, `adam(lr, beta1, beta2, eps,
/// weight_decay)`, `adamw(…)` (as adam, decoupled decay, default weight_decay 0.01),
/// `rmsprop(lr, alpha, eps, weight_decay)`. Options: `epochs` (default 10), `batch` (32), `seed` (0),
/// `metric` (`accuracy`, `r2`, `mse`, `mae`; default accuracy for softmax_ce/bce losses, else r2),
/// `schedule`, `warmup`, `clip_norm`, `clip_value` and `callbacks` (see `TrainingCallbackSpec`).
public struct TrainingSpec: Equatable, Sendable {
    /// The optimizer's name (`sgd`, `adam`, `adamw`, `rmsprop`).
    public var optimizer: String
    /// Its hyper-parameters by keyword (`lr`, `momentum`, …); absent ones take the library's defaults.
    public var hyperparameters: [String: Double]
    /// Passes over the training data.
    public var epochs: Int
    /// Examples per step.
    public var batchSize: Int
    /// Seeds parameter initialisation, the train/test split and the shuffles.
    public var seed: UInt64
    /// The validation metric, if chosen in the file.
    public var metric: Metric?
    /// Where the `train` statement is (nil when the file has none and defaults are used).
    public var location: SourceLocation?
    /// The learning-rate schedule (`schedule …`), if any.
    public var schedule: ScheduleSpec?
    /// Epochs of linear warm-up in front of the schedule (`warmup N`; 0: none).
    public var warmupEpochs = 0
    /// Gradient clipping (`clip_norm X` or `clip_value X`), if any.
    public var clipping: GradientClipping?
    /// The callbacks (`callbacks [...]`), in order.
    public var callbacks: [TrainingCallbackSpec] = []

    /// The defaults used when a file has no `train` statement: SGD with lr 0.01.
    public static let defaults = TrainingSpec(optimizer: "sgd", hyperparameters: ["lr": 0.01], epochs: 10,
                                              batchSize: 32, seed: 0, metric: nil, location: nil)

    /// Creates settings from their parts.
    public init(optimizer: String, hyperparameters: [String: Double], epochs: Int, batchSize: Int, seed: UInt64,
                metric: Metric?, location: SourceLocation?) {
        self.optimizer = optimizer
        self.hyperparameters = hyperparameters
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.metric = metric
        self.location = location
    }

    static let optimizerKeywords: [String: [String]] = [
        "sgd": ["lr", "momentum", "nesterov", "weight_decay"],
        "adam": ["lr", "beta1", "beta2", "eps", "weight_decay"],
        "adamw": ["lr", "beta1", "beta2", "eps", "weight_decay"],
        "rmsprop": ["lr", "alpha", "eps", "weight_decay"],
    ]
    static let options = ["epochs", "batch", "seed", "metric", "schedule", "warmup", "clip_norm", "clip_value", "callbacks"]
    static let metrics: [String: Metric] = ["accuracy": .accuracy, "binary_accuracy": .binaryAccuracy, "r2": .rSquared,
                                            "mse": .meanSquaredError, "mae": .meanAbsoluteError]

    /// Reads a `train` statement.
    /// - Throws: `GraphFileError` for an unknown optimizer, keyword, option or metric, or a bad value.
    init(optimizer expression: Expression, options: [(name: Name, value: Expression)], at location: SourceLocation) throws(GraphFileError) {
        let callee: Name
        if case .call(let call) = expression { callee = call.callee } else if case .name(let name) = expression { callee = name } else {
            throw GraphFileError(.unexpectedToken(expected: "an optimizer such as sgd(lr: 0.1)", found: expression.sourceText), at: expression.location)
        }
        guard let allowed = TrainingSpec.optimizerKeywords[callee.text] else {
            throw GraphFileError(.unknownWord(category: "optimizer", word: callee.text,
                                              suggestion: Suggestion.nearest(to: callee.text, in: TrainingSpec.optimizerKeywords.keys.sorted())),
                                 at: callee.location)
        }
        let arguments = try CallArguments(expression, keywords: allowed, positional: 0...0)
        var values: [String: Double] = [:]
        for keyword in allowed where keyword != "nesterov" {
            if let value = try arguments.number(keyword) { values[keyword] = value }
        }
        if let nesterov = try arguments.bool("nesterov") { values["nesterov"] = nesterov ? 1 : 0 }
        self = TrainingSpec.defaults
        self.optimizer = callee.text
        self.hyperparameters = values
        self.location = location
        try apply(options)
        let optimizer = try makeOptimizer()   // the library validates the hyper-parameters now, so errors point here
        _ = try makeCallbacks(learningRate: optimizer.learningRate, epochs: epochs)
    }

    private mutating func apply(_ options: [(name: Name, value: Expression)]) throws(GraphFileError) {
        var seen = Set<String>()
        for (name, value) in options {
            guard seen.insert(name.text).inserted else { throw GraphFileError(.duplicateKeyword(name.text), at: name.location) }
            switch name.text {
            case "epochs", "batch":
                let count = try CallArguments.count(value, describing: "'\(name.text)'")
                guard count >= 1, count <= 100_000_000 else {
                    throw GraphFileError(.invalidArgument("'\(name.text)' must be between 1 and 100000000"), at: value.location)
                }
                if name.text == "epochs" { epochs = count } else { batchSize = count }
            case "seed":
                seed = UInt64(try CallArguments.count(value, describing: "'seed'"))
            case "metric":
                guard case .name(let word) = value, let chosen = TrainingSpec.metrics[word.text] else {
                    let text = value.sourceText
                    throw GraphFileError(.unknownWord(category: "metric", word: text,
                                                      suggestion: Suggestion.nearest(to: text, in: TrainingSpec.metrics.keys.sorted())),
                                         at: value.location)
                }
                metric = chosen
            case "schedule":
                schedule = try ScheduleSpec(value)
            case "warmup":
                warmupEpochs = try CallArguments.count(value, describing: "'warmup'")
                guard warmupEpochs >= 1 else { throw GraphFileError(.invalidArgument("'warmup' must be at least 1 epoch"), at: value.location) }
            case "clip_norm", "clip_value":
                let limit = try CallArguments.number(value, describing: "'\(name.text)'")
                guard limit > 0, limit.isFinite else {
                    throw GraphFileError(.invalidArgument("'\(name.text)' must be a positive number, not \(value.sourceText)"), at: value.location)
                }
                guard clipping == nil else { throw GraphFileError(.invalidArgument("give one of 'clip_norm' and 'clip_value'"), at: name.location) }
                clipping = name.text == "clip_norm" ? .norm(Float(limit)) : .value(Float(limit))
            case "callbacks":
                guard case .list(let items, _) = value else {
                    throw GraphFileError(.unexpectedToken(expected: "a list such as [early_stopping(patience: 5)]", found: value.sourceText),
                                         at: value.location)
                }
                for item in items { callbacks.append(try TrainingCallbackSpec(item)) }
            default:
                throw GraphFileError(.unknownWord(category: "training option", word: name.text,
                                                  suggestion: Suggestion.nearest(to: name.text, in: TrainingSpec.options)),
                                     at: name.location)
            }
        }
    }

    /// The trainer callbacks of the statement: the schedule (with its warm-up) first, as a
    /// `LearningRateScheduler`, then `callbacks` in order.
    /// - Throws: `GraphFileError.invalidArgument` (at the `train` statement) when the library rejects a value.
    public func makeCallbacks(learningRate: Float, epochs: Int) throws(GraphFileError) -> [any TrainingCallback] {
        var result: [any TrainingCallback] = []
        do {
            var rate: (any LearningRateSchedule)? = try schedule?.make(learningRate: learningRate, epochs: epochs)
            if warmupEpochs > 0 { rate = try LinearWarmup(epochs: warmupEpochs, then: rate ?? ConstantRate(rate: learningRate)) }
            if let rate { result.append(LearningRateScheduler(rate)) }
        } catch {
            throw GraphFileError(.invalidArgument("schedule: \(error)"), at: location ?? SourceLocation(file: "<defaults>", line: 1, column: 1))
        }
        return result + callbacks.map { $0.make() }
    }

    /// A new optimizer with these hyper-parameters.
    /// - Throws: `GraphFileError.invalidArgument` (at the `train` statement) when the library rejects one.
    public func makeOptimizer() throws(GraphFileError) -> any Optimizer {
        let h = hyperparameters
        func value(_ key: String, _ fallback: Float) -> Float { h[key].map { Float($0) } ?? fallback }
        do {
            switch optimizer {
            case "adam":
                return try Adam(learningRate: value("lr", 0.001), beta1: value("beta1", 0.9), beta2: value("beta2", 0.999),
                                epsilon: value("eps", 1e-8), weightDecay: value("weight_decay", 0))
            case "adamw":
                return try AdamW(learningRate: value("lr", 0.001), beta1: value("beta1", 0.9), beta2: value("beta2", 0.999),
                                 epsilon: value("eps", 1e-8), weightDecay: value("weight_decay", 0.01))
            case "rmsprop":
                return try RMSProp(learningRate: value("lr", 0.01), alpha: value("alpha", 0.99), epsilon: value("eps", 1e-8),
                                   weightDecay: value("weight_decay", 0))
            default:
                return try SGD(learningRate: value("lr", 0.01), momentum: value("momentum", 0), nesterov: (h["nesterov"] ?? 0) != 0,
                               weightDecay: value("weight_decay", 0))
            }
        } catch {
            throw GraphFileError(.invalidArgument("\(error)"), at: location ?? SourceLocation(file: "<defaults>", line: 1, column: 1))
        }
    }
}
