import XCTest
import Foundation
import GradFlow

/// Saves under `kill -9`: the checkpoint is always the previous or the new valid file, and the
/// temporary files of killed writers are removed by the next save.
final class CrashedSaveTests: TemporaryFolderTestCase {
    private func names() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder).sorted() }

    /// The PID of a process that has exited (so no process has it, barring reuse within the test).
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testWrite_removesTemporariesOfDeadWriters_only() throws {
        let target = folder + "/ck.safetensors"
        let dead = try deadPID()
        let stale = "ck.safetensors.tmp-\(dead)"
        let live = "ck.safetensors.tmp-1"                 // init: always running
        let unrelated = ["ck.safetensors.tmp-notapid", "other.safetensors.tmp-\(dead)", "ck.safetensors.bak"]
        for name in [stale, live] + unrelated { XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data([1, 2]))) }
        try Checkpoint.write(tensors: ["w": Tensor([1, 2, 3])], to: target)
        XCTAssertEqual(try names(), ([live, "ck.safetensors"] + unrelated).sorted())
        XCTAssertEqual(try Checkpoint.read(from: target)["w"], Tensor([1, 2, 3]))
    }

    func testKillDashNine_duringSavesEveryEpoch_neverDamagesTheCheckpoint_andLeavesNoLitter() throws {
        let target = folder + "/ck.safetensors"
        let first = try ToolBinary.start(["train", "Graphs/iris.graph", "--epochs", "3", "--save", target])
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
        var generator = RandomGenerator(seed: 11)
        var killedWithLitter = 0
        for _ in 0..<24 {
            let process = try ToolBinary.start(["train", "Graphs/iris.graph", "--epochs", "1000000", "--save-every", "1", "--save", target])
            usleep(useconds_t(40_000 + generator.next() % 160_000))   // 40–200 ms: start-up, then saving every epoch
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal)
            // Always a whole checkpoint: the previous one or a newer one.
            let state = try TrainingCheckpoint.read(from: target)
            XCTAssertFalse(state.parameters.isEmpty)
            if try names().contains(where: { $0.hasPrefix("ck.safetensors.tmp-") }) { killedWithLitter += 1 }
        }
        // The next completed save removes every temporary file the killed writers left.
        let last = try ToolBinary.start(["train", "Graphs/iris.graph", "--epochs", "2", "--save", target])
        last.waitUntilExit()
        XCTAssertEqual(last.terminationStatus, 0)
        XCTAssertEqual(try names(), ["ck.safetensors"])
        print("kill -9 left a temporary file \(killedWithLitter) of 24 times; the next save removed them all")
    }
}
