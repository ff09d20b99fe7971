import Foundation

/// The JSON header of a safetensors file: written by hand (a few lines, with a deterministic key
/// order), parsed with Foundation's `JSONSerialization` and then checked entry by entry.
package enum SafetensorsHeader {
    /// The header key that holds string metadata instead of a tensor.
    static let metadataKey = "__metadata__"

    /// One tensor's header entry: its name, shape and byte range in the data section.
    struct Entry {
        let name: String
        let shape: [Int]
        let begin: Int
        let end: Int
    }

    /// The header bytes for `entries` and `metadata`, padded with spaces to a multiple of 8 bytes
    /// (so the data section that follows the 8-byte length starts aligned).
    static func json(entries: [Entry], metadata: [String: String]) -> [UInt8] {
        var parts: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\($0.quotedLiteral):\((metadata[$0] ?? "").quotedLiteral)" }
            parts.append("\(metadataKey.quotedLiteral):{\(pairs.joined(separator: ","))}")
        }
        for entry in entries {
            let shape = entry.shape.map(String.init).joined(separator: ",")
            parts.append("\(entry.name.quotedLiteral):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(entry.begin),\(entry.end)]}")
        }
        var bytes = Array(("{" + parts.joined(separator: ",") + "}").utf8)
        while bytes.count % 8 != 0 { bytes.append(UInt8(ascii: " ")) }
        return bytes
    }

    /// Parses and validates a header: every entry an F32 tensor whose byte range lies inside the
    /// data section, spans exactly its shape's bytes and overlaps no other entry; every shape within
    /// `limits.maximumElements` and all of them within `limits.maximumTotalElements`.
    /// - Returns: the entries sorted by offset, and the metadata.
    /// - Throws: `CheckpointError.invalidHeader`, `.unsupportedDtype`, `.offsetsOutOfBounds`,
    ///   `.byteCountMismatch`, `.overlappingTensors`, `.exceedsLimit`.
    static func parse(_ bytes: ArraySlice<UInt8>, dataSize: Int, file: String, limits: ResourceLimits = .default) throws(CheckpointError)
        -> (entries: [Entry], metadata: [String: String]) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw .invalidHeader(file: file, detail: "the header is not valid JSON (\(bytes.count) bytes)")
        }
        guard let dictionary = object as? [String: Any] else {
            throw .invalidHeader(file: file, detail: "the header is not a JSON object")
        }
        // JSONSerialization keeps the last of two equal keys; a tensor named twice is refused instead.
        if let repeated = firstRepeatedTopLevelKey(bytes) {
            throw .invalidHeader(file: file, detail: "the header names '\(repeated)' twice; each tensor must appear once")
        }
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for name in dictionary.keys.sorted() {
            let value = dictionary[name] ?? 0
            if name == metadataKey {
                guard let pairs = value as? [String: Any] else {
                    throw .invalidHeader(file: file, detail: "\(metadataKey) is not an object of strings")
                }
                for (key, item) in pairs {
                    guard let text = item as? String else {
                        throw .invalidHeader(file: file, detail: "\(metadataKey) entry '\(key)' is not a string")
                    }
                    metadata[key] = text
                }
            } else {
                entries.append(try entry(name, value, dataSize: dataSize, file: file, limits: limits))
            }
        }
        var total = 0
        for entry in entries {
            let (sum, overflow) = total.addingReportingOverflow((entry.end - entry.begin) / 4)
            guard !overflow, sum <= limits.maximumTotalElements else {
                throw .exceedsLimit(file: file, detail: "the tensors up to '\(entry.name)' have more than the limit of "
                                    + "\(limits.maximumTotalElements) elements in all (ResourceLimits.maximumTotalElements)")
            }
            total = sum
        }
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var previous: Entry?
        for current in entries where current.end > current.begin {
            if let previous, current.begin < previous.end {
                throw .overlappingTensors(file: file, first: previous.name, second: current.name)
            }
            previous = current
        }
        return (entries, metadata)
    }

    /// One tensor entry, checked: dtype F32, a shape of whole sizes, offsets in bounds and matching.
    private static func entry(_ name: String, _ value: Any, dataSize: Int, file: String, limits: ResourceLimits) throws(CheckpointError) -> Entry {
        guard let fields = value as? [String: Any] else {
            throw .invalidHeader(file: file, detail: "entry '\(name)' is not an object")
        }
        guard let dtype = fields["dtype"] as? String else {
            throw .invalidHeader(file: file, detail: "entry '\(name)' has no \"dtype\" string")
        }
        guard dtype == "F32" else { throw .unsupportedDtype(file: file, tensor: name, dtype: dtype) }
        guard let shape = integers(fields["shape"]) else {
            throw .invalidHeader(file: file, detail: "entry '\(name)' has no \"shape\" list of sizes ≥ 0")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] <= offsets[1] else {
            throw .invalidHeader(file: file, detail: "entry '\(name)' needs \"data_offsets\": [begin, end] with begin ≤ end")
        }
        guard limits.allows(shape: shape) else {
            throw .exceedsLimit(file: file, detail: "tensor '\(name)' of shape \(ResourceLimits.describe(shape)) has more than the limit of "
                                + "\(limits.maximumElements) elements (ResourceLimits.maximumElements)")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard end <= dataSize else {
            throw .offsetsOutOfBounds(file: file, tensor: name, begin: begin, end: end, dataSize: dataSize)
        }
        var count = 1
        for size in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, product <= dataSize else {
                throw .byteCountMismatch(file: file, tensor: name, shape: shape, bytes: end - begin)
            }
            count = product
        }
        guard end - begin == 4 * count else {
            throw .byteCountMismatch(file: file, tensor: name, shape: shape, bytes: end - begin)
        }
        return Entry(name: name, shape: shape, begin: begin, end: end)
    }

    /// A JSON array of non-negative whole numbers, or nil.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let items = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in items {
            if let number = item as? Int, number >= 0 {
                result.append(number)
            } else if let number = item as? Double, number >= 0, number < 9.0e15, number.rounded() == number {
                result.append(Int(number))
            } else {
                return nil
            }
        }
        return result
    }

    /// The first key of the top-level JSON object that appears twice (compared after decoding its
    /// escapes), or nil. Assumes `bytes` is valid JSON (checked before).
    static func firstRepeatedTopLevelKey(_ bytes: ArraySlice<UInt8>) -> String? {
        var seen = Set<String>()
        var depth = 0
        var index = bytes.startIndex
        var expectingKey = false
        while index < bytes.endIndex {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                expectingKey = depth == 1 && byte == UInt8(ascii: "{")
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ","):
                expectingKey = depth == 1
            case UInt8(ascii: "\""):
                let start = index
                index += 1
                while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                if expectingKey, depth == 1, index < bytes.endIndex {
                    let raw = Data(bytes[start...index])
                    if let key = (try? JSONSerialization.jsonObject(with: raw, options: .fragmentsAllowed)) as? String,
                       !seen.insert(key).inserted {
                        return key
                    }
                    expectingKey = false
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
