import Foundation

/// Reads numeric CSV files with a header line into a `Dataset`.
///
/// The first line names the columns; every later non-blank line is one example whose fields must all
/// be finite numbers. The target column, chosen by name, becomes the labels (`[examples]`); every
/// other column, in file order, a feature (`[examples, columns − 1]`).
///
/// Accepted: LF, CRLF or CR line ends, a UTF-8 byte-order mark, spaces around fields, fields in
/// double quotes (`"1.5"`, with `""` for a literal quote), blank lines (skipped). Anything else is a
/// `DataError` naming the file, the 1-based line and, for a bad field, the 1-based column where the
/// field starts; no input makes the reader crash.
public enum CSVReader {
    /// Loads `path`, taking the column named `target` as labels.
    /// - Throws: `DataError.unreadable`, `.emptyFile`, `.noDataRows`, `.missingColumn`,
    ///   `.wrongFieldCount` (with the line), `.notANumber` and `.unterminatedQuote` (with line and column).
    public static func load(path: String, target: String) throws(DataError) -> Dataset {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw .unreadable(file: path, reason: "the file is not UTF-8 text")
        }
        return try parse(text, target: target, file: path)
    }

    /// Parses CSV text; `file` names the source in errors.
    /// - Throws: as `load(path:target:)`.
    public static func parse(_ text: String, target: String, file: String = "<csv>") throws(DataError) -> Dataset {
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard let headerIndex = lines.firstIndex(where: { !isBlank($0) }) else { throw .emptyFile(file: file) }
        let header = try fields(of: lines[headerIndex], line: headerIndex + 1, file: file)
            .map { $0.text.trimmingCharacters(in: .whitespaces) }
        guard let targetIndex = header.firstIndex(of: target) else {
            throw .missingColumn(file: file, column: target, available: header)
        }
        var features: [Float] = []
        var labels: [Float] = []
        for index in lines.indices where index > headerIndex && !isBlank(lines[index]) {
            let row = try fields(of: lines[index], line: index + 1, file: file)
            guard row.count == header.count else {
                throw .wrongFieldCount(file: file, line: index + 1, expected: header.count, found: row.count)
            }
            for (position, field) in row.enumerated() {
                let trimmed = field.text.trimmingCharacters(in: .whitespaces)
                guard let number = Float(trimmed), number.isFinite else {
                    throw .notANumber(file: file, line: index + 1, column: field.column, field: trimmed)
                }
                if position == targetIndex { labels.append(number) } else { features.append(number) }
            }
        }
        guard !labels.isEmpty else { throw .noDataRows(file: file) }
        return Dataset(uncheckedFeatures: Tensor(unchecked: [labels.count, header.count - 1], features),
                       labels: Tensor(unchecked: [labels.count], labels))
    }

    private static func isBlank(_ line: Substring) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }

    /// Splits one line into fields with their 1-based starting columns. A field that begins with a
    /// double quote (after optional spaces) runs to the matching quote; `""` inside is one quote.
    private static func fields(of line: Substring, line number: Int, file: String) throws(DataError)
        -> [(text: String, column: Int)] {
        var result: [(String, Int)] = []
        var current = ""
        var start = 1
        var quoteColumn: Int?          // where the open quote is, while inside one
        var afterQuote = false         // the previous character closed a quote (or was one of `""`)
        for (offset, character) in line.enumerated() {
            let column = offset + 1
            if quoteColumn != nil {
                if character == "\"" { quoteColumn = nil; afterQuote = true } else { current.append(character) }
                continue
            }
            switch character {
            case "\"" where afterQuote:            // `""` inside a quoted field: a literal quote
                current.append("\""); quoteColumn = column; afterQuote = false
            case "\"" where current.allSatisfy({ $0 == " " || $0 == "\t" }):
                quoteColumn = column
            case ",":
                result.append((current, start)); current = ""; start = column + 1; afterQuote = false
            default:
                current.append(character); afterQuote = false
            }
        }
        if let quoteColumn { throw .unterminatedQuote(file: file, line: number, column: quoteColumn) }
        result.append((current, start))
        return result
    }
}
