import Foundation
import GradFlowCore
import GradFlowData
import GradFlowStorage

/// Where a graph file's examples come from (its `data` statement).
///
/// - `xor`: the four XOR points, features `[4, 2]`, targets `[4, 1]` (evaluated on the same points).
/// - `line` or `line(count: 200, noise: 0.1)`: y = 2x + 1 + noise for x in [−1, 1), features and
///   targets `[n, 1]`, 20% held out.
/// - `csv("data/iris.csv", target: "species", standardize: true, standardize_target: false, test: 0.2)`:
///   a numeric CSV file (path relative to the graph file); `standardize` fits a `Standardizer` on the
///   training rows and applies it to both sets; `standardize_target` does the same to the target.
/// - `mnist` or `mnist("dir")`: the MNIST IDX files (default directory: `$GRADFLOW_MNIST`).
/// - `npy("x.npy", "y.npy", test: 0.2)`: features and labels from two numpy files (`np.save`); the
///   first axis counts examples, further axes are flattened row-major (images `[n, 1, 28, 28]` feed
///   `input X [batch, 1, 28, 28]`).
/// - `npz("data.npz", features: "x", labels: "y", test: 0.2)`: the same from one `np.savez` archive.
public enum DataSource: Equatable, Sendable {
    /// The XOR truth table.
    case xor
    /// Noisy points on y = 2x + 1.
    case line(count: Int, noise: Float)
    /// A CSV file; one target column gives labels `[examples]`, several `[examples, targets]`.
    case csv(path: String, targets: [String], standardize: Bool, standardizeTarget: Bool, testFraction: Double)
    /// The MNIST digits.
    case mnist(directory: String?)
    /// Two `.npy` files.
    case npy(features: String, labels: String, testFraction: Double)
    /// Two arrays of an `.npz` archive.
    case npz(path: String, features: String, labels: String, testFraction: Double)

    /// The built-in source names, for suggestions.
    static let names = ["xor", "line", "csv", "mnist", "npy", "npz"]

    /// Where the examples come from, for messages: the CSV file, the MNIST directory, or the built-in name.
    public var origin: String {
        switch self {
        case .xor: return "the built-in xor data"
        case .line: return "the built-in line data"
        case .csv(let path, _, _, _, _): return path
        case .mnist(let directory): return "MNIST (\(directory ?? "$GRADFLOW_MNIST"))"
        case let .npy(features, labels, _): return "\(features) and \(labels)"
        case let .npz(path, _, _, _): return path
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
        case "npy":
            let arguments = try CallArguments(expression, keywords: ["features", "labels", "test"], positional: 2...2)
            guard let features = try arguments.string("features", orPosition: 0), let labels = try arguments.string("labels", orPosition: 1) else {
                throw GraphFileError(.invalidArgument("npy needs two files: npy(\"x.npy\", \"y.npy\")"), at: callee.location)
            }
            self = .npy(features: DataSource.resolve(features, against: directory), labels: DataSource.resolve(labels, against: directory),
                        testFraction: try DataSource.testFraction(arguments, of: "npy", at: callee))
        case "npz":
            let arguments = try CallArguments(expression, keywords: ["path", "features", "labels", "test"], positional: 1...1)
            guard let path = try arguments.string("path", orPosition: 0) else {
                throw GraphFileError(.invalidArgument("npz needs an archive: npz(\"data.npz\", features: \"x\", labels: \"y\")"), at: callee.location)
            }
            self = .npz(path: DataSource.resolve(path, against: directory), features: try arguments.string("features") ?? "x",
                        labels: try arguments.string("labels") ?? "y", testFraction: try DataSource.testFraction(arguments, of: "npz", at: callee))
        default:
            throw GraphFileError(.unknownWord(category: "data source", word: callee.text,
                                              suggestion: Suggestion.nearest(to: callee.text, in: DataSource.names)),
                                 at: callee.location)
        }
    }

    /// A source's `test:` fraction (default 0.2), checked to be in [0, 1).
    private static func testFraction(_ arguments: CallArguments, of source: String, at callee: Name) throws(GraphFileError) -> Double {
        let test = try arguments.number("test") ?? 0.2
        guard test >= 0, test < 1 else {
            throw GraphFileError(.invalidArgument("'test' of '\(source)' must be a fraction in [0, 1)"), at: callee.location)
        }
        return test
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
        case let .npy(featuresPath, labelsPath, testFraction):
            let (features, labels) = (try NPYFile.read(path: featuresPath), try NPYFile.read(path: labelsPath))
            return try DataSource.split(features, labels, names: (featuresPath, labelsPath), testFraction: testFraction, rule: rule, &generator)
        case let .npz(path, featuresName, labelsName, testFraction):
            let arrays = try NPZArchive.read(path: path)
            guard let features = arrays[featuresName] else { throw NumpyError.missingArray(file: path, name: featuresName, available: arrays.keys.sorted()) }
            guard let labels = arrays[labelsName] else { throw NumpyError.missingArray(file: path, name: labelsName, available: arrays.keys.sorted()) }
            return try DataSource.split(features, labels, names: ("\(path)/\(featuresName)", "\(path)/\(labelsName)"),
                                        testFraction: testFraction, rule: rule, &generator)
        }
    }

    /// Features (first axis: examples, the rest flattened) and labels as a dataset, labels checked
    /// against `rule`, split into train and test.
    /// - Throws: `DataError.exampleCountMismatch` when the example counts differ, `.unusableLabel`.
    private static func split(_ features: NumpyArray, _ labels: NumpyArray, names: (String, String), testFraction: Double,
                              rule: LabelRule?, _ generator: inout RandomGenerator) throws -> LoadedData {
        guard let count = features.shape.first, labels.shape.first == count, labels.shape.count <= 2 else {
            throw DataError.exampleCountMismatch(images: "\(names.0) \(features.shape)", imageCount: features.shape.first ?? 0,
                                                 labels: "\(names.1) \(labels.shape) (labels must be [n] or [n, k])", labelCount: labels.shape.first ?? 0)
        }
        let matrix = try features.tensor.reshaped([count, count == 0 ? 0 : features.elements.count / count])
        let all = try Dataset(features: matrix, labels: labels.tensor)
        if let rule, let index = all.labels.scalars.firstIndex(where: { !rule.accepts($0) }) {
            throw DataError.unusableLabel(file: names.1, place: "element \(index)", value: all.labels.scalars[index], expected: rule.expected)
        }
        let (train, test) = testFraction > 0 && all.count >= 2 ? all.split(testFraction: testFraction, using: &generator) : (all, all)
        return LoadedData(train: train, test: test)
    }
}
