import CFuzzerDriver
import Foundation
import GradFlow

/// Smaller than the defaults so that each run stays fast under AddressSanitizer (the checks are the
/// same code; `FuzzRegressionTests` and `ResourceLimitsTests` cover the defaults).
private let fuzzLimits = ResourceLimits(maximumElements: 1_000_000, maximumTotalElements: 2_000_000)

/// libFuzzer entry: the bytes as a graph file, read as `GraphFile.load(path:)` reads one (UTF-8, at
/// most `GraphFile.maximumFileSize` bytes), then parsed and bound (no data loaded, no training).
/// Every input must end in a `GraphFile` or a `GraphFileError`; the error's message is formatted too.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraphFile(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard bytes.count <= GraphFile.maximumFileSize, let source = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        let file = try GraphFile(source: source, file: "fuzz.graph", directory: "/nonexistent", limits: fuzzLimits)
        _ = file.metric
        _ = try? file.featuresInput()
        _ = try? file.labelsInput()
    } catch {
        _ = error.description
    }
    return 0
}

/// The process entry under the name SwiftPM gives it (`FuzzGraphFile_main`): libFuzzer's driver with
/// `fuzzGraphFile` as the function under test.
@_cdecl("FuzzGraphFile_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    gradflow_run_fuzzer(argc, argv, fuzzGraphFile)
}
