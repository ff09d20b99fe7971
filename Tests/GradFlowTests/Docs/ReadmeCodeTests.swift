import Foundation
import XCTest

/// README code is part of the product: every ```swift block of README.md and docs/*.md is built as
/// its own program in a scratch package that depends on GradFlow by path (as a user's package
/// would), run, and its claims checked.
///
/// A claim is the comment after a `print(…)` (and the comment-only lines right below it whose `//` is
/// in the same column): the line(s)
/// the print must write, up to a `": "` that starts an explanation. A claim starting with `≈` compares
/// numbers to within half a unit of the last digit written (`≈ 0.981` means 0.9805…0.9815); otherwise
/// the line must appear as written. Claims are matched in order in the program's output. Blocks
/// that read MNIST are skipped, with a message, when `../shared/datasets/mnist` is absent. Compiler
/// errors point at the README line (`#sourceLocation`).
///
/// Slow (a release build of the library in the scratch package, then the programs), so it runs when
/// `GRADFLOW_CHECK_README=1`, which `make test` sets.
final class ReadmeCodeTests: XCTestCase {
    private static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// One ```swift block; `runs` is false when the line before it is `<!-- build only -->` (a
    /// block whose run takes longer than a test may: it is compiled, and its figure comes from the
    /// demo that runs the same code).
    struct Block {
        var file: String, line: Int, code: String
        var name: String
        var runs = true
    }

    /// One claim: the lines a print must write, and whether numbers are compared approximately.
    struct Claim: Equatable {
        var lines: [String], approximate: Bool, sourceLine: Int
    }

    static func blocks(in text: String, file: String) -> [Block] {
        var blocks: [Block] = [], current: [String]? = nil, start = 0, buildOnly = false
        let lines = text.components(separatedBy: "\n")
        for (index, line) in lines.enumerated() {
            if current == nil, line.hasPrefix("```swift") {
                (current, start) = ([], index + 2)
                buildOnly = index > 0 && lines[index - 1].trimmingCharacters(in: .whitespaces) == "<!-- build only -->"
                continue
            }
            if current != nil, line.hasPrefix("```") {
                let code = current!.joined(separator: "\n")
                if !code.contains("import PackageDescription") {
                    blocks.append(Block(file: file, line: start, code: code, name: "", runs: !buildOnly))
                }
                current = nil
                continue
            }
            current?.append(line)
        }
        return blocks
    }

    static func claims(in block: Block) -> [Claim] {
        var claims: [Claim] = []
        let lines = block.code.components(separatedBy: "\n")
        var index = 0
        while index < lines.count {
            let line = lines[index]
            guard line.contains("print("), let range = line.range(of: "// ") else { index += 1; continue }
            var expected = [String(line[range.upperBound...])]
            let column = line.distance(from: line.startIndex, to: range.lowerBound)
            var next = index + 1
            // Continuation lines: comment-only lines whose `//` is in the same column as the claim's.
            while next < lines.count, lines[next].trimmingCharacters(in: .whitespaces).hasPrefix("//"),
                  let comment = lines[next].range(of: "//"),
                  lines[next].distance(from: lines[next].startIndex, to: comment.lowerBound) == column {
                var text = String(lines[next][comment.upperBound...])
                if text.hasPrefix(" ") { text.removeFirst() }
                expected.append(text)
                next += 1
            }
            if let explanation = expected[0].range(of: ": ") { expected[0] = String(expected[0][..<explanation.lowerBound]) }
            let approximate = expected[0].hasPrefix("≈ ")
            if approximate { expected[0].removeFirst(2) }
            claims.append(Claim(lines: expected, approximate: approximate, sourceLine: block.line + index))
            index = next
        }
        return claims
    }

