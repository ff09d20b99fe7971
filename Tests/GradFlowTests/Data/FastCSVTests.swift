import XCTest
import Foundation
import GradFlow
@testable import GradFlowCore
@testable import GradFlowStorage
@testable import GradFlowData
@testable import GradFlowTraining
@testable import GradFlowGraphFiles
@testable import GradFlowModels
@testable import GradFlowPictures

/// The byte-level CSV reader: numbers bit-identical to `Float(String)`, the same rows from one thread
/// or several, places in errors, and refused inputs (NUL and control bytes, non-files, limits).
final class FastCSVTests: TemporaryFolderTestCase {
    private func parse(_ text: String) -> Float? {
        var copy = text
        return copy.withUTF8 { bytes in
            bytes.withMemoryRebound(to: UInt8.self) { DecimalParser.parse($0.baseAddress ?? UnsafePointer(bitPattern: 1)!, 0, $0.count) }
        }
    }

    private func assertSameAsSwift(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let expected = Float(text), actual = parse(text)
        XCTAssertEqual(actual?.bitPattern, expected?.bitPattern, "'\(text)': \(String(describing: actual)) vs Float(String) \(String(describing: expected))",
                       file: file, line: line)
    }

    func testDecimalParser_namedForms_matchFloatString() {
        for text in ["0", "-0", "+0", "0.0", "-0.0", ".5", "5.", "-.5", "+5.", "1e38", "3.4028235e38", "3.4028236e38", "1e39",
                     "1.17549435e-38", "1.1754942e-38", "1e-45", "1.4e-45", "7e-46", "1e-50", "123456789012345678901234567890",
                     "0.1", "0.2", "0.3", "16777217", "16777216.5", "1e22", "1e23", "9007199254740993", "4.9e-324",
                     "0x1p3", "inf", "-inf", "nan", "infinity", "1e", "e5", ".", "-", "+", "1.2.3", "1e+", "1e-5", "1E5",
                     "00001.5000", "-000", "1_0", " 1", "1 ", "١", "1e100000", "1e-100000", "0e999999999"] {
            assertSameAsSwift(text)
        }
        // Float(String) stops at a NUL like C ("2\0" + "3" reads as 2); the reader refuses it.
        XCTAssertEqual(Float("2\u{0}3"), 2)
        XCTAssertNil(parse("2\u{0}3"))
    }

