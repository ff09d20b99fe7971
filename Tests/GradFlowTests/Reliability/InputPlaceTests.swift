import XCTest
import Foundation
import GradFlow
@testable import GradFlowCore
@testable import GradFlowStorage
@testable import GradFlowData
@testable import GradFlowGraphFiles
@testable import GradFlowModels
@testable import GradFlowPictures

/// Bad inputs named with their place: paths that are not files, duplicate tensor names, labels a
/// model cannot take (with the file's line), IDX files that disagree, inputs of the wrong width.
final class InputPlaceTests: TemporaryFolderTestCase {

    func testEveryReader_refusesWhatIsNotARegularFile_sayingWhatItIs() throws {
        let fifo = folder + "/pipe"
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        for (path, what) in [(folder, "is a directory"), (fifo, "is not a regular file (a FIFO)"),
                             ("/dev/zero", "is not a regular file (a character device)")] {
            XCTAssertThrowsError(try Checkpoint.readContents(from: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path): cannot read the checkpoint: \(what)"), "\(error)")
            }
            XCTAssertThrowsError(try IDXReader.read(path: path)) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path): cannot read: \(what)"), "\(error)")
            }
            XCTAssertThrowsError(try CSVReader.load(path: path, target: "y")) { error in
                XCTAssertTrue("\(error)".hasPrefix("\(path): cannot read: \(what)"), "\(error)")
            }
        }
        _ = try ToolBinary.required()
        for arguments in [["eval", "Graphs/iris.graph", "--weights", folder], ["train", "Graphs/iris.graph", "--resume", fifo],
                          ["train", "Graphs/iris.graph", "--init", "/dev/zero"],
                          ["predict", "Graphs/iris.graph", "--weights", folder, "--input", "Graphs/data/iris.csv"]] {
            let result = try ToolBinary.run(arguments)
            XCTAssertEqual(result.code, 1, "\(arguments)")
            XCTAssertTrue(result.err.contains("is a directory") || result.err.contains("is not a regular file"), "\(arguments): \(result.err)")
            XCTAssertFalse(result.err.contains("NSCocoaErrorDomain") || result.err.contains("permission"), result.err)
        }
    }

    func testSafetensors_aTensorNamedTwice_isRefused() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        var bytes = withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian, Array.init)
        bytes += Array(header.utf8) + [UInt8](repeating: 0, count: 8)
        XCTAssertThrowsError(try Checkpoint.decode(bytes, file: "twice.safetensors")) { error in
            XCTAssertEqual("\(error)", "twice.safetensors: invalid safetensors header: the header names 'w' twice; each tensor must appear once")
        }
        // The same name written with an escape is the same name.
        let escaped = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\u0077":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#
        XCTAssertEqual(SafetensorsHeader.firstRepeatedTopLevelKey(ArraySlice(Array(escaped.utf8))), "w")
        XCTAssertNil(SafetensorsHeader.firstRepeatedTopLevelKey(ArraySlice(Array(#"{"a":{"x":1},"b":{"x":2},"__metadata__":{"a":"b"}}"#.utf8))))
    }

    func testLabelOutOfRange_isNamedByFileAndLine_notByBatchPosition() throws {
        let csv = folder + "/flowers.csv"
        try "x1,x2,species\n0.1,0.2,0\n\n0.3,0.4,1\n0.5,0.6,7\n0.7,0.8,2\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let file = try GraphFile(source: """
            input X [batch, 2]
            input species [batch]
            param W [2, 3] xavier
            param b [3] zeros
            loss = softmax_ce(linear(X, W, b), species)
            data csv("flowers.csv", target: "species")
            train sgd(lr: 0.1) epochs 1 batch 2 seed 9
            """, directory: folder)
        XCTAssertEqual(file.labelRule, .classes(3))
        XCTAssertThrowsError(try XCTUnwrap(file.data).source.load(seed: 9, labels: file.labelRule)) { error in
            XCTAssertEqual("\(error)", "\(csv):5: the label 7.0 is not a class index in 0..<3 (the model has 3 classes) (column 'species')")
        }
        XCTAssertEqual(CSVReader.lineNumber(ofRow: 0, path: csv), 2)
        XCTAssertEqual(CSVReader.lineNumber(ofRow: 1, path: csv), 4)
        XCTAssertNil(CSVReader.lineNumber(ofRow: 9, path: csv))
    }

    /// An IDX file of unsigned bytes with the given dimensions and zero data.
    private func idx(_ name: String, _ dimensions: [UInt32]) throws {
        var bytes: [UInt8] = [0, 0, 8, UInt8(dimensions.count)]
        for size in dimensions { bytes += withUnsafeBytes(of: size.bigEndian, Array.init) }
        bytes += [UInt8](repeating: 0, count: Int(dimensions.reduce(1, *)))
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
    }

    func testMNIST_imageAndLabelCountsThatDiffer_nameBothFiles() throws {
        try idx("train-images-idx3-ubyte", [3, 28, 28])
        try idx("train-labels-idx1-ubyte", [2])
        try idx("t10k-images-idx3-ubyte", [1, 28, 28])
        try idx("t10k-labels-idx1-ubyte", [1])
        XCTAssertThrowsError(try MNIST.load(directory: folder)) { error in
            XCTAssertEqual(error as? DataError, .exampleCountMismatch(images: folder + "/train-images-idx3-ubyte", imageCount: 3,
                                                                      labels: folder + "/train-labels-idx1-ubyte", labelCount: 2))
            XCTAssertTrue("\(error)".contains("holds 3 images but"), "\(error)")
        }
    }

    func testPredict_inputOfTheWrongWidth_namesTheFileAndTheGraphInput() throws {
        _ = try ToolBinary.required()
        let weights = folder + "/w.safetensors", input = folder + "/narrow.csv"
        XCTAssertEqual(try ToolBinary.run(["train", "Graphs/diabetes.graph", "--epochs", "1", "--save", weights]).code, 0)
        try "age,sex\n0.1,0.2\n".write(toFile: input, atomically: true, encoding: .utf8)
        let result = try ToolBinary.run(["predict", "Graphs/diabetes.graph", "--weights", weights, "--input", input])
        XCTAssertEqual(result.code, 1)
        XCTAssertTrue(result.err.contains("\(input): each row has 2 feature columns, but the graph's input 'X' takes 10"), result.err)
        XCTAssertFalse(result.err.contains("Standardizer"), result.err)
    }

    func testPredict_needsNoTrainingData_whenTheCheckpointHoldsTheStatistics() throws {
        _ = try ToolBinary.required()
        let data = folder + "/data"
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ToolBinary.repository.appendingPathComponent("Graphs/data/iris.csv").path, toPath: data + "/iris.csv")
        try FileManager.default.copyItem(atPath: ToolBinary.repository.appendingPathComponent("Graphs/iris.graph").path, toPath: folder + "/iris.graph")
        let weights = folder + "/w.safetensors", input = folder + "/in.csv"
        XCTAssertEqual(try ToolBinary.run(["train", folder + "/iris.graph", "--save", weights]).code, 0)
        let rows = try String(contentsOfFile: data + "/iris.csv", encoding: .utf8).split(separator: "\n").prefix(3)
        try (rows.joined(separator: "\n") + "\n").write(toFile: input, atomically: true, encoding: .utf8)
        let before = try ToolBinary.run(["predict", folder + "/iris.graph", "--weights", weights, "--input", input])
        try FileManager.default.removeItem(atPath: data + "/iris.csv")
        let after = try ToolBinary.run(["predict", folder + "/iris.graph", "--weights", weights, "--input", input])
        XCTAssertEqual(after.code, 0, after.err)
        XCTAssertEqual(after.out, before.out)
        XCTAssertTrue(after.out.hasPrefix("class,p0,p1,p2\n0,"), after.out)
    }
}
