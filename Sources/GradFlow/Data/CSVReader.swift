import Foundation

/// Reads numeric CSV files with a header line into a `Dataset`.
///
/// Every field must be a number (blank lines are skipped; fields may be quoted). The target
/// column, chosen by name, becomes the labels; every other column, in file order, a feature.
public enum CSVReader {
    /// Loads `path`, taking the column named `target` as labels.
    /// - Throws: `DataError.unreadable`, `.emptyFile`, `.missingColumn`, `.wrongFieldCount` (with the
    ///   line), `.notANumber` (with line and column).
    public static func load(path: String, target: String) throws(DataError) -> Dataset {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try parse(text, target: target, file: path)
    }

    /// Parses CSV text; `file` names the source in errors.
    /// - Throws: as `load(path:target:)`.
    public static func parse(_ text: String, target: String, file: String = "<csv>") throws(DataError) -> Dataset {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().makeIterator()
        guard let (_, headerLine) = lines.next(), !headerLine.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .emptyFile(file: file)
        }
        let header = fields(of: headerLine).map { $0.text.trimmingCharacters(in: .whitespaces) }
        guard let targetIndex = header.firstIndex(of: target) else {
            throw .missingColumn(file: file, column: target, available: header)
        }
        var features: [Float] = []
        var labels: [Float] = []
        while let (index, rawLine) = lines.next() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let row = fields(of: line)
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
        let rows = labels.count
        return Dataset(uncheckedFeatures: Tensor(unchecked: [rows, header.count - 1], features),
                       labels: Tensor(unchecked: [rows], labels))
    }

    /// Splits one line into fields with their 1-based starting columns; double quotes group commas.
    private static func fields(of line: Substring) -> [(text: String, column: Int)] {
        var result: [(String, Int)] = []
        var current = ""
        var start = 1
        var inQuotes = false
        for (offset, character) in line.enumerated() {
            switch character {
            case "\"": inQuotes.toggle()
            case "," where !inQuotes:
                result.append((current, start))
                current = ""
                start = offset + 2
            default: current.append(character)
            }
        }
        result.append((current, start))
        return result
    }
}
