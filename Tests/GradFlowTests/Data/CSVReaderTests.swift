import XCTest
import GradFlow

final class CSVReaderTests: XCTestCase {
    func testParse_readsFeaturesAndTargetByName() throws {
        let data = try CSVReader.parse("a,label,b\n1,0,2\n3,1,4\n", target: "label")
        XCTAssertEqual(data.features.shape, [2, 2])
        XCTAssertEqual(data.features.scalars, [1, 2, 3, 4])
        XCTAssertEqual(data.labels.scalars, [0, 1])
    }

    func testParse_acceptsCRLFQuotesSpacesBlankLinesAndByteOrderMark() throws {
        let text = "\u{FEFF}\"x\", y ,target\r\n\r\n \"1.5\" , 2,0\r\n3,\"4\",1\r\n"
        let data = try CSVReader.parse(text, target: "target")
        XCTAssertEqual(data.features.scalars, [1.5, 2, 3, 4])
        XCTAssertEqual(data.labels.scalars, [0, 1])
    }

    func testParse_malformedInputs_reportKindAndPosition() {
        let cases: [(text: String, expected: DataError)] = [
            ("", .emptyFile(file: "t.csv")),
            ("\n  \n", .emptyFile(file: "t.csv")),
            ("a,y\n", .noDataRows(file: "t.csv")),
            ("a,y\r\n\r\n", .noDataRows(file: "t.csv")),
            ("a,b\n1,2\n", .missingColumn(file: "t.csv", column: "y", available: ["a", "b"])),
            ("a,y\n1,2\n3\n", .wrongFieldCount(file: "t.csv", line: 3, expected: 2, found: 1)),
            ("a,y\n1,2,3\n", .wrongFieldCount(file: "t.csv", line: 2, expected: 2, found: 3)),
            ("a,y\n1,2\n1.5,abc\n", .notANumber(file: "t.csv", line: 3, column: 5, field: "abc")),
            ("a,y\r\n1,2\r\n,2\r\n", .notANumber(file: "t.csv", line: 3, column: 1, field: "")),
            ("a,y\n1,nan\n", .notANumber(file: "t.csv", line: 2, column: 3, field: "nan")),
            ("a,y\n1,\"2\n", .unterminatedQuote(file: "t.csv", line: 2, column: 3)),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try CSVReader.parse(text, target: "y", file: "t.csv"), "input \(text.debugDescription)") { error in
                XCTAssertEqual(error as? DataError, expected, "input \(text.debugDescription)")
            }
        }
    }

    func testNotANumber_descriptionNamesFileLineAndColumn() {
        let error = DataError.notANumber(file: "t.csv", line: 3, column: 5, field: "abc")
        XCTAssertEqual(error.description, "t.csv:3:5: 'abc' is not a number")
    }

    func testLoad_missingFile_throwsUnreadable() {
        XCTAssertThrowsError(try CSVReader.load(path: "/nonexistent/x.csv", target: "y")) { error in
            guard case .unreadable(let file, _)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "/nonexistent/x.csv")
        }
    }

    func testLoad_shippedDemoFiles_haveTheDocumentedShapes() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Graphs/data")
        let expected: [(String, String, [Int])] = [("digits.csv", "digit", [1797, 64]), ("wine.csv", "class", [178, 13]),
                                                  ("diabetes.csv", "progression", [442, 10]), ("iris.csv", "species", [150, 4])]
        for (file, target, shape) in expected {
            let data = try CSVReader.load(path: root.appendingPathComponent(file).path, target: target)
            XCTAssertEqual(data.features.shape, shape, file)
        }
    }
}