    func testDecimalParser_randomDecimalAndExponentForms_matchFloatStringBitForBit() {
        var rng = RandomGenerator(seed: 17)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(rng.next() % 10)) }) }
        for _ in 0..<200_000 {
            let shape = rng.next() % 6
            var text = rng.next() % 3 == 0 ? "-" : (rng.next() % 10 == 0 ? "+" : "")
            switch shape {
            case 0: text += digits(Int(rng.next() % 9) + 1)
            case 1: text += digits(Int(rng.next() % 8)) + "." + digits(Int(rng.next() % 10))
            case 2: text += digits(Int(rng.next() % 3) + 1) + "." + digits(Int(rng.next() % 9)) + "e" + String(Int(rng.next() % 90) - 45)
            case 3: text += digits(Int(rng.next() % 25) + 1)                                   // long mantissas: the slow path
            case 4: text += "." + digits(Int(rng.next() % 12) + 1) + "E" + (rng.next() % 2 == 0 ? "-" : "+") + String(rng.next() % 50)
            default: text += digits(1) + "." + digits(8) + "e-" + String(36 + rng.next() % 12)     // near and below float's normal range
            }
            assertSameAsSwift(text)
        }
        // Random float32 values printed with 9 significant digits round-trip exactly.
        for _ in 0..<50_000 {
            let value = Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()))
            guard value.isFinite else { continue }
            assertSameAsSwift(value.description)
        }
    }

    /// A large CSV text with CRLF and lone-CR line ends, blank lines, spaces, quotes and exponents.
    private func bigTable(rows: Int) -> (text: String, features: [Float], labels: [Float]) {
        var rng = RandomGenerator(seed: 4)
        var text = "a, b ,\"c\",label\n", features: [Float] = [], labels: [Float] = []
        let ends = ["\n", "\r\n", "\r"]
        for row in 0..<rows {
            let values = (0..<3).map { _ in rng.nextNormal() * 100 }
            let label = Float(row % 7)
            features += values.map { Float($0.description)! }
            labels.append(label)
            text += "\(values[0]), \(values[1]) ,\"\(values[2])\",\(Int(label))" + ends[row % 3]
            if row % 101 == 0 { text += "  \n" }
        }
        return (text, features, labels)
    }

    func testParallelParse_equalsSerialParse_andTheValuesWritten() throws {
        let table = bigTable(rows: 60_000)
        XCTAssertGreaterThan(table.text.utf8.count, 2 * CSVReader.parallelThreshold)
        var text = table.text
        let serial = try text.withUTF8 { try CSVReader.parse(bytes: UnsafeRawBufferPointer($0), target: "label", threads: 1) }
        for threads in [2, 3, 7] {
            let parallel = try text.withUTF8 { try CSVReader.parse(bytes: UnsafeRawBufferPointer($0), target: "label", threads: threads) }
            XCTAssertEqual(parallel.features, serial.features, "\(threads) threads")
            XCTAssertEqual(parallel.labels, serial.labels, "\(threads) threads")
        }
        XCTAssertEqual(serial.features.shape, [60_000, 3])
        XCTAssertEqual(serial.features.scalars, table.features)
        XCTAssertEqual(serial.labels.scalars, table.labels)
    }

    func testParallelParse_errorInALaterPart_namesTheFileLineAndColumn() throws {
        var lines = ["x,y"] + (0..<200_000).map { "\($0 % 97).25,\($0 % 3)" }
        lines[150_001] = "1.5,2x"          // file line 150,002
        var text = lines.joined(separator: "\n") + "\n"
        XCTAssertThrowsError(try text.withUTF8 { try CSVReader.parse(bytes: UnsafeRawBufferPointer($0), target: "y", file: "big.csv", threads: 2) }) { error in
            XCTAssertEqual(error as? DataError, .notANumber(file: "big.csv", line: 150_002, column: 5, field: "2x"))
        }
    }

    func testParse_NULAndControlBytesInsideANumber_areRefusedWithThePlace() {
        for (text, field) in [("a,y\n1,2\0\u{33}\n", "2\\u{0}3"), ("a,y\n1\u{7},2\n", "1\\u{7}"), ("a,y\n1,2\u{0B}\n", "2\\u{b}")] {
            XCTAssertThrowsError(try CSVReader.parse(text, target: "y", file: "t.csv")) { error in
                guard case let .notANumber(_, line, _, shown)? = error as? DataError else { return XCTFail("\(error)") }
                XCTAssertEqual(line, 2)
                XCTAssertEqual(shown, field)
            }
        }
    }

    func testParse_hugeBadField_isQuotedShort() {
        let text = "a,y\n1," + String(repeating: "z", count: 5_000_000) + "\n"
        XCTAssertThrowsError(try CSVReader.parse(text, target: "y", file: "t.csv")) { error in
            let message = "\(error)"
            XCTAssertLessThan(message.count, 140, message)
            XCTAssertTrue(message.hasPrefix("t.csv:2:3: 'zzzz"), message)
            XCTAssertTrue(message.contains("…"), message)
        }
    }

    func testParse_quotedFieldsAndSpaces_andTooManyFieldsBeforeABadNumber() {
        XCTAssertEqual(try CSVReader.parse("a,y\n \" 1.5 \" ,\t2\t\n", target: "y").features.scalars, [1.5])
        XCTAssertThrowsError(try CSVReader.parse("a,y\nx,2,3\n", target: "y", file: "t.csv")) { error in
            XCTAssertEqual(error as? DataError, .wrongFieldCount(file: "t.csv", line: 2, expected: 2, found: 3))
        }
        XCTAssertThrowsError(try CSVReader.parse("a,y\n\"1\"\"\",2\n", target: "y", file: "t.csv")) { error in
            XCTAssertEqual(error as? DataError, .notANumber(file: "t.csv", line: 2, column: 1, field: "1\"\""))
        }
        // Columns count characters, not bytes: the bad field starts after three two-byte letters.
        XCTAssertThrowsError(try CSVReader.parse("ééé,y\n1,2\n\"é\",2\n", target: "y", file: "t.csv")) { error in
            XCTAssertEqual(error as? DataError, .notANumber(file: "t.csv", line: 3, column: 1, field: "é"))
        }
    }


    func testLoad_notARegularFile_saysWhatItIs() throws {
        let fifo = folder + "/pipe.csv"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let cases: [(String, String)] = [(folder, "is a directory"), (fifo, "is not a regular file (a FIFO)"),
                                         ("/dev/zero", "is not a regular file (a character device)"),
                                         (folder + "/missing.csv", "no such file")]
        for (path, reason) in cases {
            XCTAssertThrowsError(try CSVReader.load(path: path, target: "y")) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix("\(path): cannot read: \(reason)"), message)
            }
        }
    }

    func testLoad_limits_boundBytesAndFields() throws {
        let path = folder + "/t.csv"
        try "a,y\n1,2\n3,4\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CSVReader.load(path: path, target: "y", limits: ResourceLimits(maximumFileBytes: 8))) { error in
            guard case .exceedsLimit(let file, let detail)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
            XCTAssertTrue(detail.contains("12 bytes, more than the limit of 8"), detail)
        }
        XCTAssertThrowsError(try CSVReader.load(path: path, target: "y", limits: ResourceLimits(maximumElements: 5))) { error in
            guard case .exceedsLimit? = error as? DataError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try CSVReader.load(path: path, target: "y").features.scalars, [1, 3])
    }

    func testLoadFeatures_dropsTheTargetWhenPresent_andKeepsEveryColumnOtherwise() throws {
        let path = folder + "/t.csv"
        try "a,y,b\n1,2,3\n".write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try CSVReader.loadFeatures(path: path, excluding: ["y"]).scalars, [1, 3])
        XCTAssertEqual(try CSVReader.loadFeatures(path: path, excluding: ["label"]).scalars, [1, 2, 3])
        XCTAssertEqual(try CSVReader.loadFeatures(path: path).shape, [1, 3])
        XCTAssertEqual(try CSVReader.loadFeatures(path: path, excluding: ["b", "a"]).scalars, [2])
    }

    func testLoad_severalTargets_givesALabelMatrixInTheOrderAsked() throws {
        let path = folder + "/t.csv"
        try "a,y,b,z\n1,2,3,4\n5,6,7,8\n".write(toFile: path, atomically: true, encoding: .utf8)
        let data = try CSVReader.load(path: path, targets: ["z", "y"])
        XCTAssertEqual(data.labels.shape, [2, 2])
        XCTAssertEqual(data.labels.scalars, [4, 2, 8, 6])
        XCTAssertEqual(data.features.scalars, [1, 3, 5, 7])
        XCTAssertEqual(try CSVReader.load(path: path, targets: ["y"]).labels.shape, [2, 1])
        XCTAssertThrowsError(try CSVReader.load(path: path, targets: ["y", "q"])) { error in
            XCTAssertEqual(error as? DataError, .missingColumn(file: path, column: "q", available: ["a", "y", "b", "z"]))
        }
    }

    func testForEachChunk_readsEveryRowOnce_inBoundedChunks_andPlacesErrorsInTheFile() throws {
        let path = folder + "/stream.csv"
        var text = "a,label,b\n"
        for row in 0..<30 { text += "\(row),9,\(row * 2)\n" + (row % 4 == 0 ? "\n" : "") }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        var seen: [Float] = [], lines: [Int] = [], largest = 0
        try CSVReader.forEachChunk(path: path, excluding: ["label"], rows: 7) { chunk, firstLine in
            seen += chunk.scalars
            lines.append(firstLine)
            largest = max(largest, chunk.shape[0])
        }
        XCTAssertEqual(seen, try CSVReader.loadFeatures(path: path, excluding: ["label"]).scalars)
        XCTAssertLessThanOrEqual(largest, 7)
        XCTAssertEqual(lines.first, 2)
        try (text + "31,9,x\n").write(toFile: path, atomically: true, encoding: .utf8)
        let lastLine = text.split(separator: "\n", omittingEmptySubsequences: false).count
        XCTAssertThrowsError(try CSVReader.forEachChunk(path: path, excluding: ["label"], rows: 7) { _, _ in }) { error in
            XCTAssertEqual(error as? DataError, .notANumber(file: path, line: lastLine, column: 6, field: "x"))
        }
    }
}
