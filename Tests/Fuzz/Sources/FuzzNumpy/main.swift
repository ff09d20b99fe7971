import CFuzzerDriver
import Foundation
import GradFlow

/// libFuzzer entry: the bytes as an `.npz` archive when they start with a ZIP signature, else as a
/// `.npy` file. Every input must end in arrays or a `NumpyError`; arrays read are written again and
/// must read back equal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNumpy(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: start == nil ? 0 : count)
    do {
        if bytes.starts(with: [0x50, 0x4B]) {
            let arrays = try NPZArchive.parse(bytes, file: "fuzz.npz")
            let again = try NPZArchive.encode(arrays).withUnsafeBytes { raw in
                Result { () throws(NumpyError) in try NPZArchive.parse(raw, file: "again.npz") }
            }.get()
            precondition(again == arrays, "npz round trip changed the arrays")
        } else {
            let array = try NPYFile.parse(bytes, file: "fuzz.npy")
            let again = try NPYFile.encode(array).withUnsafeBytes { raw in
                Result { () throws(NumpyError) in try NPYFile.parse(raw, file: "again.npy") }
            }.get()
            precondition(again.shape == array.shape && again.elements.count == array.elements.count, "npy round trip changed the array")
        }
    } catch {
        _ = error.description
    }
    return 0
}

/// The process entry under the name SwiftPM gives it (`FuzzNumpy_main`).
@_cdecl("FuzzNumpy_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    gradflow_run_fuzzer(argc, argv, fuzzNumpy)
}
