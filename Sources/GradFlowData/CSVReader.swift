import Foundation
import GradFlowKernels
import GradFlowCore
import GradFlowStorage

/// Reads numeric CSV files with a header line into a `Dataset`: the one CSV reader of `gradflow train`,
/// `gradflow predict` and the Swift API.
///
/// The first non-blank line names the columns; every later non-blank line is one example whose fields
/// must all be finite numbers. The target column, chosen by name, becomes the labels (`[examples]`);
/// every other column, in file order, a feature (`[examples, columns − 1]`).
///
/// Accepted: LF, CRLF or CR line ends, a UTF-8 byte-order mark, spaces and tabs around fields, fields
/// in double quotes (`"1.5"`; `""` is a literal quote, so such a field is not a number), blank lines
/// (skipped). A number is what `Float(String)` accepts, converted bit for bit as it converts it
/// (`DecimalParser`). Anything else is a `DataError` naming the file, the 1-based line and, for a bad
/// field, the 1-based column (in characters) where the field starts; no input makes the reader crash.
///
/// Speed and memory: the file is mapped, not read into a `String`; the bytes are scanned in place and
/// each number is written straight into the dataset's float storage (no `String` or `[[Float]]` per
/// row). A file over 1 MiB is cut at line boundaries into one part per thread (`KernelThreads`, i.e.
/// `GRADFLOW_THREADS`) that are parsed concurrently. Peak memory is the mapped file plus the float
/// data (rows are bounded by counting line breaks before anything is parsed).
public enum CSVReader {
    /// Files at least this large are split across threads.
    static let parallelThreshold = 1 << 20

    /// Loads `path`, taking the column named `target` as labels.
    /// - Parameters:
    ///   - limits: bounds the file's bytes (`maximumFileBytes`) and its fields (`maximumElements`).
    ///   - threads: how many threads parse (default `KernelThreads.count`).
    /// - Throws: `DataError.unreadable` (a missing file, a directory, a FIFO or a device, named as such),
    ///   `.exceedsLimit`, `.emptyFile`, `.noDataRows`, `.missingColumn`, `.wrongFieldCount` (with the
    ///   line), `.notANumber` and `.unterminatedQuote` (with line and column).
    public static func load(path: String, target: String, limits: ResourceLimits = .default, threads: Int? = nil) throws(DataError) -> Dataset {
        let file = try map(path, limits: limits)
        let table = try CSVTable.read(file.bytes, file: path, split: .target(target), limits: limits, threads: threads ?? KernelThreads.count)
        return Dataset(uncheckedFeatures: table.features, labels: table.labels)
    }

    /// Loads `path` with several target columns: labels `[examples, targets.count]` in the order
    /// given (multi-output regression, multi-label classification), features every other column.
    /// - Throws: as `load(path:target:limits:threads:)`.
    public static func load(path: String, targets: [String], limits: ResourceLimits = .default, threads: Int? = nil) throws(DataError) -> Dataset {
        let file = try map(path, limits: limits)
        let table = try CSVTable.read(file.bytes, file: path, split: .targets(targets), limits: limits, threads: threads ?? KernelThreads.count)
        return Dataset(uncheckedFeatures: table.features, labels: table.labels)
    }

    /// Loads the feature columns of `path`: every column except the `excluding` ones the header has
    /// (an input to predict from, with or without its labels).
    /// - Throws: as `load(path:target:limits:threads:)`.
    public static func loadFeatures(path: String, excluding targets: [String] = [], limits: ResourceLimits = .default,
                                    threads: Int? = nil) throws(DataError) -> Tensor {
        let file = try map(path, limits: limits)
        return try CSVTable.read(file.bytes, file: path, split: .featuresExcluding(targets), limits: limits,
                                 threads: threads ?? KernelThreads.count).features
    }

    /// Parses CSV text; `file` names the source in errors.
    /// - Throws: as `load(path:target:limits:threads:)`.
    public static func parse(_ text: String, target: String, file: String = "<csv>", limits: ResourceLimits = .default) throws(DataError) -> Dataset {
        var text = text
        let result: Result<CSVTable, DataError> = text.withUTF8 { bytes in
            do throws(DataError) {
                return .success(try CSVTable.read(UnsafeRawBufferPointer(bytes), file: file, split: .target(target), limits: limits, threads: 1))
            } catch { return .failure(error) }
        }
        let table = try result.get()
        return Dataset(uncheckedFeatures: table.features, labels: table.labels)
    }

