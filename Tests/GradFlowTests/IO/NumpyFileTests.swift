import Foundation
import XCTest
import GradFlow

/// `.npy` and `.npz` against files numpy wrote (`Fixtures/numpy`, made by
/// `scripts/make_npy_fixtures.py`): every supported dtype, format version 2.0, stored and deflated
/// archives; the typed refusals (Fortran order, big-endian, pickles, other dtypes, damage); round
/// trips; byte-flipped inputs ending in a value or a `NumpyError`; and numpy reading GradFlow's files
/// when a Python with numpy is at hand.
final class NumpyFileTests: XCTestCase {
    private static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/numpy").path

    private struct Expected: Decodable { let shape: [Int]; let values: [Double] }

    private func expected() throws -> [String: Expected] {
        let data = try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/expected.json"))
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        var result: [String: Expected] = [:]
        for (name, value) in object {
            guard let entry = value as? [String: Any], let shape = entry["shape"] as? [Int], let values = entry["values"] as? [Double] else { continue }
            result[name] = Expected(shape: shape, values: values)
        }
        return result
    }

    func testEveryDtypeNumpyWrote_readsWithItsShapeAndValues() throws {
        let table = try expected()
        for name in ["f4", "f8", "i8", "i4", "u1", "b1", "scalar", "empty", "rank3", "version2"] {
            let array = try NPYFile.read(path: Self.folder + "/\(name).npy")
            let want = try XCTUnwrap(table[name], name)
            XCTAssertEqual(array.shape, want.shape, name)
            XCTAssertEqual(array.tensor.scalars, want.values.map { Float($0) }, name)
        }
        guard case .float64(let doubles) = try NPYFile.read(path: Self.folder + "/f8.npy").elements else { return XCTFail("f8 is float64") }
        for (value, want) in zip(doubles, table["f8"]!.values) {   // to JSON's precision (Foundation's parser may differ in the last bit)
            XCTAssertEqual(value, want, accuracy: abs(want) * 1e-15, "float64 kept as float64")
        }
        guard case .int64(let integers) = try NPYFile.read(path: Self.folder + "/i8.npy").elements else { return XCTFail("i8 is int64") }
        XCTAssertEqual(integers, (-3..<9).map(Int64.init))
        XCTAssertEqual(try NPYFile.read(path: Self.folder + "/b1.npy").elements, .bool([true, false, true, true]))
    }

