import Foundation
import GradFlowCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and writes named tensors in the safetensors format (the format of Hugging Face's
/// `safetensors` package), which Python loads with `safetensors.numpy.load_file`.
///
/// Layout: 8 bytes holding the header length N (unsigned, little-endian); N bytes of UTF-8 JSON,
/// padded with spaces to a multiple of 8:
/// `{"__metadata__": {"key": "value"}, "name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}`;
/// then the data section: each tensor's elements as little-endian 32-bit floats, row-major, at its
/// `data_offsets` (byte offsets from the start of the data section). GradFlow writes the tensors in
/// name order, contiguously.
///
/// ```swift
/// try Checkpoint.write(tensors: ["w": w, "b": b], metadata: ["epoch": "3"], to: "model.safetensors")
/// let tensors = try Checkpoint.read(from: "model.safetensors")      // ["b": …, "w": …]
/// ```
public enum Checkpoint {
    /// A checkpoint's tensors and its string metadata.
    public struct Contents: Equatable, Sendable {
        /// The tensors by name.
        public var tensors: [String: Tensor]
        /// The `__metadata__` entries (empty when the file has none).
        public var metadata: [String: String]

        /// Creates contents from tensors and metadata.
        public init(tensors: [String: Tensor], metadata: [String: String] = [:]) {
            self.tensors = tensors
            self.metadata = metadata
        }
    }

    /// Writes `tensors` and `metadata` to `path` atomically (`AtomicFile`): to `path.tmp-<pid>`
    /// first, flushed, then renamed over `path`, so a reader never sees a half-written file; stale
    /// temporary files of crashed earlier writers of `path` are removed.
    /// - Throws: `CheckpointError.reservedName` for a tensor named `__metadata__`, `.unwritable`.
    public static func write(tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws(CheckpointError) {
        let bytes = try encode(Contents(tensors: tensors, metadata: metadata))
        do { try AtomicFile.write(bytes, to: path) } catch { throw .unwritable(file: path, reason: error.reason) }
    }

    /// Reads every tensor of a safetensors file.
    /// - Throws: `CheckpointError` saying what is wrong with the file (see `readContents(from:limits:)`).
    public static func read(from path: String, limits: ResourceLimits = .default) throws(CheckpointError) -> [String: Tensor] {
        try readContents(from: path, limits: limits).tensors
    }

    /// Reads every tensor and the metadata of a safetensors file, after checking the header length
    /// against the file size, the JSON, each dtype (F32 only), shape and byte range (in bounds,
    /// exactly the shape's size, not overlapping another), and the header length, each shape and
    /// the total against `limits`, all before any tensor is allocated.
    /// - Throws: `CheckpointError.unreadable`, `.truncated`, `.headerLengthOutOfBounds`,
    ///   `.invalidHeader`, `.unsupportedDtype`, `.offsetsOutOfBounds`, `.byteCountMismatch`,
    ///   `.overlappingTensors`, `.exceedsLimit`.
    public static func readContents(from path: String, limits: ResourceLimits = .default) throws(CheckpointError) -> Contents {
        // Checked before reading: a regular file (not a directory, FIFO or device), and no larger than
        // the header and tensor bounds allow.
        let (bound, overflow) = limits.maximumTotalElements.multipliedReportingOverflow(by: 4)
        let maximumBytes = overflow ? Int.max : bound.addingReportingOverflow(limits.maximumHeaderBytes + 8).partialValue
        let file: MappedFile
        do { file = try MappedFile(path: path, maximumBytes: maximumBytes) } catch {
            throw error.isTooLarge ? .exceedsLimit(file: path, detail: error.reason) : .unreadable(file: path, reason: error.reason)
        }
        return try decode([UInt8](file.bytes), file: path, limits: limits)
    }

    /// The file's bytes for `contents` (see the layout above).
    /// - Throws: `CheckpointError.reservedName` for a tensor named `__metadata__`.
    public static func encode(_ contents: Contents) throws(CheckpointError) -> [UInt8] {
        if contents.tensors[SafetensorsHeader.metadataKey] != nil { throw .reservedName(SafetensorsHeader.metadataKey) }
        let names = contents.tensors.keys.sorted()
        var entries: [SafetensorsHeader.Entry] = []
        var offset = 0
        for name in names {
            let tensor = contents.tensors[name] ?? Tensor.zeros([0])
            entries.append(.init(name: name, shape: tensor.shape, begin: offset, end: offset + 4 * tensor.count))
            offset += 4 * tensor.count
        }
        let header = SafetensorsHeader.json(entries: entries, metadata: contents.metadata)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes += $0 }
        bytes += header
        for name in names {
            for scalar in contents.tensors[name]?.scalars ?? [] {
                withUnsafeBytes(of: scalar.bitPattern.littleEndian) { bytes += $0 }
            }
        }
        return bytes
    }

    /// Parses and validates the bytes of a safetensors file; `file` names it in errors.
    /// - Throws: as `readContents(from:limits:)`.
    public static func decode(_ bytes: [UInt8], file: String = "<bytes>", limits: ResourceLimits = .default) throws(CheckpointError) -> Contents {
        guard bytes.count >= 8 else { throw .truncated(file: file, size: bytes.count) }
        var headerLength: UInt64 = 0
        for index in (0..<8).reversed() { headerLength = headerLength << 8 | UInt64(bytes[index]) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw .headerLengthOutOfBounds(file: file, headerLength: headerLength, fileSize: bytes.count)
        }
        guard headerLength <= UInt64(max(limits.maximumHeaderBytes, 0)) else {
            throw .exceedsLimit(file: file, detail: "the header is \(headerLength) bytes, more than the limit of "
                                + "\(limits.maximumHeaderBytes) (ResourceLimits.maximumHeaderBytes)")
        }
        let dataStart = 8 + Int(headerLength)
        let header = try SafetensorsHeader.parse(bytes[8..<dataStart], dataSize: bytes.count - dataStart, file: file, limits: limits)
        var tensors: [String: Tensor] = [:]
        for entry in header.entries {
            var scalars = [Float](repeating: 0, count: (entry.end - entry.begin) / 4)
            for index in scalars.indices {
                let at = dataStart + entry.begin + 4 * index
                let pattern = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
                scalars[index] = Float(bitPattern: pattern)
            }
            tensors[entry.name] = Tensor(unchecked: entry.shape, scalars)
        }
        return Contents(tensors: tensors, metadata: header.metadata)
    }
}
