import Foundation

/// The MNIST handwritten digits (and Fashion-MNIST, which uses the same four file names), read from
/// the original IDX files.
///
/// Features are `[examples, 784]` (28×28 pixels, row-major) scaled to `[0, 1]`; labels are class
/// indices `[examples]` in `0…9`. The directory comes from a parameter or, when that is nil, from the
/// environment variable `GRADFLOW_MNIST`.
///
/// ```swift
/// let (train, test) = try MNIST.load(directory: "../shared/datasets/mnist")   // 60,000 and 10,000
/// ```
public enum MNIST {
    /// The environment variable that names the MNIST directory when no directory is given.
    public static let environmentVariable = "GRADFLOW_MNIST"

    /// The four file names, as distributed (uncompressed).
    public static let fileNames = (trainImages: "train-images-idx3-ubyte", trainLabels: "train-labels-idx1-ubyte",
                                   testImages: "t10k-images-idx3-ubyte", testLabels: "t10k-labels-idx1-ubyte")

    /// Loads the training and test sets.
    /// - Parameters:
    ///   - directory: the folder holding the four IDX files; nil to use `$GRADFLOW_MNIST`.
    ///   - environment: where to look up `GRADFLOW_MNIST` (the process environment by default).
    /// - Returns: the 60,000 training and 10,000 test examples of the standard split.
    /// - Throws: `DataError.missingDataset` when no directory is given or a file is missing (saying how
    ///   to set it), the `IDXReader` errors for a malformed file, and `.rowCountMismatch` when an image
    ///   file and its label file hold different numbers of examples.
    public static func load(directory: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DataError) -> (train: Dataset, test: Dataset) {
        let folder = try resolveDirectory(directory, environment: environment)
        let train = try loadPair(images: fileNames.trainImages, labels: fileNames.trainLabels, in: folder)
        let test = try loadPair(images: fileNames.testImages, labels: fileNames.testLabels, in: folder)
        return (train, test)
    }

    /// The directory to read: `directory` if given, else `$GRADFLOW_MNIST`, checked to exist.
    /// - Throws: `DataError.missingDataset` saying how to point GradFlow at the files.
    public static func resolveDirectory(_ directory: String?,
                                        environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(DataError) -> String {
        let hint = "pass the directory (e.g. `--mnist DIR`) or set \(environmentVariable)=/path/to/mnist, "
            + "a folder holding \(fileNames.trainImages), \(fileNames.trainLabels), "
            + "\(fileNames.testImages) and \(fileNames.testLabels)"
        guard let chosen = directory ?? environment[environmentVariable], !chosen.isEmpty else {
            throw .missingDataset(name: "MNIST", detail: "no directory given; \(hint)")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: chosen, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .missingDataset(name: "MNIST", detail: "directory '\(chosen)' does not exist; \(hint)")
        }
        return chosen
    }

    private static func loadPair(images: String, labels: String, in folder: String) throws(DataError) -> Dataset {
        let imagePath = try existingFile(images, in: folder)
        let labelPath = try existingFile(labels, in: folder)
        let features = try IDXReader.loadImages(path: imagePath)
        let classes = try IDXReader.loadLabels(path: labelPath, classCount: 10)
        guard features.shape[0] == classes.shape[0] else {
            throw .exampleCountMismatch(images: imagePath, imageCount: features.shape[0], labels: labelPath, labelCount: classes.shape[0])
        }
        return Dataset(uncheckedFeatures: features, labels: classes)
    }

    private static func existingFile(_ name: String, in folder: String) throws(DataError) -> String {
        let path = URL(fileURLWithPath: folder).appendingPathComponent(name).path
        guard FileManager.default.fileExists(atPath: path) else {
            let compressed = FileManager.default.fileExists(atPath: path + ".gz")
            throw .missingDataset(name: "MNIST", detail: "'\(path)' not found"
                + (compressed ? "; only \(name).gz is there: decompress it with `gunzip -k`" : "")
                + "; the directory must hold the four uncompressed IDX files")
        }
        return path
    }
}
