import Foundation
import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowStorage
@testable import GradFlowInference
@testable import GradFlowGraphFiles

/// Files that declare huge tensors are refused with a typed error before anything is allocated.
final class ResourceLimitsTests: XCTestCase {
    private let small = ResourceLimits(maximumElements: 100, maximumTotalElements: 150, maximumHeaderBytes: 256)

    // MARK: ResourceLimits

    func testDefaults_matchTheDocumentedValues() {
        XCTAssertEqual(ResourceLimits.default.maximumElements, 100_000_000)
        XCTAssertEqual(ResourceLimits.default.maximumTotalElements, 250_000_000)
        XCTAssertEqual(ResourceLimits.default.maximumHeaderBytes, 100_000_000)
        XCTAssertEqual(GraphFile.maximumElements, ResourceLimits.default.maximumElements)
    }

    func testBoundingCount_countsZerosAsOneAndReportsOverflow() {
        XCTAssertEqual(ResourceLimits.boundingCount(of: []), 1)
        XCTAssertEqual(ResourceLimits.boundingCount(of: [2, 3, 4]), 24)
        XCTAssertEqual(ResourceLimits.boundingCount(of: [0, 5, 7]), 35)
        XCTAssertNil(ResourceLimits.boundingCount(of: [1 << 32, 1 << 32]))
        XCTAssertNil(ResourceLimits.boundingCount(of: [0, 1 << 40, 1 << 40]))
        XCTAssertTrue(small.allows(shape: [10, 10]))
        XCTAssertFalse(small.allows(shape: [10, 11]))
        XCTAssertFalse(small.allows(shape: [0, 1000]))
    }

    // MARK: Graph files

    private func graphError(_ source: String, limits: ResourceLimits = .default) -> GraphFileError? {
        do {
            _ = try GraphFile(source: source + "\nloss = l2(W, lambda: 0.1)\n", file: "t.graph", limits: limits)
            return nil
        } catch {
            return error
        }
    }

    func testGraphFile_hugeParameter_isRefusedAtItsName() {
        let error = graphError("param W [1000000000, 1000000000]")
        guard case .shapeTooLarge(let name, let elements, let limit)? = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(name, "W")
        XCTAssertEqual(elements, "1000000000×1000000000 = 1000000000000000000")
        XCTAssertEqual(limit, 100_000_000)
        XCTAssertEqual(error?.location, SourceLocation(file: "t.graph", line: 1, column: 7))
    }

    func testGraphFile_shapeWhoseProductOverflows_isRefusedWithoutTrapping() {
        let error = graphError("param W [1099511627776, 1099511627776, 1099511627776]")
        guard case .shapeTooLarge(_, let elements, _)? = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(elements, "more than \(Int.max)")
    }

    func testGraphFile_hugeInput_isRefusedWithTheBatchCountedAsOne() {
        let error = graphError("input X [batch, 100000, 100000]\nparam W [1]")
        guard case .shapeTooLarge(let name, _, _)? = error?.kind else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(name, "X")
    }

    func testGraphFile_customLimits_refuseOneShapeAndTheParameterTotal() {
        guard case .shapeTooLarge(_, _, 100)? = graphError("param W [11, 10]", limits: small)?.kind else {
            return XCTFail("a shape over maximumElements")
        }
        XCTAssertNil(graphError("param W [10, 10]", limits: small))
        let error = graphError("param W [10, 10]\nparam V [10, 6]", limits: small)
        XCTAssertEqual(error?.kind, .parametersTooLarge(name: "V", total: "160", limit: 150))
        XCTAssertEqual(error?.location.line, 2)
        XCTAssertEqual(error?.message, "the parameters up to 'V' would have 160 elements in all, more than the limit of 150")
    }

    func testGraphFileLoad_passesTheLimitsOn() throws {
        let path = NSTemporaryDirectory() + "gradflow-limits-\(UUID().uuidString).graph"
        try "param W [20, 20]\nloss = l2(W, lambda: 0.1)\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertNoThrow(try GraphFile.load(path: path))
        XCTAssertThrowsError(try GraphFile.load(path: path, limits: small)) { error in
            guard case .shapeTooLarge? = (error as? GraphFileError)?.kind else { return XCTFail("\(error)") }
        }
    }

    func testGraphFileLoad_endlessOrHugeFile_isRefusedBeforeReading() throws {
        // An endless device is not a regular file; a regular file over the limit is refused by its size.
        XCTAssertThrowsError(try GraphFile.load(path: "/dev/zero")) { error in
            XCTAssertEqual((error as? GraphFileError)?.message, "is not a regular file (a character device); give the path of a file")
        }
        let huge = NSTemporaryDirectory() + "gradflow-huge-\(UUID().uuidString).graph"
        XCTAssertTrue(FileManager.default.createFile(atPath: huge, contents: Data(count: GraphFile.maximumFileSize + 1)))
        defer { try? FileManager.default.removeItem(atPath: huge) }
        XCTAssertThrowsError(try GraphFile.load(path: huge)) { error in
            XCTAssertEqual((error as? GraphFileError)?.message, "the file is larger than \(GraphFile.maximumFileSize) bytes, the limit for graph files")
        }
    }

    func testGraphFileLoad_missingFile_isReportedForTheWholeFile() {
        XCTAssertThrowsError(try GraphFile.load(path: "/nonexistent/gradflow.graph")) { error in
            guard let error = error as? GraphFileError, case .runtime(let detail) = error.kind else { return XCTFail("\(error)") }
            XCTAssertEqual(detail, "no such file")
            XCTAssertEqual(error.location, .whole("/nonexistent/gradflow.graph"))
            XCTAssertEqual("\(error)", "/nonexistent/gradflow.graph: error: no such file")
        }
    }

