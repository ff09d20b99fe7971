import Foundation

/// The byte-level CSV scanner: one part of a file's body, parsed row by row into float buffers.
///
/// A line ends at `\n`, `\r\n` or a lone `\r`; a field ends at `,` or the line's end. Spaces and tabs
/// around a field are ignored; a field may be in double quotes, which cannot span lines. Each field is
/// converted by `DecimalParser` and written to its column's destination, so no `String` is made
/// except for an error message.
struct CSVRowParser {
    /// A part's result: how many rows it parsed, or the first error in it.
    enum Outcome {
        case rows(Int)
        case failure(DataError)
    }

    let base: UnsafePointer<UInt8>
    let columns: Int
    /// Per column: a feature index ≥ 0, label k as −1 − k (k < `labelWidth`), anything lower to skip.
    let destinations: UnsafePointer<Int>
    let features: UnsafeMutablePointer<Float>
    let featureWidth: Int
    let labels: UnsafeMutablePointer<Float>?
    let labelWidth: Int
    let file: String

    private static let comma: UInt8 = 44, quote: UInt8 = 34, newline: UInt8 = 10, carriageReturn: UInt8 = 13
    private static let space: UInt8 = 32, tab: UInt8 = 9

    /// Parses the lines from `start` to `end`; the first is line `firstLine` of the file and its row,
    /// if it is not blank, is row `firstRow` of the buffers.
    func parse(from start: Int, to end: Int, firstRow: Int, firstLine: Int) -> Outcome {
        var i = start, row = firstRow, line = firstLine
        while i < end {
            let lineStart = i
            if CSVRowParser.isBlankLine(base, i, end) {
                i = CSVRowParser.nextLine(base, i, end)
                line += 1
                continue
            }
            var column = 0
            var fieldStart = i
            while true {
                var k = fieldStart
                while k < end, base[k] == CSVRowParser.space || base[k] == CSVRowParser.tab { k += 1 }
                var value: Float?
                var fieldEnd: Int           // the comma or line end after the field
                var text = (k, k)           // the number's bytes, for the message
                if k < end, base[k] == CSVRowParser.quote {
                    var q = k + 1
                    var literalQuote = false
                    while true {
                        while q < end, base[q] != CSVRowParser.quote, base[q] != CSVRowParser.newline, base[q] != CSVRowParser.carriageReturn { q += 1 }
                        guard q < end, base[q] == CSVRowParser.quote else {
                            return .failure(.unterminatedQuote(file: file, line: line, column: characterColumn(lineStart, k)))
                        }
                        if q + 1 < end, base[q + 1] == CSVRowParser.quote { literalQuote = true; q += 2; continue }
                        break
                    }
                    text = CSVRowParser.trimmed(base, k + 1, q)
                    fieldEnd = q + 1
                    while fieldEnd < end, base[fieldEnd] == CSVRowParser.space || base[fieldEnd] == CSVRowParser.tab { fieldEnd += 1 }
                    let closed = fieldEnd == end || CSVRowParser.endsField(base[fieldEnd])
                    if closed, !literalQuote { value = DecimalParser.parse(base, text.0, text.1) }
                    if !closed {
                        while fieldEnd < end, !CSVRowParser.endsField(base[fieldEnd]) { fieldEnd += 1 }
                        text = CSVRowParser.trimmed(base, k, fieldEnd)
                    }
                } else if let (number, next) = DecimalParser.scan(base, k, end),
                          case let after = CSVRowParser.skipBlanks(base, next, end), after == end || CSVRowParser.endsField(base[after]) {
                    // The common case in one pass: a plain number, then the field's end.
                    value = number
                    fieldEnd = after
                } else {
                    fieldEnd = k
                    while fieldEnd < end, !CSVRowParser.endsField(base[fieldEnd]) { fieldEnd += 1 }
                    text = CSVRowParser.trimmed(base, k, fieldEnd)
                    value = DecimalParser.parse(base, text.0, text.1)
                }
                if column < columns {
                    guard let value, value.isFinite else {
                        return .failure(badField(line: line, lineStart: lineStart, fieldStart: fieldStart, text: text, end: end))
                    }
                    let destination = destinations[column]
                    if destination >= 0 {
                        features[row * featureWidth + destination] = value
                    } else if -1 - destination < labelWidth {
                        labels?[row * labelWidth - 1 - destination] = value
                    }
                }
                column += 1
                if fieldEnd < end, base[fieldEnd] == CSVRowParser.comma {
                    fieldStart = fieldEnd + 1
                    continue
                }
                i = CSVRowParser.nextLine(base, fieldEnd, end)
                break
            }
            guard column == columns else {
                return .failure(.wrongFieldCount(file: file, line: line, expected: columns, found: column))
            }
            row += 1
            line += 1
        }
        return .rows(row - firstRow)
    }

