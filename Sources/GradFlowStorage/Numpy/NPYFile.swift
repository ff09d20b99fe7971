import GradFlowCore

/// numpy's `.npy` format (versions 1.0, 2.0 and 3.0): the magic `\x93NUMPY`, a version, a header
/// length (2 bytes in 1.0, 4 after), a Python-literal header
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }` padded to a multiple of 64 bytes,
/// then the raw elements.
///
/// Read: float32, float64, int64, int32, uint8 and bool, little-endian, C order. Fortran order,
/// big-endian data, object arrays (pickles) and other dtypes are refused with a `NumpyError` that
/// says how to convert them in numpy. Sizes are checked against `ResourceLimits` before anything
/// is allocated, and the data must fill the file exactly. Written: version 1.0, as `np.save` does.
public enum NPYFile {
    /// The longest header accepted (numpy's own limit is 10 000 bytes for untrusted files).
    public static let maximumHeaderBytes = 65_536

    /// Reads the array in the `.npy` file at `path`.
    /// - Throws: `NumpyError` naming the file and what is wrong.
    public static func read(path: String, limits: ResourceLimits = .default) throws(NumpyError) -> NumpyArray {
        let file: MappedFile
        do { file = try MappedFile(path: path, maximumBytes: Int(Int32.max) * 4) } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
        return try parse(file.bytes, file: path, limits: limits)
    }

    /// Writes `array` to `path` atomically (a temporary file renamed into place).
    /// - Throws: `NumpyError.unwritable`.
    public static func write(_ array: NumpyArray, to path: String) throws(NumpyError) {
        do { try AtomicFile.write(encode(array), to: path) } catch { throw .unwritable(file: path, reason: error.reason) }
    }

    /// The `.npy` bytes of `array` (version 1.0, header padded to 64 bytes).
    public static func encode(_ array: NumpyArray) -> [UInt8] {
        let shape = array.shape.count == 1 ? "(\(array.shape[0]),)" : "(" + array.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(array.elements.descriptor)', 'fortran_order': False, 'shape': \(shape), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0]
        bytes += [UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        bytes += Array(header.utf8)
        switch array.elements {
        case .float32(let v): v.withUnsafeBytes { bytes += $0 }
        case .float64(let v): v.withUnsafeBytes { bytes += $0 }
        case .int64(let v): v.withUnsafeBytes { bytes += $0 }
        case .int32(let v): v.withUnsafeBytes { bytes += $0 }
        case .uint8(let v): bytes += v
        case .bool(let v): bytes += v.map { $0 ? 1 : 0 }
        }
        return bytes
    }

    /// Parses `.npy` bytes (`file` names them in errors; for an archive member, `archive.npz/x.npy`).
    /// - Throws: `NumpyError`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, limits: ResourceLimits = .default) throws(NumpyError) -> NumpyArray {
        let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)
        guard bytes.count >= 10, bytes.prefix(6).elementsEqual(magic) else {
            throw .invalidFormat(file: file, detail: "it does not start with the .npy magic \\x93NUMPY")
        }
        let major = bytes[6]
        let (headerLength, headerStart): (Int, Int)
        switch major {
        case 1: (headerLength, headerStart) = (Int(bytes[8]) | Int(bytes[9]) << 8, 10)
        case 2, 3:
            guard bytes.count >= 12 else { throw .invalidFormat(file: file, detail: "the header length ends early") }
            (headerLength, headerStart) = ((0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }, 12)
        default: throw .unsupported(file: file, detail: "format version \(major).\(bytes[7]) is not one of 1.0, 2.0, 3.0")
        }
        guard headerLength <= maximumHeaderBytes else {
            throw .exceedsLimit(file: file, detail: "the header is \(headerLength) bytes, more than \(maximumHeaderBytes)")
        }
        guard headerStart + headerLength <= bytes.count else {
            throw .invalidFormat(file: file, detail: "the header (\(headerLength) bytes) runs past the end of the file (\(bytes.count) bytes)")
        }
        guard let header = String(validating: bytes[headerStart..<headerStart + headerLength], as: UTF8.self) else {
            throw .invalidFormat(file: file, detail: "the header is not text")
        }
        let fields = try NPYHeader(header, file: file)
        guard let count = ResourceLimits.boundingCount(of: fields.shape), count <= limits.maximumElements else {
            throw .exceedsLimit(file: file, detail: "shape \(fields.shape) has more than \(limits.maximumElements) elements")
        }
        let elementCount = fields.shape.reduce(1, *)
        let data = UnsafeRawBufferPointer(rebasing: bytes[(headerStart + headerLength)...])
        let width = fields.width
        guard data.count == elementCount * width else {
            throw .invalidFormat(file: file, detail: "shape \(fields.shape) of \(fields.descriptor) needs \(elementCount * width) data bytes, "
                                 + "the file has \(data.count)")
        }
        let elements: NumpyArray.Elements
        switch fields.descriptor {
        case "<f4": elements = .float32(load(data, elementCount))
        case "<f8": elements = .float64(load(data, elementCount))
        case "<i8": elements = .int64(load(data, elementCount))
        case "<i4": elements = .int32(load(data, elementCount))
        case "|u1": elements = .uint8(Array(data))
        default:
            var flags: [Bool] = []
            flags.reserveCapacity(elementCount)
            for (offset, byte) in data.enumerated() {
                guard byte <= 1 else { throw .invalidFormat(file: file, detail: "bool element \(offset) is \(byte), not 0 or 1") }
                flags.append(byte == 1)
            }
            elements = .bool(flags)
        }
        return try! NumpyArray(shape: fields.shape, elements: elements)   // the count was checked above
    }

    /// `count` little-endian values of `T` from unaligned bytes.
    private static func load<T: FixedWidthInteger>(_ data: UnsafeRawBufferPointer, _ count: Int) -> [T] {
        (0..<count).map { T(littleEndian: data.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self)) }
    }

    private static func load(_ data: UnsafeRawBufferPointer, _ count: Int) -> [Float] {
        (0..<count).map { Float(bitPattern: UInt32(littleEndian: data.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }

    private static func load(_ data: UnsafeRawBufferPointer, _ count: Int) -> [Double] {
        (0..<count).map { Double(bitPattern: UInt64(littleEndian: data.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self))) }
    }
}

/// The three fields of a `.npy` header, read from its Python dict literal.
struct NPYHeader {
    /// The dtype (`<f4`), C order checked, and the shape.
    let descriptor: String, shape: [Int]

    /// Bytes per element of a supported descriptor.
    var width: Int { ["<f4": 4, "<f8": 8, "<i8": 8, "<i4": 4, "|u1": 1, "|b1": 1][descriptor] ?? 1 }

    init(_ text: String, file: String) throws(NumpyError) {
        func value(_ key: String) throws(NumpyError) -> Substring {
            guard let range = text.range(of: "'\(key)':") else { throw .invalidFormat(file: file, detail: "the header has no '\(key)' (header: \(text.prefix(120)))") }
            return text[range.upperBound...].drop { $0 == " " }
        }
        let descr = try value("descr")
        guard descr.first == "'", let end = descr.dropFirst().firstIndex(of: "'") else {
            if descr.first == "[" { throw .unsupported(file: file, detail: "structured dtypes are not supported; save a plain numeric array") }
            throw .invalidFormat(file: file, detail: "the header's 'descr' is not a quoted string")
        }
        var descriptor = String(descr[descr.index(after: descr.startIndex)..<end])
        if descriptor == "<u1" || descriptor == "u1" { descriptor = "|u1" }
        if descriptor == "<b1" || descriptor == "?" { descriptor = "|b1" }
        guard ["<f4", "<f8", "<i8", "<i4", "|u1", "|b1"].contains(descriptor) else {
            if descriptor.hasPrefix(">") {
                throw .unsupported(file: file, detail: "big-endian data ('\(descriptor)') is not supported; convert with a.astype(a.dtype.newbyteorder('<'))")
            }
            if descriptor.hasPrefix("|O") || descriptor == "O" {
                throw .unsupported(file: file, detail: "object arrays (pickles) are never loaded; save a numeric array")
            }
            throw .unsupported(file: file, detail: "dtype '\(descriptor)' is not supported; use float32, float64, int64, int32, uint8 or bool")
        }
        let order = try value("fortran_order")
        if order.hasPrefix("True") {
            throw .unsupported(file: file, detail: "Fortran-ordered arrays are not supported; save np.ascontiguousarray(a)")
        }
        guard order.hasPrefix("False") else { throw .invalidFormat(file: file, detail: "the header's 'fortran_order' is neither True nor False") }
        let shapeText = try value("shape")
        guard shapeText.first == "(", let close = shapeText.firstIndex(of: ")") else {
            throw .invalidFormat(file: file, detail: "the header's 'shape' is not a tuple")
        }
        var shape: [Int] = []
        for part in shapeText[shapeText.index(after: shapeText.startIndex)..<close].split(separator: ",") {
            let trimmed = String(part.filter { $0 != " " })
            if trimmed.isEmpty { continue }
            guard let size = Int(trimmed.hasSuffix("L") ? String(trimmed.dropLast()) : trimmed), size >= 0 else {
                throw .invalidFormat(file: file, detail: "the shape entry '\(trimmed)' is not a size")
            }
            shape.append(size)
        }
        (self.descriptor, self.shape) = (descriptor, shape)
    }
}