    // MARK: safetensors

    /// A safetensors file with `header` (padded to 8 bytes) and `dataBytes` zero bytes of data.
    private func checkpoint(_ header: String, dataBytes: Int = 0) -> [UInt8] {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(32) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
        return bytes + json + [UInt8](repeating: 0, count: dataBytes)
    }

    private func checkpointError(_ bytes: [UInt8], limits: ResourceLimits = .default) -> CheckpointError? {
        do {
            _ = try Checkpoint.decode(bytes, file: "c.safetensors", limits: limits)
            return nil
        } catch {
            return error
        }
    }

    func testCheckpoint_hugeShape_isRefusedBeforeTheOffsetsAreChecked() {
        let error = checkpointError(checkpoint(#"{"x":{"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,4]}}"#, dataBytes: 4))
        guard case .exceedsLimit(let file, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertEqual(file, "c.safetensors")
        XCTAssertTrue(detail.contains("1000000000×1000000000 = 1000000000000000000"), detail)
        XCTAssertTrue(detail.contains("ResourceLimits.maximumElements"), detail)
    }

    func testCheckpoint_shapeWhoseProductOverflows_isRefusedWithoutTrapping() {
        let error = checkpointError(checkpoint(#"{"x":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}}"#, dataBytes: 4))
        guard case .exceedsLimit(_, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(detail.contains("more than \(Int.max)"), detail)
    }

    func testCheckpoint_zeroSizedShapeWithHugeSizes_isRefused() {
        let error = checkpointError(checkpoint(#"{"x":{"dtype":"F32","shape":[0,4294967296,4294967296],"data_offsets":[0,0]}}"#))
        guard case .exceedsLimit? = error else { return XCTFail("\(String(describing: error))") }
    }

    func testCheckpoint_headerLongerThanTheLimit_isRefusedBeforeParsing() {
        let header = #"{"__metadata__":{"note":""# + String(repeating: "x", count: 300) + #""}}"#
        let bytes = checkpoint(header)
        XCTAssertNil(checkpointError(bytes))
        guard case .exceedsLimit(_, let detail)? = checkpointError(bytes, limits: small) else { return XCTFail("header over 256 bytes") }
        XCTAssertTrue(detail.contains("more than the limit of 256"), detail)
    }

    func testCheckpoint_tensorsOverTheTotal_areRefused() {
        let header = #"{"a":{"dtype":"F32","shape":[100],"data_offsets":[0,400]},"b":{"dtype":"F32","shape":[60],"data_offsets":[400,640]}}"#
        XCTAssertNil(checkpointError(checkpoint(header, dataBytes: 640), limits: ResourceLimits(maximumElements: 100, maximumTotalElements: 160)))
        let error = checkpointError(checkpoint(header, dataBytes: 640), limits: small)
        guard case .exceedsLimit(_, let detail)? = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(detail.contains("up to 'b'") && detail.contains("150"), detail)
    }

    func testCheckpoint_offsetsBeyondTheFile_areRefused() {
        let error = checkpointError(checkpoint(#"{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 4))
        XCTAssertEqual(error, .offsetsOutOfBounds(file: "c.safetensors", tensor: "x", begin: 0, end: 16, dataSize: 4))
    }

    func testCheckpointReadContents_passesTheLimitsOn() throws {
        let path = NSTemporaryDirectory() + "gradflow-limits-\(UUID().uuidString).safetensors"
        try Checkpoint.write(tensors: ["w": Tensor.zeros([20, 20])], to: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertEqual(try Checkpoint.read(from: path)["w"]?.shape, [20, 20])
        XCTAssertThrowsError(try Checkpoint.readContents(from: path, limits: small)) { error in
            guard case .exceedsLimit? = error as? CheckpointError else { return XCTFail("\(error)") }
        }
    }

    // MARK: IDX

    private func idx(_ dimensions: [Int], dataBytes: Int) -> [UInt8] {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for size in dimensions { bytes += (0..<4).reversed().map { UInt8((size >> (8 * $0)) & 0xFF) } }
        return bytes + [UInt8](repeating: 7, count: dataBytes)
    }

    func testIDX_dimensionsOverTheLimit_areRefusedBeforeTheLengthIsCompared() {
        XCTAssertThrowsError(try IDXReader.parse(idx([0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], dataBytes: 0), file: "i.idx")) { error in
            guard case .exceedsLimit(let file, let detail)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, "i.idx")
            XCTAssertTrue(detail.contains("more than \(Int.max)"), detail)
        }
        XCTAssertThrowsError(try IDXReader.parse(idx([2, 3, 3], dataBytes: 18), limits: small.with(maximumElements: 17))) { error in
            guard case .exceedsLimit? = error as? DataError else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try IDXReader.parse(idx([2, 3, 3], dataBytes: 18), limits: small.with(maximumElements: 18)).dimensions, [2, 3, 3])
    }

    func testIDX_declaredSizeDifferentFromTheFileLength_isRefused() {
        XCTAssertThrowsError(try IDXReader.parse(idx([1000, 1000], dataBytes: 10), file: "i.idx")) { error in
            XCTAssertEqual(error as? DataError, .wrongFileLength(file: "i.idx", expected: 12 + 1_000_000, found: 22))
        }
    }
}

private extension ResourceLimits {
    func with(maximumElements: Int) -> ResourceLimits {
        var copy = self
        copy.maximumElements = maximumElements
        return copy
    }
}
