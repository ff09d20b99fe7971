import Foundation
import XCTest
import GradFlow
@testable import GradFlowCore
@testable import GradFlowStorage
@testable import GradFlowTraining
@testable import GradFlowGraphFiles
@testable import GradFlowModels
@testable import GradFlowPictures

final class CheckpointTests: XCTestCase {
    private var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "gradflow-checkpoint-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The bytes of a safetensors file with a hand-written header (padded) and data section.
    private func file(header: String, data: [UInt8] = []) -> [UInt8] {
        var json = Array(header.utf8)
        while json.count % 8 != 0 { json.append(32) }
        var bytes: [UInt8] = []
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes += $0 }
        return bytes + json + data
    }

    func testWriteRead_roundTripsTensorsAndMetadata() throws {
        let tensors: [String: Tensor] = [
            "w": try Tensor([[1, -2.5, 3], [4, 5, .pi]]), "scalar": Tensor(7), "empty": Tensor.zeros([0, 3]),
            "quote\"and\\slash é": Tensor([Float.greatestFiniteMagnitude, -0.0, 1e-30]),
        ]
        let path = directory + "/round.safetensors"
        try Checkpoint.write(tensors: tensors, metadata: ["epoch": "3", "note": "line\nbreak"], to: path)
        let contents = try Checkpoint.readContents(from: path)
        XCTAssertEqual(contents.tensors, tensors)
        XCTAssertEqual(contents.metadata, ["epoch": "3", "note": "line\nbreak"])
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.contains(".tmp-") }
        XCTAssertEqual(leftovers, [], "the temporary file is renamed into place")
    }

    func testEncode_followsTheSafetensorsLayout() throws {
        let bytes = try Checkpoint.encode(.init(tensors: ["b": Tensor([1, 2]), "a": Tensor(3)]))
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        XCTAssertEqual(length % 8, 0, "the header is padded to a multiple of 8")
        let header = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        XCTAssertEqual(header.trimmingCharacters(in: .whitespaces),
                       #"{"a":{"dtype":"F32","shape":[],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#)
        XCTAssertEqual(Array(bytes[(8 + length)...]), [0, 0, 0x40, 0x40, 0, 0, 0x80, 0x3F, 0, 0, 0, 0x40])
    }

    func testDecode_malformedFiles_throwWhatIsWrong() {
        let four: [UInt8] = [0, 0, 0x80, 0x3F]
        let cases: [(String, [UInt8], CheckpointError)] = [
            ("fewer than 8 bytes", [1, 2, 3], .truncated(file: "f", size: 3)),
            ("header longer than the file", [200, 0, 0, 0, 0, 0, 0, 0, 123, 125], .headerLengthOutOfBounds(file: "f", headerLength: 200, fileSize: 10)),
            ("not JSON", file(header: "{\"a\": oops}"), .invalidHeader(file: "f", detail: "the header is not valid JSON (16 bytes)")),
            ("not an object", file(header: "[1, 2]"), .invalidHeader(file: "f", detail: "the header is not a JSON object")),
            ("wrong dtype", file(header: #"{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}"#, data: four + four),
             .unsupportedDtype(file: "f", tensor: "a", dtype: "F64")),
            ("missing shape", file(header: #"{"a":{"dtype":"F32","data_offsets":[0,4]}}"#, data: four),
             .invalidHeader(file: "f", detail: "entry 'a' has no \"shape\" list of sizes ≥ 0")),
            ("offsets past the end", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, data: four),
             .offsetsOutOfBounds(file: "f", tensor: "a", begin: 0, end: 8, dataSize: 4)),
            ("shape and offsets disagree", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}"#, data: four),
             .byteCountMismatch(file: "f", tensor: "a", shape: [2], bytes: 4)),
            ("overlap", file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#,
                             data: four + four), .overlappingTensors(file: "f", first: "a", second: "b")),
            ("reversed offsets", file(header: #"{"a":{"dtype":"F32","shape":[0],"data_offsets":[4,0]}}"#, data: four),
             .invalidHeader(file: "f", detail: "entry 'a' needs \"data_offsets\": [begin, end] with begin ≤ end")),
        ]
        for (label, bytes, expected) in cases {
            XCTAssertThrowsError(try Checkpoint.decode(bytes, file: "f"), label) { error in
                XCTAssertEqual(error as? CheckpointError, expected, label)
            }
        }
    }

    func testWrite_rejectsReservedNameAndUnwritablePath() {
        XCTAssertThrowsError(try Checkpoint.write(tensors: ["__metadata__": Tensor(1)], to: directory + "/x")) {
            XCTAssertEqual($0 as? CheckpointError, .reservedName("__metadata__"))
        }
        XCTAssertThrowsError(try Checkpoint.write(tensors: [:], to: directory + "/missing/dir/x")) {
            guard case .unwritable(let file, _)? = $0 as? CheckpointError else { return XCTFail("\($0)") }
            XCTAssertEqual(file, self.directory + "/missing/dir/x")
        }
    }

    private func trainedModel() throws -> Sequential {
        let model = Sequential(seed: 5) { Dense(6, activation: .relu); DropoutLayer(0.1); Dense(3) }
        model.compile(loss: .softmaxCrossEntropy, optimizer: try Adam(learningRate: 0.01), metrics: [.accuracy])
        var rng = RandomGenerator(seed: 2)
        let x = Tensor.randomNormal([20, 4], using: &rng)
        try model.fit(x, Tensor((0..<20).map { Float($0 % 3) }), epochs: 3, batchSize: 5, verbose: false)
        return model
    }

    func testSaveLoad_givesIdenticalPredictionsAndOptimizerState() throws {
        let original = try trainedModel()
        let path = directory + "/model.safetensors"
        try original.save(to: path)
        let restored = Sequential(seed: 99) { Dense(6, activation: .relu); DropoutLayer(0.1); Dense(3) }
        let adam = try Adam(learningRate: 0.01)
        restored.compile(loss: .softmaxCrossEntropy, optimizer: adam)
        try restored.build(inputShape: [4])
        let x = try Tensor([[0.1, 0.2, -0.3, 1], [2, -1, 0, 0.5]])
        XCTAssertNotEqual(try restored.predict(x), try original.predict(x))
        try restored.load(from: path)
        XCTAssertEqual(try restored.predict(x), try original.predict(x))
        XCTAssertEqual(adam.state, original.configuration?.optimizer.state)
        XCTAssertEqual(try Checkpoint.readContents(from: path).metadata["gradflow.input_shape"], "4")
    }

    func testLoad_badFiles_throwAndLeaveModelUnchanged() throws {
        let model = try trainedModel()
        let path = directory + "/model.safetensors"
        try model.save(to: path)
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let x = try Tensor([[1, 2, 3, 4]])
        let before = try model.predict(x)

        let wrongShape = directory + "/wrong.safetensors"
        try Checkpoint.write(tensors: ["dense0.weight": Tensor.zeros([5, 6]), "dense0.bias": Tensor.zeros([6]),
                                       "dense1.weight": Tensor.zeros([6, 3]), "dense1.bias": Tensor.zeros([3])], to: wrongShape)
        let missing = directory + "/missing.safetensors"
        try Checkpoint.write(tensors: ["dense0.weight": Tensor.zeros([4, 6])], to: missing)
        let extra = directory + "/extra.safetensors"
        var tensors = try Checkpoint.read(from: path)
        tensors["dense9.weight"] = Tensor(1)
        try Checkpoint.write(tensors: tensors, to: extra)
        let truncated = directory + "/truncated.safetensors"
        try Data(good.dropLast(10)).write(to: URL(fileURLWithPath: truncated))
        let corrupt = directory + "/corrupt.safetensors"
        var flipped = good
        flipped[12] = UInt8(ascii: "#")
        try Data(flipped).write(to: URL(fileURLWithPath: corrupt))

        let cases: [(String, (CheckpointError) -> Bool)] = [
            (wrongShape, { $0 == .parametersDoNotMatch(file: wrongShape, missing: [], unexpected: [],
                                                        shapes: ["'dense0.weight': file [5, 6], model [4, 6]"]) }),
            (missing, { $0 == .parametersDoNotMatch(file: missing, missing: ["dense0.bias", "dense1.weight", "dense1.bias"], unexpected: [], shapes: []) }),
            (extra, { $0 == .parametersDoNotMatch(file: extra, missing: [], unexpected: ["dense9.weight"], shapes: []) }),
            (truncated, { if case .offsetsOutOfBounds(truncated, _, _, _, _) = $0 { return true } else { return false } }),
            (corrupt, { if case .invalidHeader(corrupt, _) = $0 { return true } else { return false } }),
            (directory + "/absent", { if case .unreadable = $0 { return true } else { return false } }),
        ]
        for (file, matches) in cases {
            XCTAssertThrowsError(try model.load(from: file), file) { error in
                guard let error = error as? CheckpointError else { return XCTFail("\(error)") }
                XCTAssertTrue(matches(error), "\(file): \(error)")
            }
            XCTAssertEqual(try model.predict(x), before, "\(file) changed the model")
        }
    }

    func testLoad_beforeBuild_throwsModelNotBuilt() {
        XCTAssertThrowsError(try Sequential { Dense(1) }.load(from: directory + "/x")) {
            XCTAssertEqual($0 as? CheckpointError, .modelNotBuilt)
        }
    }
}