    /// The numbers in `text`, in order (`[[0.012] [0.98]]` → 0.012, 0.98).
    static func numbers(in text: String) -> [(value: Double, decimals: Int)] {
        var result: [(Double, Int)] = []
        let pattern = try! NSRegularExpression(pattern: "-?[0-9]+(\\.[0-9]+)?(e-?[0-9]+)?")
        let ns = text as NSString
        for match in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) {
            let token = ns.substring(with: match.range)
            let decimals = token.split(separator: ".").dropFirst().first.map { $0.prefix { $0.isNumber }.count } ?? 0
            if let value = Double(token) { result.append((value, decimals)) }
        }
        return result
    }

    static func line(_ actual: String, satisfies expected: String, approximately: Bool) -> Bool {
        guard approximately else { return actual == expected }
        let (want, got) = (numbers(in: expected), numbers(in: actual))
        guard want.count == got.count, !want.isEmpty else { return false }
        return zip(want, got).allSatisfy { abs($0.value - $1.value) <= 0.5 * pow(10, -Double($0.decimals)) + 1e-12 }
    }

    /// Whether the claims appear in `output`, in order; the first that does not, otherwise nil.
    static func firstUnmet(_ claims: [Claim], in output: [String]) -> Claim? {
        var position = 0
        for claim in claims {
            var found = false
            if claim.approximate {
                // The claim's numbers against those of the output from one line on (a tensor prints
                // over several lines), as many lines as it takes.
                let wanted = claim.lines.joined(separator: " ")
                let count = numbers(in: wanted).count
                while position < output.count, !found {
                    var end = position, text = ""
                    while end < output.count, numbers(in: text).count < count { text += " " + output[end]; end += 1 }
                    found = !numbers(in: output[position]).isEmpty && line(text, satisfies: wanted, approximately: true)
                    position = found ? end : position + 1
                }
                if !found { return claim }
                continue
            }
            while position + claim.lines.count <= output.count {
                let window = output[position..<(position + claim.lines.count)]
                let matches = zip(window, claim.lines).allSatisfy { line($0, satisfies: $1, approximately: claim.approximate) }
                position += 1
                if matches { found = true; position += claim.lines.count - 1; break }
            }
            if !found { return claim }
        }
        return nil
    }

    func testClaimParsingAndMatching() {
        let block = Block(file: "R.md", line: 10, code: """
            print(a)        // [[1. 2. 3.]
                            //  [4. 5. 6.]]
            print(b)        // ≈ [2.0, 1.0]: weight and bias
            // not a claim: a comment in another column
            for _ in 0..<3 { print("noise") }
            print(c)
            """, name: "")
        let claims = Self.claims(in: block)
        XCTAssertEqual(claims, [Claim(lines: ["[[1. 2. 3.]", " [4. 5. 6.]]"], approximate: false, sourceLine: 10),
                                Claim(lines: ["[2.0, 1.0]"], approximate: true, sourceLine: 12)])
        XCTAssertNil(Self.firstUnmet(claims, in: ["x", "[[1. 2. 3.]", " [4. 5. 6.]]", "[2.03, 0.96]"]))
        XCTAssertEqual(Self.firstUnmet(claims, in: ["[[1. 2. 3.]", " [4. 5. 6.]]", "[2.1, 1.0]"])?.sourceLine, 12)
        XCTAssertEqual(Self.firstUnmet(claims, in: ["[2.0, 1.0]", "[[1. 2. 3.]", " [4. 5. 6.]]"])?.sourceLine, 12, "order counts")
        XCTAssertNil(Self.firstUnmet([Claim(lines: ["[[0.05] [0.98]]"], approximate: true, sourceLine: 1)],
                                     in: ["done", "[[0.0516 ]", " [0.9828 ]]"]), "a tensor printed over several lines")
        XCTAssertTrue(Self.line("0.98104", satisfies: "0.981", approximately: true))
        XCTAssertFalse(Self.line("0.9799", satisfies: "0.981", approximately: true))
    }

    func testEveryReadmeSwiftBlock_compilesRunsAndPrintsWhatItClaims() throws {
        guard ProcessInfo.processInfo.environment["GRADFLOW_CHECK_README"] == "1" else {
            throw XCTSkip("set GRADFLOW_CHECK_README=1 to build and run the README's code (make test does)")
        }
        let fileManager = FileManager.default
        var documents = ["README.md"]
        let docs = Self.root.appendingPathComponent("docs")
        for name in (try? fileManager.contentsOfDirectory(atPath: docs.path))?.sorted() ?? [] where name.hasSuffix(".md") {
            documents.append("docs/" + name)
        }
        var blocks: [Block] = []
        for document in documents {
            let text = try String(contentsOf: Self.root.appendingPathComponent(document), encoding: .utf8)
            blocks += Self.blocks(in: text, file: document)
        }
        XCTAssertGreaterThanOrEqual(blocks.count, 10, "README's swift blocks were not found")
        for index in blocks.indices { blocks[index].name = String(format: "Block%02d", index + 1) }

        // The scratch package: one executable per block, GradFlow by path. Kept between runs (incremental).
        let scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("gradflow-readme-check")
        try? fileManager.removeItem(at: scratch.appendingPathComponent("Sources"))
        for block in blocks {
            let folder = scratch.appendingPathComponent("Sources/\(block.name)")
            try fileManager.createDirectory(at: folder, withIntermediateDirectories: true)
            let source = "#sourceLocation(file: \"\(Self.root.appendingPathComponent(block.file).path)\", line: \(block.line))\n" + block.code + "\n"
            try source.write(to: folder.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        }
        let identity = Self.root.lastPathComponent.lowercased()
        let targets = blocks.map {
            "        .executableTarget(name: \"\($0.name)\", dependencies: [.product(name: \"GradFlow\", package: \"\(identity)\")]),"
        }
        let manifest = """
            // swift-tools-version:6.3
            import PackageDescription
            let package = Package(
                name: "ReadmeCheck",
                platforms: [.macOS(.v15)],
                dependencies: [.package(path: "\(Self.root.path)")],
                targets: [
            \(targets.joined(separator: "\n"))
                ]
            )
            """
        try manifest.write(to: scratch.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
        let build = try Self.run("/usr/bin/env", ["swift", "build", "-c", "release", "--package-path", scratch.path], in: scratch)
        guard build.status == 0 else {
            let errors = build.output.components(separatedBy: "\n").filter { $0.contains("error:") }
            return XCTFail("the README's code does not build:\n" + (errors.isEmpty ? build.output : errors.joined(separator: "\n")))
        }

        // Run each from a folder laid out like the repository (Graphs/ and ../shared), so relative
        // paths work and the files the blocks write land outside the repository.
        let work = scratch.appendingPathComponent("run/main")
        try fileManager.createDirectory(at: work, withIntermediateDirectories: true)
        for (link, target) in [(work.appendingPathComponent("Graphs"), Self.root.appendingPathComponent("Graphs")),
                               (scratch.appendingPathComponent("run/shared"), Self.root.deletingLastPathComponent().appendingPathComponent("shared"))] {
            try? fileManager.removeItem(at: link)
            try fileManager.createSymbolicLink(at: link, withDestinationURL: target)
        }
        let hasMNIST = fileManager.fileExists(atPath: scratch.appendingPathComponent("run/shared/datasets/mnist").path)
        for block in blocks {
            let place = "\(block.file):\(block.line)"
            guard block.runs else { print("ReadmeCodeTests: \(place) is built, not run (marked build only)"); continue }
            if block.code.contains("MNIST"), !hasMNIST {
                print("ReadmeCodeTests: skipped \(place) (it reads MNIST from ../shared/datasets/mnist, which is absent)")
                continue
            }
            let result = try Self.run(scratch.appendingPathComponent(".build/release/\(block.name)").path, [], in: work)
            guard result.status == 0 else {
                XCTFail("\(place): the block exits with status \(result.status):\n\(result.output.suffix(2000))")
                continue
            }
            let output = result.output.components(separatedBy: "\n")
            if let unmet = Self.firstUnmet(Self.claims(in: block), in: output) {
                XCTFail("\(block.file):\(unmet.sourceLine): claims \(unmet.approximate ? "≈ " : "")\(unmet.lines.joined(separator: "⏎")) "
                        + "but the block printed:\n\(output.suffix(40).joined(separator: "\n"))")
            }
        }
    }

    /// Runs a program, returning its exit status and its standard output and error together.
    static func run(_ path: String, _ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
