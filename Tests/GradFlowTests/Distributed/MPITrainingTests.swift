import Foundation
import XCTest
import GradFlow

/// Data-parallel training on MPI (`gradflow train --distributed mpi` under `mpirun` on localhost):
/// 1, 2 and 4 processes train to `==` weights (with dropout, Adam and a resumed run), and a single
/// process needs no MPI. Skipped when Open MPI is not installed — unless `GRADFLOW_REQUIRE_MPI=1`
/// (CI sets it after installing Open MPI), where a missing MPI is a failure.
final class MPITrainingTests: TemporaryFolderTestCase {
    private func mpirun() throws -> String {
        let candidates = ["/usr/bin/mpirun", "/usr/local/bin/mpirun"]
        let found = candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
        let library = ["/usr/lib/x86_64-linux-gnu/libmpi.so.40", "/usr/lib/aarch64-linux-gnu/libmpi.so.40", "/usr/lib/libmpi.so.40"]
            .contains { FileManager.default.fileExists(atPath: $0) } || ProcessInfo.processInfo.environment["GRADFLOW_MPI_LIBRARY"] != nil
        guard let found, library else {
            if ProcessInfo.processInfo.environment["GRADFLOW_REQUIRE_MPI"] == "1" {
                XCTFail("GRADFLOW_REQUIRE_MPI=1 but Open MPI is not installed (apt-get install openmpi-bin libopenmpi3)")
            }
            throw XCTSkip("Open MPI not installed (apt-get install openmpi-bin libopenmpi3): the MPI tests were skipped")
        }
        return found
    }

    /// `gradflow train ARGS` under `mpirun -n processes`.
    private func train(_ mpirun: String, processes: Int, _ arguments: [String]) throws -> (code: Int32, out: String) {
        let tool = try ToolBinary.required()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: mpirun)
        process.arguments = ["--allow-run-as-root", "--oversubscribe", "-n", "\(processes)", tool.path, "train"] + arguments
        process.currentDirectoryURL = ToolBinary.repository
        let pipe = Pipe()
        (process.standardOutput, process.standardError) = (pipe, pipe)
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    private func graph() throws -> String {
        let path = folder + "/iris-dropout.graph"
        try """
            input X       [batch, 4]
            input species [batch]
            param W1 [4, 16] xavier
            param b1 [16]
            param W2 [16, 3] xavier
            param b2 [3]
            logits = linear(dropout(relu(linear(X, W1, b1)), p: 0.2, seed: 3), W2, b2)
            loss   = softmax_ce(logits, species)
            data  csv("\(ToolBinary.repository.path)/Graphs/data/iris.csv", target: "species", standardize: true, test: 0.2)
            train adam(lr: 0.02) epochs 12 batch 16 seed 1
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func weights(_ path: String) throws -> [String: Tensor] {
        try Checkpoint.read(from: path).filter { !$0.key.hasPrefix("optimizer/") && !$0.key.hasPrefix("history/") }
    }

    func testOneTwoAndFourProcesses_trainToEqualWeights_andResume() throws {
        let mpirun = try mpirun()
        let file = try graph()
        var trained: [[String: Tensor]] = []
        for processes in [1, 2, 4] {
            let save = folder + "/w\(processes).safetensors"
            let run = try train(mpirun, processes: processes, [file, "--distributed", "mpi", "--save", save])
            XCTAssertEqual(run.code, 0, run.out)
            XCTAssertEqual(run.out.components(separatedBy: "saved a training checkpoint").count, 2, "rank 0 alone writes: \(run.out)")
            XCTAssertTrue(run.out.contains("test : loss"), run.out)
            trained.append(try weights(save))
            XCTAssertEqual(try Checkpoint.readContents(from: save).metadata["gradflow.world_size"], "\(processes)")
        }
        XCTAssertEqual(trained[0].keys.sorted(), ["W1", "W2", "b1", "b2"])
        XCTAssertEqual(trained[1], trained[0], "2 processes == 1")
        XCTAssertEqual(trained[2], trained[0], "4 processes == 1")

        // 6 epochs on 2 processes, resumed for the other 6 on 4: the weights of the run in one go.
        let half = folder + "/half.safetensors"
        XCTAssertEqual(try train(mpirun, processes: 2, [file, "--distributed", "mpi", "--epochs", "6", "--save", half]).code, 0)
        let resumed = try train(mpirun, processes: 4, [file, "--distributed", "mpi", "--resume", half, "--epochs", "12", "--save", half])
        XCTAssertEqual(resumed.code, 0, resumed.out)
        XCTAssertEqual(try weights(half), trained[0], "a resumed run equals one made in one go")

        let three = try train(mpirun, processes: 3, [file, "--distributed", "mpi"])
        XCTAssertNotEqual(three.code, 0)
        XCTAssertTrue(three.out.contains("needs a block count they divide"), three.out)
    }

    func testAMissingLibrary_isATypedErrorNamingThePackages() throws {
        let tool = try ToolBinary.required()
        let process = Process()
        process.executableURL = tool
        process.arguments = ["train", "Graphs/xor.graph", "--distributed", "mpi"]
        process.currentDirectoryURL = ToolBinary.repository
        process.environment = ProcessInfo.processInfo.environment.merging(["GRADFLOW_MPI_LIBRARY": "/nonexistent/libmpi.so.40"]) { _, new in new }
        let pipe = Pipe()
        (process.standardOutput, process.standardError) = (pipe, pipe)
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, output)
        XCTAssertTrue(output.contains("cannot load the MPI library /nonexistent/libmpi.so.40") && output.contains("apt-get install openmpi-bin libopenmpi3"), output)
        XCTAssertEqual(try ToolBinary.run(["train", "Graphs/xor.graph", "--blocks", "2"]).code, 2, "--blocks without --distributed is a usage error")
    }
}
