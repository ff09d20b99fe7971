import XCTest
import GradFlow

final class IDXReaderTests: XCTestCase {
    /// A fresh folder per test (XCTest makes one instance per test method).
    private let directory = FileManager.default.temporaryDirectory.appendingPathComponent("idx-tests-\(UUID().uuidString)")

    override func setUpWithError() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    /// Writes bytes to a file in the temporary directory and returns its path.
    private func write(_ bytes: [UInt8], name: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// A well-formed IDX header for unsigned bytes with the given dimensions.
    private func header(_ dimensions: [Int]) -> [UInt8] {
        [0, 0, 0x08, UInt8(dimensions.count)] + dimensions.flatMap { size in
            (0..<4).reversed().map { UInt8((size >> (8 * $0)) & 0xFF) }
        }
    }

    func testLoadImages_scalesPixelsToUnitIntervalAndFlattens() throws {
        let path = try write(header([2, 2, 2]) + [0, 255, 51, 102, 1, 2, 3, 4], name: "images")
        let images = try IDXReader.loadImages(path: path)
        XCTAssertEqual(images.shape, [2, 4])
        XCTAssertEqual(images.scalars[0...3], [0, 1, 0.2, 0.4])
        XCTAssertEqual(images.scalars[4], 1 / 255, accuracy: 1e-7)
    }

    func testLoadLabels_readsClassIndices() throws {
        let path = try write(header([3]) + [7, 0, 9], name: "labels")
        XCTAssertEqual(try IDXReader.loadLabels(path: path).scalars, [7, 0, 9])
    }

    func testRead_malformedFiles_reportFileAndExpectedVersusFound() throws {
        let cases: [(bytes: [UInt8], dimensions: Int, expected: (String) -> DataError)] = [
            ([0, 0, 8], 1, { .wrongFileLength(file: $0, expected: 4, found: 3) }),
            ([0, 0, 0x0D, 1, 0, 0, 0, 0], 1, { .badMagicNumber(file: $0, expected: "0x00000801", found: "0x00000D01") }),
            ([1, 2, 8, 3], 3, { .badMagicNumber(file: $0, expected: "0x00000803", found: "0x01020803") }),
            (header([2, 2]) + [1, 2, 3, 4], 3, { .wrongDimensionCount(file: $0, expected: 3, found: 2) }),
            ([0, 0, 8, 3, 0, 0, 0, 1, 0, 0], 3, { .wrongFileLength(file: $0, expected: 16, found: 10) }),
            (header([2, 2, 2]) + [1, 2, 3], 3, { .wrongFileLength(file: $0, expected: 24, found: 19) }),
            (header([1]) + [1, 2], 1, { .wrongFileLength(file: $0, expected: 9, found: 10) }),
        ]
        for (index, test) in cases.enumerated() {
            let path = try write(test.bytes, name: "case\(index)")
            XCTAssertThrowsError(try IDXReader.read(path: path, dimensionCount: test.dimensions), "case \(index)") { error in
                XCTAssertEqual(error as? DataError, test.expected(path), "case \(index)")
            }
        }
    }

    func testRead_hugeDeclaredDimensions_throwInsteadOfAllocating() throws {
        let path = try write(header([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF]), name: "huge")
        XCTAssertThrowsError(try IDXReader.read(path: path, dimensionCount: 3)) { error in
            guard case .exceedsLimit(let file, _)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
        }
    }

    func testLoadLabels_labelAboveClassCount_throwsNamingTheIndex() throws {
        let path = try write(header([2]) + [3, 12], name: "labels")
        XCTAssertThrowsError(try IDXReader.loadLabels(path: path)) { error in
            XCTAssertEqual(error as? DataError, .malformed(file: path, detail: "label 12 at index 1 is not a class index in 0..<10"))
        }
    }

    func testWrongFileLength_descriptionSaysExpectedAndFound() {
        let text = DataError.wrongFileLength(file: "x-idx3-ubyte", expected: 24, found: 19).description
        XCTAssertEqual(text, "x-idx3-ubyte: expected 24 bytes from the header, found 19 (truncated or not this format)")
    }
}
