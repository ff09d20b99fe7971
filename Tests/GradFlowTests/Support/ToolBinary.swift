import XCTest
import Foundation

/// The `gradflow` binary built next to the test bundle, and a way to run it from the repository.
enum ToolBinary {
    /// The repository's root (the graph files' paths are relative to it).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The binary, or nil when it was not built with the tests.
    static var url: URL? {
        let candidates = [URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent(),
                          Bundle(for: Marker.self).bundleURL.deletingLastPathComponent()]
        return candidates.map { $0.appendingPathComponent("gradflow") }.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    private final class Marker {}

    /// The binary, or an `XCTSkip` saying it is missing.
    static func required() throws -> URL {
        guard let url else { throw XCTSkip("gradflow is not built next to the tests") }
        return url
    }

    /// Starts `gradflow arguments…` in the repository with its output discarded.
    static func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try required()
        process.arguments = arguments
        process.currentDirectoryURL = repository
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// Runs `gradflow arguments…` in the repository to its end: exit status, standard output and error.
    static func run(_ arguments: [String]) throws -> (code: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = try required()
        process.arguments = arguments
        process.currentDirectoryURL = repository
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile(), errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}
