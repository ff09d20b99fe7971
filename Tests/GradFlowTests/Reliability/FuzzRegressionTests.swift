import Foundation
import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowStorage
@testable import GradFlowGraphFiles

/// Every input on which a fuzzer (`Tests/Fuzz`) found a crash, inlined: each must now end in a value
/// or a typed error whose message can be formatted. Named after the fuzzer and what the input does.
final class FuzzRegressionTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "gradflow-fuzz-regressions-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    private func write(_ bytes: [UInt8], name: String) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    private func bytes(base64: String) throws -> [UInt8] {
        [UInt8](try XCTUnwrap(Data(base64Encoded: base64)))
    }

    // MARK: FuzzIDX

    /// FuzzIDX crash-832c701f: `00 00 08 03`, dimensions [0, 0xFFFFFFFF, 0xFFFFFFFF], no data. The
    /// zero made the element count 0, so the header passed its checks, and `loadImages` then trapped
    /// computing rows·columns = 2^64. (Fix: `IDXReader.parse` bounds every partial product.)
    func testFuzzIDX_zeroCountWithHugeRowsAndColumns_isRefused() throws {
        let input = try bytes(base64: "AAAIAwAAAAD//////////w==")
        XCTAssertThrowsError(try IDXReader.parse(input)) { error in
            guard case .exceedsLimit? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertFalse("\(error)".isEmpty)
        }
        let path = try write(input, name: "zero-and-huge.idx")
        XCTAssertThrowsError(try IDXReader.loadImages(path: path)) { error in
            guard case .exceedsLimit(let file, _)? = error as? DataError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, path)
        }
    }

    // MARK: FuzzSafetensors

    /// FuzzSafetensors crash-de1f03cd: a tensor of shape [2^32, 2^32, 2^32] with offsets [0, 4]. It
    /// was refused with `.byteCountMismatch`, whose message then trapped multiplying the sizes.
    /// (Fix: the message computes the byte count overflow-checked; the shape is now refused earlier,
    /// by `ResourceLimits.maximumElements`.)
    func testFuzzSafetensors_shapeWhoseByteCountOverflows_isRefusedAndDescribed() throws {
        let input = try bytes(base64: "WAAAAAAAAAB7IngiOnsiZHR5cGUiOiJGMzIiLCJzaGFwZSI6WzQyOTQ5NjcyOTYsNDI5NDk2NzI5Niw0Mjk0OTY3Mjk2XSwiZGF0YV9vZmZzZXRzIjpbMCw0XX19ICAgAACAPw==")
        XCTAssertThrowsError(try Checkpoint.decode(input, file: "crash.safetensors")) { error in
            guard case .exceedsLimit? = error as? CheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".hasPrefix("crash.safetensors: tensor 'x'"), "\(error)")
        }
        let unlimited = ResourceLimits(maximumElements: .max, maximumTotalElements: .max)
        XCTAssertThrowsError(try Checkpoint.decode(input, file: "crash.safetensors", limits: unlimited)) { error in
            guard case .exceedsLimit(_, let detail)? = error as? CheckpointError else { return XCTFail("\(error)") }
            XCTAssertTrue(detail.contains("more than \(Int.max)"), detail)
        }
        let overflowing = CheckpointError.byteCountMismatch(file: "f", tensor: "t", shape: [1 << 32, 1 << 32, 1 << 32], bytes: 4)
        XCTAssertTrue(overflowing.description.contains("needs more than \(Int.max) bytes"), overflowing.description)
        let zeroSized = CheckpointError.byteCountMismatch(file: "f", tensor: "t", shape: [1 << 40, 1 << 40, 0], bytes: 4)
        XCTAssertTrue(zeroSized.description.contains("needs 0 bytes"), zeroSized.description)
    }
}
