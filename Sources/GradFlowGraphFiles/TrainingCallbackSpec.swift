import GradFlowTraining

/// What a `train` statement asks for besides the optimizer, written as options after it:
///
/// ```
/// train sgd(lr: 0.1, momentum: 0.9) epochs 30 batch 64 schedule step_decay(step: 10, factor: 0.2)
///       warmup 2 clip_norm 5 callbacks [early_stopping(patience: 4, restore_best: true), reduce_lr(factor: 0.5)]
/// ```
/// (one line in the file). Schedules: `step_decay(step, factor)`, `cosine(period, min_lr)`,
/// `one_cycle(max_lr, warmup, div, final_div)` over the run's epochs, each starting from the
/// optimizer's `lr`; `warmup N` ramps linearly over the first N epochs from a tenth of the rate.
/// Callbacks: `early_stopping(monitor, patience, min_delta, restore_best)`, `reduce_lr(monitor,
/// factor, patience, min_delta, min_lr)`, `checkpoint(path, monitor)` (best-only weights, atomic),
/// `history(path)` (`.csv`, or JSON lines for `.jsonl`). `monitor` is `val_loss` (the default),
/// `val_metric` or `loss`. Paths are relative to the working directory.
public enum TrainingCallbackSpec: Equatable, Sendable {
    /// `early_stopping(…)`.
    case earlyStopping(monitor: MonitoredValue, patience: Int, minDelta: Float, restoreBest: Bool)
    /// `reduce_lr(…)`.
    case reduceLROnPlateau(monitor: MonitoredValue, factor: Float, patience: Int, minDelta: Float, minimum: Float)
    /// `checkpoint(…)`.
    case checkpoint(path: String, monitor: MonitoredValue)
    /// `history(…)`.
    case history(path: String)

    static let keywords: [String: [String]] = [
        "early_stopping": ["monitor", "patience", "min_delta", "restore_best"],
        "reduce_lr": ["monitor", "factor", "patience", "min_delta", "min_lr"],
        "checkpoint": ["path", "monitor"],
        "history": ["path"],
    ]

    /// Reads one item of a `callbacks [...]` list.
    init(_ expression: Expression) throws(GraphFileError) {
        let callee: Name
        if case .call(let call) = expression { callee = call.callee } else if case .name(let name) = expression { callee = name } else {
            throw GraphFileError(.unexpectedToken(expected: "a callback such as early_stopping(patience: 5)", found: expression.sourceText),
                                 at: expression.location)
        }
        guard let allowed = TrainingCallbackSpec.keywords[callee.text] else {
            throw GraphFileError(.unknownWord(category: "callback", word: callee.text,
                                              suggestion: Suggestion.nearest(to: callee.text, in: TrainingCallbackSpec.keywords.keys.sorted())),
                                 at: callee.location)
        }
        let arguments = try CallArguments(expression, keywords: allowed, positional: 0...0)
        let monitor = try TrainingCallbackSpec.monitor(arguments)
        switch callee.text {
        case "early_stopping":
            self = .earlyStopping(monitor: monitor, patience: try arguments.count("patience") ?? 5,
                                  minDelta: Float(try arguments.number("min_delta") ?? 0), restoreBest: try arguments.bool("restore_best") ?? false)
        case "reduce_lr":
            let factor = try arguments.number("factor") ?? 0.1
            guard factor > 0, factor < 1 else {
                throw GraphFileError(.invalidArgument("'factor' of 'reduce_lr' must be in (0, 1), not \(factor)"), at: callee.location)
            }
            self = .reduceLROnPlateau(monitor: monitor, factor: Float(factor), patience: try arguments.count("patience") ?? 10,
                                      minDelta: Float(try arguments.number("min_delta") ?? 0), minimum: Float(try arguments.number("min_lr") ?? 0))
        case "checkpoint":
            guard let path = try arguments.string("path") else {
                throw GraphFileError(.invalidArgument("'checkpoint' needs 'path: \"best.safetensors\"'"), at: callee.location)
            }
            self = .checkpoint(path: path, monitor: monitor)
        default:
            guard let path = try arguments.string("path") else {
                throw GraphFileError(.invalidArgument("'history' needs 'path: \"history.csv\"'"), at: callee.location)
            }
            self = .history(path: path)
        }
    }

