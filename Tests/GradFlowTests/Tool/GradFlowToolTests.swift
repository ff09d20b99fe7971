import XCTest
import Foundation

/// Runs the built `gradflow` binary: exit codes, stderr messages and the graph-file commands.
final class GradFlowToolTests: XCTestCase {
    override func setUpWithError() throws { _ = try ToolBinary.required() }

    private func run(_ arguments: [String]) throws -> (code: Int32, out: String, err: String) { try ToolBinary.run(arguments) }

    private func temporaryFile(_ name: String, _ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gradflow-tool-\(UUID().uuidString)-\(name)")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func testHelpAndUsageErrors_exitCodes() throws {
        XCTAssertEqual(try run(["--help"]).code, 0)
        XCTAssertEqual(try run(["help", "train"]).code, 0)
        XCTAssertTrue(try run(["help", "ops"]).out.contains("softmax_ce"))
        let missing = try run(["check"])
        XCTAssertEqual(missing.code, 2)
        XCTAssertTrue(missing.err.hasPrefix("gradflow: 'check' needs one graph file"))
        XCTAssertEqual(try run(["train", "Graphs/xor.graph", "--epoch", "3"]).code, 2)
        XCTAssertEqual(try run(["help", "nothing"]).code, 2)
    }

    func testCheck_passesOnDemo_andReportsErrorsWithLocation() throws {
        let ok = try run(["check", "Graphs/xor.graph"])
        XCTAssertEqual(ok.code, 0)
        XCTAssertTrue(ok.out.contains("gradient check passed"))
        let path = try temporaryFile("bad.graph", "input X [batch, 2]\nh = relu2(X)\n")
        let bad = try run(["check", path])
        XCTAssertEqual(bad.code, 1)
        XCTAssertEqual(bad.err, "\(path):2:5: error: unknown operation 'relu2'; did you mean 'relu'?\n")
    }

    func testDotAndPlan_printGraph() throws {
        let dot = try run(["dot", "Graphs/skip.graph"])
        XCTAssertEqual(dot.code, 0)
        XCTAssertTrue(dot.out.contains("Wr\\nparam [16, 16]"))
        let plan = try run(["plan", "Graphs/xor.graph", "--batch", "4"])
        XCTAssertEqual(plan.code, 0)
        XCTAssertTrue(plan.out.contains("Kahn order: "))
        XCTAssertTrue(plan.out.contains("total"))
    }

    func testTrainSaveEvalPredict_roundTrip() throws {
        let weights = FileManager.default.temporaryDirectory.appendingPathComponent("gradflow-tool-\(UUID().uuidString).safetensors").path
        let train = try run(["train", "Graphs/iris.graph", "--epochs", "3", "--save", weights])
        XCTAssertEqual(train.code, 0, train.err)
        XCTAssertTrue(train.out.contains("Epoch 3/3"))
        let eval = try run(["eval", "Graphs/iris.graph", "--weights", weights])
        XCTAssertEqual(eval.code, 0, eval.err)
        XCTAssertTrue(eval.out.contains("test : loss"))
        let rows = try temporaryFile("rows.csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n")
        let predict = try run(["predict", "Graphs/iris.graph", "--weights", weights, "--input", rows])
        XCTAssertEqual(predict.code, 0, predict.err)
        let lines = predict.out.split(separator: "\n")
        XCTAssertEqual(lines.first, "class,p0,p1,p2")
        XCTAssertEqual(lines.count, 3)
    }

    func testCLI_helpVersionAndDidYouMean_forCommandsAndFlags() throws {
        let version = try run(["--version"])
        XCTAssertEqual(version.code, 0)
        XCTAssertTrue(version.out.hasPrefix("gradflow "), version.out)
        let typo = try run(["trian", "Graphs/xor.graph"])
        XCTAssertEqual(typo.code, 2)
        XCTAssertTrue(typo.err.contains("unknown command 'trian'; did you mean 'train'?"), typo.err)
        let flag = try run(["train", "Graphs/xor.graph", "--epoch", "3"])
        XCTAssertEqual(flag.code, 2)
        XCTAssertTrue(flag.err.contains("no option '--epoch'; did you mean '--epochs'?"), flag.err)
        let short = try run(["train", "Graphs/xor.graph", "-e", "3"])
        XCTAssertEqual(short.code, 2)
        XCTAssertTrue(short.err.contains("no option '-e'; did you mean '--epochs'?"), short.err)
        for command in ["check", "train", "eval", "predict", "draw", "dot", "plan"] {
            for spelling in ["--help", "-h"] {
                let help = try run([command, spelling])
                XCTAssertEqual(help.code, 0, "\(command) \(spelling): \(help.err)")
                XCTAssertTrue(help.out.hasPrefix("usage: gradflow \(command)"), "\(command) \(spelling): \(help.out)")
            }
        }
        for arguments in [["help", "demo"], ["demo", "-h"]] {
            let demo = try run(arguments)
            XCTAssertEqual(demo.code, 0, "\(arguments)")
            XCTAssertTrue(demo.out.hasPrefix("usage: gradflow demo NAME"), "\(arguments): \(demo.out)")
        }
        let texts = try run(["--help"]).out + run(["help", "train"]).out
        for option in ["--batch", "--threads", "--mnist", "--quiet", "--log-every", "--init", "--report", "--version"] {
            XCTAssertTrue(texts.contains(option), option)
        }
    }

    func testCLI_logEveryQuietThreadsAndMissingFiles() throws {
        let every = try run(["train", "Graphs/xor.graph", "--log-every", "1000"])
        XCTAssertEqual(every.code, 0, every.err)
        XCTAssertEqual(every.out.split(separator: "\n").filter { $0.hasPrefix("Epoch ") }.map { $0.split(separator: " ")[1] },
                       ["1000/3000", "2000/3000", "3000/3000"])
        let quiet = try run(["train", "Graphs/xor.graph", "--quiet", "--threads", "1"])
        XCTAssertEqual(quiet.code, 0, quiet.err)
        XCTAssertFalse(quiet.out.contains("Epoch "), quiet.out)
        XCTAssertTrue(quiet.out.contains("test : loss"), quiet.out)
        XCTAssertEqual(try run(["train", "Graphs/xor.graph", "--threads", "0"]).code, 2)
        XCTAssertEqual(try run(["train", "Graphs/xor.graph", "--quiet", "--log-every", "5"]).code, 2)
        let missing = try run(["check", "/nonexistent/model.graph"])
        XCTAssertEqual(missing.code, 1)
        XCTAssertEqual(missing.err, "/nonexistent/model.graph: error: no such file\n")
        let folder = try run(["check", "/tmp"])
        XCTAssertTrue(folder.err.hasPrefix("/tmp: error: is a directory"), folder.err)
    }
}
