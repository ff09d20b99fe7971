import Foundation
import GradFlowCore
import GradFlowData

/// Where a graph file's examples come from (its `data` statement).
///
/// - `xor`: the four XOR points, features `[4, 2]`, targets `[4, 1]` (evaluated on the same points).
/// - `line` or `line(count: 200, noise: 0.1)`: y = 2x + 1 + noise for x in [−1, 1), features and
///   targets `[n, 1]`, 20% held out.
/// - `csv("data/iris.csv", target: "species", standardize: true, standardize_target: false, test: 0.2)`:
///   a numeric CSV file (path relative to the graph file); `standardize` fits a `Standardizer` on the
///   training rows and applies it to both sets; `standardize_target` does the same to the target.
/// - `mnist` or `mnist("dir")`: the MNIST IDX files (default directory: `$GRADFLOW_MNIST`).
public enum DataSource: Equatable, Sendable {
    /// The XOR truth table.
    case xor
    /// Noisy points on y = 2x + 1.
    case line(count: Int, noise: Float)
    /// A CSV file; one target column gives labels `[examples]`, several `[examples, targets]`.
    case csv(path: String, targets: [String], standardize: Bool, standardizeTarget: Bool, testFraction: Double)
    /// The MNIST digits.
    case mnist(directory: String?)

    /// The built-in source names, for suggestions.
    static let names = ["xor", "line", "csv", "mnist"]

    /// Where the examples come from, for messages: the CSV file, the MNIST directory, or the built-in name.
    public var origin: String {
        switch self {
        case .xor: return "the built-in xor data"
        case .line: return "the built-in line data"
        case .csv(let path, _, _, _, _): return path
        case .mnist(let directory): return "MNIST (\(directory ?? "$GRADFLOW_MNIST"))"
        }
    }

    /// Reads a `data` statement's expression; relative paths are resolved against `directory`.
    /// - Throws: `GraphFileError` for an unknown source or bad arguments.
    init(_ expression: Expression, directory: String) throws(GraphFileError) {
        let callee: Name
        switch expression {
        case .name(let name): callee = name
        case .call(let call): callee = call.callee
        default:
            throw GraphFileError(.unexpectedToken(expected: "a data source (xor, line, csv(…), mnist)", found: expression.sourceText),
                                 at: expression.location)
        }
        switch callee.text {
        case "xor":
            _ = try CallArguments(expression, keywords: [], positional: 0...0)
            self = .xor
        case "line":
            let arguments = try CallArguments(expression, keywords: ["count", "noise"], positional: 0...0)
            let count = try arguments.count("count") ?? 200
            guard (5...10_000_000).contains(count) else {
                throw GraphFileError(.invalidArgument("'count' of 'line' must be between 5 and 10000000"), at: callee.location)
            }
            self = .line(count: count, noise: Float(try arguments.number("noise") ?? 0.1))
        case "csv":
            let arguments = try CallArguments(expression, keywords: ["path", "target", "standardize", "standardize_target", "test"],
                                              positional: 1...1)
            guard let path = try arguments.string("path", orPosition: 0), let targets = try arguments.strings("target") else {
                throw GraphFileError(.invalidArgument("csv needs a path and a target column: csv(\"data/iris.csv\", target: \"species\") "
                                                      + "(or several: target: [\"a\", \"b\"])"), at: callee.location)
            }
            let test = try arguments.number("test") ?? 0.2
            guard test >= 0, test < 1 else {
                throw GraphFileError(.invalidArgument("'test' of 'csv' must be a fraction in [0, 1)"), at: callee.location)
            }
            self = .csv(path: DataSource.resolve(path, against: directory), targets: targets,
                        standardize: try arguments.bool("standardize") ?? false,
                        standardizeTarget: try arguments.bool("standardize_target") ?? false, testFraction: test)
        case "mnist":
            let arguments = try CallArguments(expression, keywords: ["dir"], positional: 0...1)
            self = .mnist(directory: try arguments.string("dir", orPosition: 0).map { DataSource.resolve($0, against: directory) })
        default:
            throw GraphFileError(.unknownWord(category: "data source", word: callee.text,
                                              suggestion: Suggestion.nearest(to: callee.text, in: DataSource.names)),
                                 at: callee.location)
        }
    }

