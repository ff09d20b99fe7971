import Foundation
import GradFlowKernels
import GradFlowCore
import GradFlowStorage

/// The work of `CSVReader` on a buffer of bytes: the header, where each column goes, the body cut
/// into parts at line boundaries, the parts parsed concurrently into one float buffer, then the rows
/// of the parts moved together (only when blank lines left gaps).
struct CSVTable {
    /// Which columns become labels.
    enum Split {
        /// This column is the labels (`[rows]`); it must exist.
        case target(String)
        /// These columns, in this order, are the labels (`[rows, count]`); each must exist.
        case targets([String])
        /// Every column is a feature except these, where the header has them (no labels).
        case featuresExcluding([String])
    }

    /// `[rows, feature columns]`.
    let features: Tensor
    /// `[rows]` for `.target`, `[rows, count]` for `.targets`, `[0]` otherwise.
    let labels: Tensor

    /// Parses `bytes`.
    /// - Throws: `DataError` as documented on `CSVReader.load`.
    static func read(_ bytes: UnsafeRawBufferPointer, file: String, split: Split, limits: ResourceLimits, threads: Int) throws(DataError) -> CSVTable {
        guard let raw = bytes.baseAddress, bytes.count > 0 else { throw .emptyFile(file: file) }
        let base = raw.assumingMemoryBound(to: UInt8.self)
        var position = 0
        if bytes.count >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { position = 3 }
        // The header: the first non-blank line.
        var line = 1
        while position < bytes.count, CSVRowParser.isBlankLine(base, position, bytes.count) {
            position = CSVRowParser.nextLine(base, position, bytes.count)
            line += 1
        }
        guard position < bytes.count else { throw .emptyFile(file: file) }
        let headerEnd = CSVRowParser.lineEnd(base, position, bytes.count)
        let header = try CSVRowParser.headerNames(base, position, headerEnd, line: line, file: file)
        let bodyStart = CSVRowParser.nextLine(base, headerEnd, bytes.count)
        line += 1

        // Where each column goes: a feature index ≥ 0, label k as −1 − k, or −(labelWidth + 1) to skip.
        var destinations = [Int](repeating: 0, count: header.count)
        var featureCount = 0
        var labelColumns: [Int] = [], skipped: Set<Int> = []
        switch split {
        case .target(let name):
            guard let index = header.firstIndex(of: name) else { throw .missingColumn(file: file, column: name, available: header) }
            labelColumns = [index]
        case .targets(let names):
            for name in names {
                guard let index = header.firstIndex(of: name) else { throw .missingColumn(file: file, column: name, available: header) }
                labelColumns.append(index)
            }
        case .featuresExcluding(let names):
            skipped = Set(names.compactMap { header.firstIndex(of: $0) })
        }
        let labelWidth = labelColumns.count
        let hasLabels = labelWidth > 0
        for column in header.indices {
            if let k = labelColumns.firstIndex(of: column) {
                destinations[column] = -1 - k
            } else if skipped.contains(column) {
                destinations[column] = -1 - labelWidth
            } else {
                destinations[column] = featureCount
                featureCount += 1
            }
        }

        // Cut the body into parts at line breaks and bound each part's rows by its line breaks.
        let parts = max(1, min(threads, (bytes.count - bodyStart) / CSVReader.parallelThreshold + 1, 64))
        var bounds = [bodyStart]
        for part in 1..<max(parts, 1) {
            let nominal = bodyStart + (bytes.count - bodyStart) * part / parts
            let cut = CSVRowParser.nextLine(base, CSVRowParser.lineEnd(base, max(nominal, bounds[part - 1]), bytes.count), bytes.count)
            bounds.append(cut)
        }
        bounds.append(bytes.count)
        var breaks = [Int](repeating: 0, count: parts)
        breaks.withUnsafeMutableBufferPointer { counts in
            parallelFor(parts, threads: threads, LineBreakCount(base: base, bounds: bounds, counts: counts.baseAddress!))
        }
        var firstRows = [0], firstLines = [line]
        for part in 0..<parts {
            firstRows.append(firstRows[part] + breaks[part] + 1)
            firstLines.append(firstLines[part] + breaks[part])
        }
        let rowBound = firstRows[parts]
        let (fieldBound, overflow) = rowBound.multipliedReportingOverflow(by: max(header.count, 1))
        guard !overflow, fieldBound <= limits.maximumElements else {
            throw .exceedsLimit(file: file, detail: "up to \(rowBound) rows × \(header.count) columns is more than "
                                + "\(limits.maximumElements) values (ResourceLimits.maximumElements)")
        }

        // Parse every part into its own rows of the shared buffers, then close the gaps.
        var outcomes = [CSVRowParser.Outcome](repeating: .rows(0), count: parts)
        var failure: DataError?
        var rows = 0
        var labelData: [Float] = []
        let featureData = [Float](unsafeUninitializedCapacity: max(rowBound * featureCount, 1)) { featureBuffer, featureInitialized in
            labelData = [Float](unsafeUninitializedCapacity: hasLabels ? rowBound * labelWidth : 1) { labelBuffer, labelInitialized in
                destinations.withUnsafeBufferPointer { destination in
                    outcomes.withUnsafeMutableBufferPointer { results in
                        let parser = CSVRowParser(base: base, columns: header.count, destinations: destination.baseAddress!,
                                                  features: featureBuffer.baseAddress!, featureWidth: featureCount,
                                                  labels: hasLabels ? labelBuffer.baseAddress : nil, labelWidth: labelWidth, file: file)
                        let job = CSVParseJob(parser: parser, bounds: bounds, firstRows: firstRows, firstLines: firstLines,
                                              results: results.baseAddress!)
                        parallelFor(parts, threads: threads, job)
                    }
                }
                // The first failure in file order; else move each part's rows down to where the
                // previous part's rows end (parts with blank lines have fewer rows than their bound).
                for outcome in outcomes {
                    if case .failure(let error) = outcome { failure = error; break }
                }
                guard failure == nil else { labelInitialized = 0; return }
                for part in 0..<parts {
                    guard case .rows(let count) = outcomes[part] else { continue }
                    if firstRows[part] != rows {
                        let floats = MemoryLayout<Float>.stride
                        memmove(featureBuffer.baseAddress! + rows * featureCount, featureBuffer.baseAddress! + firstRows[part] * featureCount,
                                count * featureCount * floats)
                        if hasLabels {
                            memmove(labelBuffer.baseAddress! + rows * labelWidth, labelBuffer.baseAddress! + firstRows[part] * labelWidth,
                                    count * labelWidth * floats)
                        }
                    }
                    rows += count
                }
                labelInitialized = hasLabels ? rows * labelWidth : 0
            }
            featureInitialized = failure == nil ? rows * featureCount : 0
        }
        if let failure { throw failure }
        guard rows > 0 else { throw .noDataRows(file: file) }
        return CSVTable(features: Tensor(unchecked: [rows, featureCount], featureData),
                        labels: Tensor(unchecked: !hasLabels ? [0] : labelWidth == 1 && !isMultiTarget(split) ? [rows] : [rows, labelWidth], labelData))
    }
}

