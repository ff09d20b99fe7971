import CFuzzerDriver
import Foundation
import GradFlow

/// The file the image and label loaders read (they take a path); one per process.
private let temporaryPath = FileManager.default.temporaryDirectory
    .appendingPathComponent("gradflow-fuzz-idx-\(ProcessInfo.processInfo.processIdentifier).idx").path

/// libFuzzer entry: the bytes as an IDX file, parsed with `IDXReader.parse`; an input that parses
/// with 3 dimensions (images) or 1 (labels) is also loaded through `loadImages`/`loadLabels`.
/// Every input must end in contents, a tensor or a `DataError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    do {
        let contents = try IDXReader.parse(bytes, file: "fuzz.idx")
        guard contents.dimensions.count == 3 || contents.dimensions.count == 1 else { return 0 }
        guard FileManager.default.createFile(atPath: temporaryPath, contents: Data(bytes)) else { return 0 }
        let tensor = contents.dimensions.count == 3
            ? try IDXReader.loadImages(path: temporaryPath)
            : try IDXReader.loadLabels(path: temporaryPath)
        _ = tensor.shape
    } catch {
        _ = error.description
    }
    return 0
}

/// The process entry under the name SwiftPM gives it (`FuzzIDX_main`): libFuzzer's driver with
/// `fuzzIDX` as the function under test.
@_cdecl("FuzzIDX_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    gradflow_run_fuzzer(argc, argv, fuzzIDX)
}
