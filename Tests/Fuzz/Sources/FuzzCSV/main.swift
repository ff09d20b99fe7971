import CFuzzerDriver
import Foundation
import GradFlow

/// libFuzzer entry: the bytes as a CSV file, read as `CSVReader.load(path:target:)` reads one (the
/// byte-level scanner and `DecimalParser`), with the target column `y`. Every input must end in a
/// `Dataset` or a `DataError`, and the bytes read directly must give what the same text read as a
/// `String` gives.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCSV(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    let direct: Result<Dataset, DataError> = bytes.withUnsafeBytes { raw in
        do throws(DataError) { return .success(try CSVReader.parse(bytes: raw, target: "y", file: "fuzz.csv")) } catch { return .failure(error) }
    }
    if case .failure(let error) = direct { _ = error.description }
    if let text = String(validating: bytes, as: UTF8.self) {
        let viaText: Result<Dataset, DataError>
        do throws(DataError) { viaText = .success(try CSVReader.parse(text, target: "y", file: "fuzz.csv")) } catch { viaText = .failure(error) }
        switch (direct, viaText) {
        case let (.success(a), .success(b)) where a.features == b.features && a.labels == b.labels: break
        case let (.failure(a), .failure(b)) where a == b: break
        default: fatalError("bytes and text disagree: \(direct) vs \(viaText)")
        }
    }
    return 0
}

/// The process entry under the name SwiftPM gives it (`FuzzCSV_main`): libFuzzer's driver with
/// `fuzzCSV` as the function under test.
@_cdecl("FuzzCSV_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    gradflow_run_fuzzer(argc, argv, fuzzCSV)
}