    /// `path` itself when absolute, else `directory/path`.
    static func resolve(_ path: String, against directory: String) -> String {
        path.hasPrefix("/") || directory.isEmpty ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).path
    }
}

/// Examples loaded from a `DataSource`, with the scalers fitted on the training rows.
public struct LoadedData: Sendable {
    /// The training examples (already standardised when asked for).
    public var train: Dataset
    /// The held-out examples (for `xor`, the same four points).
    public var test: Dataset
    /// The feature standardiser fitted on `train`, if `standardize: true`.
    public var featureScaler: Standardizer?
    /// The target standardiser fitted on `train`, if `standardize_target: true`.
    public var targetScaler: Standardizer?

    /// Loaded data with these parts (no scalers unless set).
    public init(train: Dataset, test: Dataset) {
        (self.train, self.test) = (train, test)
    }
}


extension DataSource {
    /// Loads the examples; `seed` drives the noise of `line` and the train/test split. With `labels`,
    /// every label is checked first and a bad one is reported with its file and line (CSV) or
    /// example index (MNIST).
    /// - Throws: `DataError` from the readers (missing file, bad CSV, missing MNIST directory),
    ///   `.unusableLabel`.
    public func load(seed: UInt64, labels rule: LabelRule? = nil) throws -> LoadedData {
        var generator = RandomGenerator(seed: seed)
        switch self {
        case .xor:
            let xor = try Dataset(features: try Tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), labels: try Tensor([[0], [1], [1], [0]]))
            return LoadedData(train: xor, test: xor)
        case let .line(count, noise):
            let xs = Tensor.randomUniform([count, 1], lower: -1, upper: 1, using: &generator)
            let ys = try xs * 2 + 1 + Tensor.randomNormal([count, 1], standardDeviation: noise, using: &generator)
            let (train, test) = try Dataset(features: xs, labels: ys).split(testFraction: 0.2, using: &generator)
            return LoadedData(train: train, test: test)
        case let .csv(path, targets, standardize, standardizeTarget, testFraction):
            let all = targets.count == 1 ? try CSVReader.load(path: path, target: targets[0]) : try CSVReader.load(path: path, targets: targets)
            if let rule, let index = all.labels.scalars.firstIndex(where: { !rule.accepts($0) }) {
                let row = index / targets.count
                let place = CSVReader.lineNumber(ofRow: row, path: path).map(String.init) ?? "row \(row + 1)"
                throw DataError.unusableLabel(file: path, place: place, value: all.labels.scalars[index],
                                              expected: rule.expected + " (column '\(targets[index % targets.count])')")
            }
            var (train, test) = testFraction > 0 && all.count >= 2 ? all.split(testFraction: testFraction, using: &generator) : (all, all)
            var result = LoadedData(train: train, test: test)
            if standardize {
                let scaler = try Standardizer.fit(train.features)
                (train, test) = (try scaler.transformFeatures(of: train), try scaler.transformFeatures(of: test))
                result.featureScaler = scaler
            }
            if standardizeTarget {
                let scaler = try Standardizer.fit(train.labels)
                train.labels = try scaler.transform(train.labels)
                test.labels = try scaler.transform(test.labels)
                result.targetScaler = scaler
            }
            (result.train, result.test) = (train, test)
            return result
        case .mnist(let directory):
            let (train, test) = try MNIST.load(directory: directory)
            if let rule {
                for (set, name) in [(train, "train-labels-idx1-ubyte"), (test, "t10k-labels-idx1-ubyte")] {
                    if let index = set.labels.scalars.firstIndex(where: { !rule.accepts($0) }) {
                        throw DataError.unusableLabel(file: name, place: "label \(index)", value: set.labels.scalars[index], expected: rule.expected)
                    }
                }
            }
            return LoadedData(train: train, test: test)
        }
    }
}