/// Whether the split asks for a label matrix (even of one column).
private func isMultiTarget(_ split: CSVTable.Split) -> Bool {
    if case .targets = split { return true }
    return false
}

/// Counts the line breaks (`\n`, `\r\n` or a lone `\r`) of each part: an upper bound on its rows.
private struct LineBreakCount: ParallelJob {
    let base: UnsafePointer<UInt8>
    let bounds: [Int]
    let counts: UnsafeMutablePointer<Int>

    func runPart(_ index: Int) {
        let (start, end) = (bounds[index], bounds[index + 1])
        // memchr (vectorised in the C library) finds each `\n`, then each `\r` that no `\n` follows.
        var count = 0
        var cursor = UnsafeRawPointer(base + start)
        let stop = UnsafeRawPointer(base + end)
        while cursor < stop, let found = memchr(cursor, 10, stop - cursor) {
            count += 1
            cursor = UnsafeRawPointer(found) + 1
        }
        cursor = UnsafeRawPointer(base + start)
        while cursor < stop, let found = memchr(cursor, 13, stop - cursor) {
            let next = UnsafeRawPointer(found) + 1
            if next == stop || next.load(as: UInt8.self) != 10 { count += 1 }
            cursor = next
        }
        counts[index] = count
    }
}

/// Parses part `index` of the body (`bounds[index]..<bounds[index + 1]`) into rows `firstRows[index]…`
/// of the shared buffers, with the one parser all parts share.
private struct CSVParseJob: ParallelJob {
    let parser: CSVRowParser
    let bounds: [Int]
    let firstRows: [Int]
    let firstLines: [Int]
    let results: UnsafeMutablePointer<CSVRowParser.Outcome>

    func runPart(_ index: Int) {
        results[index] = parser.parse(from: bounds[index], to: bounds[index + 1], firstRow: firstRows[index], firstLine: firstLines[index])
    }
}
