import CFuzzerDriver
import Foundation
import GradFlow

/// libFuzzer entry: the bytes as a CSV file, read as `CSVReader.load(path:target:)` reads one
/// (UTF-8), with the target column `y`. Every input must end in a `Dataset` or a `DataError`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    guard let text = String(validating: bytes, as: UTF8.self) else { return 0 }
    do {
        let dataset = try CSVReader.parse(text, target: "y", file: "fuzz.csv")
        _ = dataset.count
    } catch {
        _ = error.description
    }
    return 0
}

/// The process entry under the name SwiftPM gives it (`FuzzCSV_main`): libFuzzer's driver with
/// `fuzzCSV` as the function under test.
@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    gradflow_run_fuzzer(argc, argv, fuzzCSV)
}
