/// A checkpoint could not be written, or a file is not a checkpoint that fits: each case names the
/// file and says what was expected and what was found.
///
/// Loading validates the whole file first, so a model that fails to load is left unchanged.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The file could not be written (or renamed into place).
    case unwritable(file: String, reason: String)
    /// Fewer than the 8 bytes that hold the header length.
    case truncated(file: String, size: Int)
    /// A header length that does not fit in the file.
    case headerLengthOutOfBounds(file: String, headerLength: UInt64, fileSize: Int)
    /// A header that is not valid JSON, or not the safetensors layout.
    case invalidHeader(file: String, detail: String)
    /// A tensor stored in a type other than 32-bit floats.
    case unsupportedDtype(file: String, tensor: String, dtype: String)
    /// A tensor whose byte range lies outside the data section.
    case offsetsOutOfBounds(file: String, tensor: String, begin: Int, end: Int, dataSize: Int)
    /// A tensor whose byte range does not hold exactly its shape's elements.
    case byteCountMismatch(file: String, tensor: String, shape: [Int], bytes: Int)
    /// A header that declares more than a `ResourceLimits` bound allows (refused before allocating).
    case exceedsLimit(file: String, detail: String)
    /// Two tensors whose byte ranges overlap.
    case overlappingTensors(file: String, first: String, second: String)
    /// A tensor name that cannot be written (`__metadata__` is reserved by the format).
    case reservedName(String)
    /// Loading into a model whose parameters do not exist yet.
    case modelNotBuilt
    /// Optimizer state in the file that does not fit the model's optimizer.
    case optimizerState(file: String, detail: String)
    /// Parameters loaded by name that do not fit: every missing name, every tensor that names no
    /// parameter, and every shape that differs (`name: file [a, b], model [c, d]`).
    case parametersDoNotMatch(file: String, missing: [String], unexpected: [String], shapes: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the checkpoint: \(reason)"
        case let .unwritable(file, reason):
            return "\(file): cannot write the checkpoint: \(reason)"
        case let .truncated(file, size):
            return "\(file): the file has \(size) bytes, fewer than the 8-byte header length of a safetensors file"
        case let .headerLengthOutOfBounds(file, length, size):
            return "\(file): the header length is \(length) bytes but the file has only \(size) bytes (truncated or not safetensors)"
        case let .invalidHeader(file, detail):
            return "\(file): invalid safetensors header: \(detail)"
        case let .unsupportedDtype(file, tensor, dtype):
            return "\(file): tensor '\(tensor)' has dtype \(dtype); only F32 is supported"
        case let .offsetsOutOfBounds(file, tensor, begin, end, size):
            return "\(file): tensor '\(tensor)' spans bytes \(begin)..<\(end) but the data section has \(size) bytes"
        case let .byteCountMismatch(file, tensor, shape, bytes):
            // The shape comes from the file: its byte count may overflow `Int`, so it is computed checked.
            let needed = shape.contains(0) ? 0 : shape.reduce(Optional(4)) { total, size in
                total.flatMap { let (product, overflow) = $0.multipliedReportingOverflow(by: size); return overflow ? nil : product }
            }
            return "\(file): tensor '\(tensor)' of shape \(shape) needs \(needed.map(String.init) ?? "more than \(Int.max)") bytes but its offsets span \(bytes)"
        case let .exceedsLimit(file, detail):
            return "\(file): \(detail)"
        case let .overlappingTensors(file, first, second):
            return "\(file): tensors '\(first)' and '\(second)' overlap in the data section"
        case .reservedName(let name):
            return "'\(name)' is reserved by the safetensors format and cannot name a tensor"
        case .modelNotBuilt:
            return "the model has no parameters yet; call `build(inputShape:)` before loading a checkpoint"
        case let .optimizerState(file, detail):
            return "\(file): the optimizer state does not fit the optimizer: \(detail)"
        case let .parametersDoNotMatch(file, missing, unexpected, shapes):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.map { "'\($0)'" }.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("not parameters of this model: \(unexpected.map { "'\($0)'" }.joined(separator: ", "))") }
            if !shapes.isEmpty { parts.append("other shapes: \(shapes.joined(separator: "; "))") }
            return "\(file): the tensors do not fit the model's parameters by name: " + parts.joined(separator: "; ")
        }
    }
}