    private static func monitor(_ arguments: CallArguments) throws(GraphFileError) -> MonitoredValue {
        guard let expression = arguments.value("monitor") else { return .validationLoss }
        let choices: [String: MonitoredValue] = ["val_loss": .validationLoss, "val_metric": .validationMetric, "loss": .loss]
        guard case .name(let word) = expression, let value = choices[word.text] else {
            throw GraphFileError(.unknownWord(category: "monitored value", word: expression.sourceText,
                                              suggestion: Suggestion.nearest(to: expression.sourceText, in: choices.keys.sorted())),
                                 at: expression.location)
        }
        return value
    }

    /// The library callback.
    public func make() -> any TrainingCallback {
        switch self {
        case let .earlyStopping(monitor, patience, minDelta, restoreBest):
            return EarlyStopping(monitor: monitor, patience: patience, minDelta: minDelta, restoreBest: restoreBest)
        case let .reduceLROnPlateau(monitor, factor, patience, minDelta, minimum):
            return ReduceLROnPlateau(monitor: monitor, factor: factor, patience: patience, minDelta: minDelta, minimum: minimum)
        case let .checkpoint(path, monitor): return ModelCheckpoint(path: path, monitor: monitor)
        case .history(let path): return HistoryLogger(path: path, format: path.hasSuffix(".jsonl") ? .jsonLines : .csv)
        }
    }
}

/// A `schedule …` option: how the learning rate moves over the epochs, from the optimizer's rate.
public enum ScheduleSpec: Equatable, Sendable {
    /// `step_decay(step, factor)`.
    case stepDecay(stepSize: Int, factor: Float)
    /// `cosine(period, min_lr)`.
    case cosine(period: Int, minimum: Float)
    /// `one_cycle(max_lr, warmup, div, final_div)`, over the run's epochs.
    case oneCycle(maximum: Float, warmupFraction: Float, divFactor: Float, finalDivFactor: Float)

    static let keywords: [String: [String]] = [
        "step_decay": ["step", "factor"], "cosine": ["period", "min_lr"], "one_cycle": ["max_lr", "warmup", "div", "final_div"],
    ]

    /// Reads the value of a `schedule` option.
    init(_ expression: Expression) throws(GraphFileError) {
        guard case .call(let call) = expression else {
            throw GraphFileError(.unexpectedToken(expected: "a schedule such as step_decay(step: 10, factor: 0.5)", found: expression.sourceText),
                                 at: expression.location)
        }
        guard let allowed = ScheduleSpec.keywords[call.callee.text] else {
            throw GraphFileError(.unknownWord(category: "schedule", word: call.callee.text,
                                              suggestion: Suggestion.nearest(to: call.callee.text, in: ScheduleSpec.keywords.keys.sorted())),
                                 at: call.callee.location)
        }
        let arguments = try CallArguments(expression, keywords: allowed, positional: 0...0)
        func required(_ name: String) throws(GraphFileError) -> Double {
            guard let value = try arguments.number(name) else {
                throw GraphFileError(.invalidArgument("'\(call.callee.text)' needs '\(name):'"), at: call.callee.location)
            }
            return value
        }
        switch call.callee.text {
        case "step_decay": self = .stepDecay(stepSize: Int(try required("step")), factor: Float(try arguments.number("factor") ?? 0.1))
        case "cosine": self = .cosine(period: Int(try required("period")), minimum: Float(try arguments.number("min_lr") ?? 0))
        default:
            self = .oneCycle(maximum: Float(try required("max_lr")), warmupFraction: Float(try arguments.number("warmup") ?? 0.3),
                             divFactor: Float(try arguments.number("div") ?? 25), finalDivFactor: Float(try arguments.number("final_div") ?? 1e4))
        }
    }

    /// The library schedule, from `learningRate` (the optimizer's) over `epochs`.
    /// - Throws: `OptimizerError` for values the library rejects.
    public func make(learningRate: Float, epochs: Int) throws -> any LearningRateSchedule {
        switch self {
        case let .stepDecay(stepSize, factor): return try StepDecay(initialLearningRate: learningRate, stepSize: stepSize, factor: factor)
        case let .cosine(period, minimum): return try CosineAnnealing(initialLearningRate: learningRate, minimumLearningRate: minimum, period: period)
        case let .oneCycle(maximum, warmup, div, finalDiv):
            return try OneCycle(maximum: maximum, total: epochs, warmupFraction: warmup, divFactor: div, finalDivFactor: finalDiv)
        }
    }
}

/// A constant rate (what `warmup N` ramps up to when no schedule is given).
struct ConstantRate: LearningRateSchedule {
    let rate: Float
    func learningRate(atEpoch epoch: Int) -> Float { rate }
}
