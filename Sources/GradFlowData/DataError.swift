/// Data could not be read or does not fit together; file errors name the file, line and column.
///
/// Every case says what was expected and what was found, so that `description` alone tells the user
/// what to fix.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// A CSV file with no header line.
    case emptyFile(file: String)
    /// A CSV file with a header but no data rows.
    case noDataRows(file: String)
    /// The named target column is not in the header.
    case missingColumn(file: String, column: String, available: [String])
    /// A row with the wrong number of fields.
    case wrongFieldCount(file: String, line: Int, expected: Int, found: Int)
    /// A field that is not a number.
    case notANumber(file: String, line: Int, column: Int, field: String)
    /// A double quote that opens a field and is never closed on its line.
    case unterminatedQuote(file: String, line: Int, column: Int)
    /// Features and labels with different numbers of rows.
    case rowCountMismatch(features: Int, labels: Int)
    /// An image file and its label file that hold different numbers of examples.
    case exampleCountMismatch(images: String, imageCount: Int, labels: String, labelCount: Int)
    /// Features that are not a matrix.
    case notAMatrix(shape: [Int])
    /// A malformed binary file (IDX, …): what was expected and what was found.
    case malformed(file: String, detail: String)
    /// A file shorter or longer than its header says: the byte counts expected and found.
    case wrongFileLength(file: String, expected: Int, found: Int)
    /// An IDX file whose first four bytes are not `00 00 08 D`.
    case badMagicNumber(file: String, expected: String, found: String)
    /// A file that declares more than a `ResourceLimits` bound allows (refused before allocating).
    case exceedsLimit(file: String, detail: String)
    /// An IDX file with the wrong number of dimensions for what it should hold.
    case wrongDimensionCount(file: String, expected: Int, found: Int)
    /// A data-set directory (e.g. MNIST) that is not given or does not hold the expected files.
    case missingDataset(name: String, detail: String)
    /// A batch size below 1.
    case invalidBatchSize(Int)
    /// A label that is not a class index in `0..<classCount`.
    case invalidLabel(row: Int, value: Float, classCount: Int)
    /// A label or target in a data file that the model cannot take: the file, the 1-based line (or
    /// the example's index, for a binary file), the value and what was expected.
    case unusableLabel(file: String, place: String, value: Float, expected: String)
    /// A number of folds that cannot split the examples (below 2, or more folds than examples).
    case invalidFoldCount(folds: Int, examples: Int)
    /// Data whose columns do not match what a fitted transform or a metric expects.
    case columnCountMismatch(operation: String, expected: Int, found: Int)
    /// Tensors that a metric compares but whose shapes do not correspond.
    case shapeMismatch(operation: String, expected: [Int], found: [Int])
    /// An operation that needs at least one example got none.
    case empty(operation: String)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case .emptyFile(let file): return "\(file): the file is empty; expected a header line"
        case .noDataRows(let file): return "\(file): the file has a header but no data rows"
        case let .missingColumn(file, column, available):
            let shown = available.prefix(20).map(\.messageExcerpt).joined(separator: ", ")
            return "\(file): no column named '\(column.messageExcerpt)'; the header has "
                + (available.count > 20 ? "\(available.count) columns: \(shown), …" : shown)
        case let .wrongFieldCount(file, line, expected, found):
            return "\(file):\(line): expected \(expected) fields (as in the header), found \(found)"
        case let .notANumber(file, line, column, field):
            return "\(file):\(line):\(column): '\(field)' is not a number"
        case let .unterminatedQuote(file, line, column):
            return "\(file):\(line):\(column): the quote opened here is never closed"
        case let .rowCountMismatch(features, labels):
            return "\(features) feature rows but \(labels) labels; each example needs one of each"
        case let .exampleCountMismatch(images, imageCount, labels, labelCount):
            return "\(images) holds \(imageCount) images but \(labels) holds \(labelCount) labels; each image needs one label"
        case .notAMatrix(let shape): return "features must be a matrix [examples, features]; got shape \(shape)"
        case let .malformed(file, detail): return "\(file): \(detail)"
        case let .wrongFileLength(file, expected, found):
            return "\(file): expected \(expected) bytes from the header, found \(found) (truncated or not this format)"
        case let .exceedsLimit(file, detail): return "\(file): \(detail)"
        case let .badMagicNumber(file, expected, found):
            return "\(file): not an IDX file of unsigned bytes: magic number \(found), expected \(expected)"
        case let .wrongDimensionCount(file, expected, found):
            return "\(file): expected \(expected) dimension\(expected == 1 ? "" : "s"), the header declares \(found)"
        case let .missingDataset(name, detail): return "\(name): \(detail)"
        case .invalidBatchSize(let size): return "batch size \(size) is invalid: expected at least 1"
        case let .unusableLabel(file, place, value, expected):
            return "\(file):\(place): the label \(value) is not \(expected)"
        case let .invalidLabel(row, value, classCount):
            return "label \(value) in row \(row) is not a class index in 0..<\(classCount)"
        case let .invalidFoldCount(folds, examples):
            return "cannot split \(examples) examples into \(folds) folds: expected 2 ≤ folds ≤ examples"
        case let .columnCountMismatch(operation, expected, found):
            return "\(operation): expected \(expected) columns, found \(found)"
        case let .shapeMismatch(operation, expected, found):
            return "\(operation): expected shape \(expected), found \(found)"
        case .empty(let operation): return "\(operation): needs at least one example, got none"
        }
    }
}