    /// A field that is not a finite number; a row with the wrong number of fields is reported as
    /// that instead (as the header's field count is checked first).
    private func badField(line: Int, lineStart: Int, fieldStart: Int, text: (Int, Int), end: Int) -> DataError {
        let fields = CSVRowParser.fieldCount(base, lineStart, CSVRowParser.lineEnd(base, lineStart, end))
        if fields != columns { return .wrongFieldCount(file: file, line: line, expected: columns, found: fields) }
        let field = String(decoding: UnsafeBufferPointer(start: base + text.0, count: text.1 - text.0), as: UTF8.self)
        return .notANumber(file: file, line: line, column: characterColumn(lineStart, fieldStart), field: field.messageExcerpt)
    }

    /// The 1-based column, in characters, of byte `position` of the line starting at `lineStart`.
    private func characterColumn(_ lineStart: Int, _ position: Int) -> Int {
        String(decoding: UnsafeBufferPointer(start: base + lineStart, count: position - lineStart), as: UTF8.self).count + 1
    }

    @inline(__always)
    static func endsField(_ byte: UInt8) -> Bool { byte == comma || byte == newline || byte == carriageReturn }

    /// The first index at or after `position` that is not a space or a tab.
    @inline(__always)
    static func skipBlanks(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        var i = position
        while i < end, base[i] == space || base[i] == tab { i += 1 }
        return i
    }

    /// `start..<end` without the spaces and tabs at either end.
    @inline(__always)
    static func trimmed(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Int, Int) {
        var (a, b) = (start, end)
        while a < b, base[a] == space || base[a] == tab { a += 1 }
        while b > a, base[b - 1] == space || base[b - 1] == tab { b -= 1 }
        return (a, b)
    }

    /// Whether the line at `position` holds only spaces and tabs.
    static func isBlankLine(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Bool {
        var i = position
        while i < end, base[i] == space || base[i] == tab { i += 1 }
        return i == end || base[i] == newline || base[i] == carriageReturn
    }

    /// The index of the line break that ends the line containing `position` (or `end`).
    static func lineEnd(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        var i = position
        while i < end, base[i] != newline, base[i] != carriageReturn { i += 1 }
        return i
    }

    /// The start of the line after the one containing `position` (`\r\n` is one break).
    static func nextLine(_ base: UnsafePointer<UInt8>, _ position: Int, _ end: Int) -> Int {
        let i = lineEnd(base, position, end)
        guard i < end else { return end }
        return base[i] == carriageReturn && i + 1 < end && base[i + 1] == newline ? i + 2 : i + 1
    }

    /// The number of fields of a line (commas outside quotes, plus one).
    static func fieldCount(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Int {
        var (count, quoted) = (1, false)
        for i in start..<end {
            if base[i] == quote { quoted.toggle() } else if base[i] == comma, !quoted { count += 1 }
        }
        return count
    }

    /// The header's column names, trimmed (a quoted name keeps what is inside its quotes, `""` being
    /// one quote). Scans bytes: a header of millions of columns is read in one pass.
    /// - Throws: `DataError.unterminatedQuote`, `.unreadable` when the header is not UTF-8 text.
    static func headerNames(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, line: Int, file: String) throws(DataError) -> [String] {
        guard String(validating: UnsafeBufferPointer(start: base + start, count: end - start), as: UTF8.self) != nil else {
            throw .unreadable(file: file, reason: "the header line is not UTF-8 text")
        }
        var names: [String] = []
        var i = start
        while true {
            let (a, _) = trimmed(base, i, end)
            var fieldEnd: Int
            var name: String
            if a < end, base[a] == quote {
                var bytes: [UInt8] = [], q = a + 1
                while true {
                    while q < end, base[q] != quote { bytes.append(base[q]); q += 1 }
                    guard q < end else {
                        let column = String(decoding: UnsafeBufferPointer(start: base + start, count: a - start), as: UTF8.self).count + 1
                        throw .unterminatedQuote(file: file, line: line, column: column)
                    }
                    if q + 1 < end, base[q + 1] == quote { bytes.append(quote); q += 2; continue }
                    break
                }
                fieldEnd = q + 1
                while fieldEnd < end, base[fieldEnd] != comma { bytes.append(base[fieldEnd]); fieldEnd += 1 }
                name = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            } else {
                fieldEnd = i
                while fieldEnd < end, base[fieldEnd] != comma { fieldEnd += 1 }
                let (from, to) = trimmed(base, i, fieldEnd)
                name = String(decoding: UnsafeBufferPointer(start: base + from, count: to - from), as: UTF8.self)
                if name.unicodeScalars.contains(where: { $0.properties.isWhitespace }) { name = name.trimmingCharacters(in: .whitespaces) }
            }
            names.append(name)
            guard fieldEnd < end else { break }
            i = fieldEnd + 1
        }
        return names
    }
}
