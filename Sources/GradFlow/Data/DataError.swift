/// Data could not be read or does not fit together; file errors name the file, line and column.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// A CSV file with no header line.
    case emptyFile(file: String)
    /// The named target column is not in the header.
    case missingColumn(file: String, column: String, available: [String])
    /// A row with the wrong number of fields.
    case wrongFieldCount(file: String, line: Int, expected: Int, found: Int)
    /// A field that is not a number.
    case notANumber(file: String, line: Int, column: Int, field: String)
    /// Features and labels with different numbers of rows.
    case rowCountMismatch(features: Int, labels: Int)
    /// Features that are not a matrix.
    case notAMatrix(shape: [Int])
    /// A malformed binary file (IDX, …): what was expected and what was found.
    case malformed(file: String, detail: String)
    /// A batch size below 1.
    case invalidBatchSize(Int)

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read: \(reason)"
        case .emptyFile(let file): return "\(file): the file is empty; expected a header line"
        case let .missingColumn(file, column, available):
            return "\(file): no column named '\(column)'; the header has \(available.joined(separator: ", "))"
        case let .wrongFieldCount(file, line, expected, found):
            return "\(file):\(line): expected \(expected) fields, found \(found)"
        case let .notANumber(file, line, column, field):
            return "\(file):\(line):\(column): '\(field)' is not a number"
        case let .rowCountMismatch(features, labels):
            return "\(features) feature rows but \(labels) labels; each example needs one of each"
        case .notAMatrix(let shape): return "features must be a matrix [examples, features]; got shape \(shape)"
        case let .malformed(file, detail): return "\(file): \(detail)"
        case .invalidBatchSize(let size): return "batch size \(size) is invalid: expected at least 1"
        }
    }
}