    /// Parses CSV bytes (e.g. a fuzzer's input, or a file read by other means).
    /// - Throws: as `load(path:target:limits:threads:)`.
    public static func parse(bytes: UnsafeRawBufferPointer, target: String, file: String = "<csv>",
                             limits: ResourceLimits = .default, threads: Int = 1) throws(DataError) -> Dataset {
        let table = try CSVTable.read(bytes, file: file, split: .target(target), limits: limits, threads: threads)
        return Dataset(uncheckedFeatures: table.features, labels: table.labels)
    }

    /// Reads the feature columns of `path` (every column except the `excluding` ones the header
    /// has) in chunks of at most `rows` rows, calling `body` with each chunk `[≤ rows, features]` and
    /// the file line of its first row: memory is bounded by one chunk (plus the mapped file's pages,
    /// which the system may drop), for predicting on files larger than memory.
    /// - Throws: as `load(path:target:limits:threads:)`, and whatever `body` throws.
    public static func forEachChunk(path: String, excluding targets: [String] = [], rows: Int, limits: ResourceLimits = .default,
                                    _ body: (_ features: Tensor, _ firstLine: Int) throws -> Void) throws {
        let file = try map(path, limits: limits)
        guard let raw = file.bytes.baseAddress, file.bytes.count > 0 else { throw DataError.emptyFile(file: path) }
        let base = raw.assumingMemoryBound(to: UInt8.self), end = file.bytes.count
        // The header line and the number of columns come from a parse of the header and one line.
        var position = 0, line = 1
        if end >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
        while position < end, CSVRowParser.isBlankLine(base, position, end) { position = CSVRowParser.nextLine(base, position, end); line += 1 }
        guard position < end else { throw DataError.emptyFile(file: path) }
        let headerEnd = CSVRowParser.lineEnd(base, position, end)
        let headerBytes = UnsafeRawBufferPointer(start: base + position, count: headerEnd - position)
        var start = CSVRowParser.nextLine(base, headerEnd, end)
        line += 1
        var any = false
        while start < end {
            // The next `rows` lines (blank ones included; they are skipped by the parser).
            var stop = start, lines = 0
            while stop < end, lines < max(1, rows) { stop = CSVRowParser.nextLine(base, stop, end); lines += 1 }
            // A small CSV of its own: the header bytes, a newline, then this chunk's lines.
            var chunk = [UInt8](headerBytes)
            chunk.append(10)
            chunk.append(contentsOf: UnsafeBufferPointer(start: base + start, count: stop - start))
            let table: CSVTable
            do {
                table = try chunk.withUnsafeBytes { bytes throws(DataError) in
                    try CSVTable.read(bytes, file: path, split: .featuresExcluding(targets), limits: limits, threads: 1)
                }
            } catch let error as DataError {
                if case .noDataRows = error { start = stop; line += lines; continue }   // only blank lines
                throw CSVReader.shifted(error, by: line - 2)
            }
            any = true
            try body(table.features, line)
            (start, line) = (stop, line + lines)
            file.release(before: start)   // re-read from the file if touched again (the header is)
        }
        if !any { throw DataError.noDataRows(file: path) }
    }

    /// `error` with its line moved by `offset` (a chunk's line 2 is the file's line `offset + 2`).
    private static func shifted(_ error: DataError, by offset: Int) -> DataError {
        switch error {
        case let .wrongFieldCount(file, line, expected, found): return .wrongFieldCount(file: file, line: line + offset, expected: expected, found: found)
        case let .notANumber(file, line, column, field): return .notANumber(file: file, line: line + offset, column: column, field: field)
        case let .unterminatedQuote(file, line, column) where line > 1: return .unterminatedQuote(file: file, line: line + offset, column: column)
        default: return error
        }
    }

    /// The 1-based line of data row `row` (0-based, blank lines not counted) of the CSV file at
    /// `path`, to name the place of a value found bad after loading; nil when it has no such row.
    public static func lineNumber(ofRow row: Int, path: String) -> Int? {
        guard let file = try? map(path, limits: .default), let raw = file.bytes.baseAddress else { return nil }
        let base = raw.assumingMemoryBound(to: UInt8.self), end = file.bytes.count
        var (position, line, rowsSeen, headerSeen) = (0, 1, 0, false)
        while position < end {
            if !CSVRowParser.isBlankLine(base, position, end) {
                if headerSeen {
                    if rowsSeen == row { return line }
                    rowsSeen += 1
                }
                headerSeen = true
            }
            position = CSVRowParser.nextLine(base, position, end)
            line += 1
        }
        return nil
    }

    private static func map(_ path: String, limits: ResourceLimits) throws(DataError) -> MappedFile {
        do { return try MappedFile(path: path, maximumBytes: limits.maximumFileBytes) } catch {
            throw error.isTooLarge ? .exceedsLimit(file: path, detail: error.reason) : .unreadable(file: path, reason: error.reason)
        }
    }
}
