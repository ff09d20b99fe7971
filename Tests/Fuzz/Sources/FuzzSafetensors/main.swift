import CFuzzerDriver
import Foundation
import GradFlow

/// libFuzzer entry: the bytes as a safetensors checkpoint, decoded with `Checkpoint.decode` (what
/// `Checkpoint.readContents(from:)` does after reading the file). Every input must end in contents or
/// a `CheckpointError`; decoded contents are encoded again and must decode to the same tensors.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = start.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    do {
        let contents = try Checkpoint.decode(bytes, file: "fuzz.safetensors")
        let again = try Checkpoint.decode(try Checkpoint.encode(contents))
        precondition(again.tensors.keys.sorted() == contents.tensors.keys.sorted(), "round trip lost tensors")
        precondition(again.metadata == contents.metadata, "round trip changed the metadata")
    } catch {
        _ = error.description
    }
    return 0
}

/// The process entry under the name SwiftPM gives it (`FuzzSafetensors_main`): libFuzzer's driver with
/// `fuzzSafetensors` as the function under test.
@_cdecl("FuzzSafetensors_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    gradflow_run_fuzzer(argc, argv, fuzzSafetensors)
}