    func testArchives_storedAndDeflated_readAsNumpyWroteThem() throws {
        let table = try expected()
        let stored = try NPZArchive.read(path: Self.folder + "/weights.npz")
        let compressed = try NPZArchive.read(path: Self.folder + "/compressed.npz")
        XCTAssertEqual(Set(stored.keys), ["W1", "b1"])
        XCTAssertEqual(Set(compressed.keys), ["W1", "b1", "big", "labels"])
        let npz = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.folder + "/expected.json"))) as! [String: Any]
        let weights = npz["npz"] as! [String: [String: Any]]
        for (name, entry) in weights {
            XCTAssertEqual(stored[name]?.shape, entry["shape"] as? [Int])
            XCTAssertEqual(stored[name]?.tensor.scalars, (entry["values"] as! [Double]).map { Float($0) })
            XCTAssertEqual(compressed[name], stored[name], "deflated members equal stored ones")
        }
        let big = try XCTUnwrap(compressed["big"]).tensor
        XCTAssertEqual(big.shape, [40, 100])
        XCTAssertEqual(Double(big.scalars.reduce(0, +)), npz["compressed_big_sum"] as! Double)
        XCTAssertEqual(compressed["labels"]?.elements, .int64((0..<40).map { Int64($0 % 3) }))
        XCTAssertNotNil(table["f4"])
    }

    func testRefusals_areTypedAndSayHowToConvert() throws {
        let cases: [(String, String)] = [("fortran", "np.ascontiguousarray"), ("bigendian", "newbyteorder"), ("object", "pickles"),
                                         ("complex", "dtype '<c8' is not supported")]
        for (name, hint) in cases {
            XCTAssertThrowsError(try NPYFile.read(path: Self.folder + "/\(name).npy")) { error in
                guard case .unsupported? = error as? NumpyError else { return XCTFail("\(name): \(error)") }
                XCTAssertTrue("\(error)".contains(hint), "\(error)")
            }
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/f4.npy")))
        bytes.removeLast()
        XCTAssertThrowsError(try bytes.withUnsafeBytes { try NPYFile.parse($0, file: "cut.npy") }) { error in
            XCTAssertTrue("\(error)".contains("needs 24 data bytes, the file has 23"), "\(error)")
        }
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (99999, 99999), }" + String(repeating: " ", count: 52) + "\n"
        let huge = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count), 0] + Array(header.utf8)
        XCTAssertThrowsError(try huge.withUnsafeBytes { try NPYFile.parse($0, file: "huge.npy") }) { error in
            guard case .exceedsLimit? = error as? NumpyError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try NPZArchive.read(path: Self.folder + "/f4.npy")) { XCTAssertTrue("\($0)".contains("end-of-central-directory"), "\($0)") }
        XCTAssertThrowsError(try NPYFile.read(path: Self.folder + "/absent.npy")) { guard case .unreadable? = $0 as? NumpyError else { return XCTFail("\($0)") } }
    }

    func testWrittenFiles_readBackEqual() throws {
        let folder = NSTemporaryDirectory() + "gradflow-npy-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let arrays: [String: NumpyArray] = [
            "f": try NumpyArray(shape: [2, 2], elements: .float32([1, -2, 3.5, .infinity])),
            "d": try NumpyArray(shape: [3], elements: .float64([.pi, -1, 0])),
            "l": try NumpyArray(shape: [1, 3], elements: .int64([-1, 0, Int64.max])),
            "i": try NumpyArray(shape: [], elements: .int32([42])),
            "u": try NumpyArray(shape: [2], elements: .uint8([0, 255])),
            "b": try NumpyArray(shape: [2], elements: .bool([false, true])),
            "e": try NumpyArray(shape: [0, 4], elements: .float32([])),
        ]
        for (name, array) in arrays {
            try NPYFile.write(array, to: folder + "/\(name).npy")
            XCTAssertEqual(try NPYFile.read(path: folder + "/\(name).npy"), array, name)
            XCTAssertEqual(NPYFile.encode(array).count % 64, (array.elements.count * [1, 4, 8][name == "d" || name == "l" ? 2 : "ub".contains(name) ? 0 : 1]) % 64,
                           "the header is padded to 64 bytes")
        }
        try NPZArchive.write(arrays, to: folder + "/all.npz")
        XCTAssertEqual(try NPZArchive.read(path: folder + "/all.npz"), arrays)
    }

    func testFlippedBytes_endInAValueOrATypedError() throws {
        var generator = RandomGenerator(seed: 17)
        for name in ["f4.npy", "i8.npy", "weights.npz", "compressed.npz"] {
            let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.folder + "/\(name)")))
            for _ in 0..<300 {
                var bytes = original
                for _ in 0..<(1 + Int(generator.next() % 3)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] ^= UInt8(1 << (generator.next() % 8))
                }
                if Bool.random(using: &generator) { bytes.removeLast(Int(generator.next() % UInt64(bytes.count / 2))) }
                do {
                    _ = try bytes.withUnsafeBytes { raw in
                        name.hasSuffix("npz") ? try NPZArchive.parse(raw, file: name).count : try NPYFile.parse(raw, file: name).elements.count
                    }
                } catch let error as NumpyError {
                    XCTAssertFalse(error.description.isEmpty)
                }
            }
        }
    }

    func testNumpyReadsGradFlowsFiles() throws {
        let python = try OutsideResources.python(importing: "numpy")
        let root = URL(fileURLWithPath: Self.folder)
        let folder = NSTemporaryDirectory() + "gradflow-npy-py-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try NPYFile.write(try NumpyArray(shape: [2, 3], elements: .float32([1, 2, 3, 4, 5, 6.5])), to: folder + "/a.npy")
        try NPZArchive.write(["x": try NumpyArray(shape: [2], elements: .int64([7, -8])), "y": try NumpyArray(shape: [], elements: .bool([true]))],
                             to: folder + "/b.npz")
        let script = """
            import numpy as np
            a = np.load("\(folder)/a.npy"); b = np.load("\(folder)/b.npz")
            assert a.dtype == np.float32 and a.shape == (2, 3) and a[1, 2] == 6.5, a
            assert b["x"].dtype == np.int64 and list(b["x"]) == [7, -8] and b["y"].shape == () and bool(b["y"]), dict(b)
            print("numpy read both")
            """
        let result = try ReadmeCodeTests.run(python, ["-c", script], in: root)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("numpy read both"), result.output)
    }
}
