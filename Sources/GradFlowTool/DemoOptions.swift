import GradFlow

/// A command-line mistake: the message says what was wrong; the tool exits with code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
}

/// The optimizers a demo can be trained with (`--optimizer NAME`).
enum OptimizerChoice: String, CaseIterable {
    case sgd, adam

    /// The optimizer with `learningRate`, or this optimizer's usual default (SGD 0.1, Adam 0.001).
    func make(learningRate: Float?) throws -> any Optimizer {
        switch self {
        case .sgd: return try SGD(learningRate: learningRate ?? 0.1)
        case .adam: return try Adam(learningRate: learningRate ?? 0.001)
        }
    }
}

/// How the learning rate changes over the epochs (`--schedule NAME`).
enum ScheduleChoice: String, CaseIterable {
    /// The same rate every epoch.
    case constant
    /// Cosine annealing from the initial rate to 0 over the run (PyTorch's `CosineAnnealingLR`).
    case cosine
    /// The rate divided by 10 after half of the epochs, and again after three quarters.
    case step

    /// Makes `trainer` set `optimizer.learningRate` before each epoch after the first.
    func install(on trainer: Trainer, epochs: Int) throws {
        let optimizer = trainer.optimizer
        let initial = optimizer.learningRate
        let schedule: (any LearningRateSchedule)?
        switch self {
        case .constant: schedule = nil
        case .cosine: schedule = try CosineAnnealing(initialLearningRate: initial, period: epochs)
        case .step: schedule = try StepDecay(initialLearningRate: initial, stepSize: max(epochs / 2, 1), factor: 0.1)
        }
        guard let schedule else { return }
        trainer.epochEnded = { epoch, _ in optimizer.learningRate = schedule.learningRate(atEpoch: epoch) }
    }
}

/// The flags shared by the demos: `--epochs N --optimizer sgd|adam --schedule constant|cosine|step --lr X --batch N --seed N
/// --mnist DIR --data PATH`. A demo uses the ones that apply and its own defaults for the rest.
struct DemoOptions {
    var epochs: Int?
    var optimizer: OptimizerChoice = .sgd
    var schedule: ScheduleChoice?
    var learningRate: Float?
    var batchSize: Int?
    var seed: UInt64?
    var mnistDirectory: String?
    var dataPath: String?

    static let flags = ["--epochs", "--optimizer", "--schedule", "--lr", "--batch", "--seed", "--mnist", "--data"]

    /// Parses flag–value pairs.
    /// - Throws: `UsageError` for an unknown flag (with a suggestion), a missing value, or a value
    ///   that is not valid for its flag.
    init(parsing arguments: [String]) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let flag = arguments[index]
            guard DemoOptions.flags.contains(flag) else {
                let hint = Suggestion.nearest(to: flag, in: DemoOptions.flags).map { "; did you mean '\($0)'?" } ?? ""
                throw UsageError(description: "unknown option '\(flag)'\(hint) (options: \(DemoOptions.flags.joined(separator: ", ")))")
            }
            guard index + 1 < arguments.count else { throw UsageError(description: "option '\(flag)' needs a value") }
            let value = arguments[index + 1]
            switch flag {
            case "--epochs": epochs = try positive(Int(value), flag, value)
            case "--batch": batchSize = try positive(Int(value), flag, value)
            case "--seed":
                guard let number = UInt64(value) else { throw UsageError(description: "--seed expects a whole number ≥ 0, got '\(value)'") }
                seed = number
            case "--lr":
                guard let rate = Float(value), rate > 0, rate.isFinite else {
                    throw UsageError(description: "--lr expects a positive number, got '\(value)'")
                }
                learningRate = rate
            case "--optimizer":
                guard let choice = OptimizerChoice(rawValue: value.lowercased()) else {
                    let names = OptimizerChoice.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError(description: "unknown optimizer '\(value)'; choose one of \(names)")
                }
                optimizer = choice
            case "--schedule":
                guard let choice = ScheduleChoice(rawValue: value.lowercased()) else {
                    let names = ScheduleChoice.allCases.map(\.rawValue).joined(separator: ", ")
                    throw UsageError(description: "unknown schedule '\(value)'; choose one of \(names)")
                }
                schedule = choice
            case "--mnist": mnistDirectory = value
            default: dataPath = value
            }
            index += 2
        }
    }

    private func positive(_ number: Int?, _ flag: String, _ text: String) throws(UsageError) -> Int {
        guard let number, number >= 1 else { throw UsageError(description: "\(flag) expects a whole number ≥ 1, got '\(text)'") }
        return number
    }
}
