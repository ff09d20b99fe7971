import GradFlowCore

/// numpy's `.npz` archives: a ZIP file with one `.npy` member per array (`np.savez(path, x=x, y=y)`
/// stores `x.npy` and `y.npy`). Members may be stored (`np.savez`) or deflated
/// (`np.savez_compressed`, decoded by the library's own `Inflate`); each member's CRC-32 is checked.
///
/// ```swift
/// let arrays = try NPZArchive.read(path: "weights.npz")      // ["W1": …, "b1": …]
/// try NPZArchive.write(["x": NumpyArray(x)], to: "data.npz")  // stored, as np.savez
/// ```
/// Reading uses the central directory (the sizes `np.savez` writes there), bounded by
/// `ResourceLimits`: at most `maximumTotalElements` elements in all, and each member's declared
/// size before it is inflated.
public enum NPZArchive {
    /// The most members an archive may have.
    public static let maximumMembers = 65_536

    /// The arrays in the archive at `path`, by name (the member name without `.npy`).
    /// - Throws: `NumpyError` naming the archive, the member and what is wrong.
    public static func read(path: String, limits: ResourceLimits = .default) throws(NumpyError) -> [String: NumpyArray] {
        let file: MappedFile
        do { file = try MappedFile(path: path, maximumBytes: Int(Int32.max) * 4) } catch {
            throw .unreadable(file: path, reason: error.reason)
        }
        return try parse(file.bytes, file: path, limits: limits)
    }

    /// Parses `.npz` bytes.
    /// - Throws: `NumpyError`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, file: String, limits: ResourceLimits = .default) throws(NumpyError) -> [String: NumpyArray] {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        // The end-of-central-directory record: the last 22 bytes, before a comment of up to 65 535.
        var end = -1
        for candidate in stride(from: bytes.count - 22, through: Swift.max(0, bytes.count - 22 - 65_535), by: -1)
        where u32(candidate) == 0x0605_4B50 {
            end = candidate
            break
        }
        guard end >= 0 else { throw .invalidFormat(file: file, detail: "no ZIP end-of-central-directory record (is it an .npz archive?)") }
        let (members, directorySize, directoryStart) = (u16(end + 10), u32(end + 12), u32(end + 16))
        guard members <= maximumMembers else { throw .exceedsLimit(file: file, detail: "\(members) members, more than \(maximumMembers)") }
        guard directoryStart + directorySize <= end else { throw .invalidFormat(file: file, detail: "the central directory lies outside the file") }
        var arrays: [String: NumpyArray] = [:]
        var position = directoryStart, total = 0
        for index in 0..<members {
            guard position + 46 <= end, u32(position) == 0x0201_4B50 else {
                throw .invalidFormat(file: file, detail: "central directory entry \(index) at byte \(position) is damaged")
            }
            let (method, crc, compressedSize, size) = (u16(position + 10), UInt32(u32(position + 16)), u32(position + 20), u32(position + 24))
            let (nameLength, extraLength, commentLength, localOffset) = (u16(position + 28), u16(position + 30), u16(position + 32), u32(position + 42))
            guard position + 46 + nameLength <= end,
                  let name = String(validating: bytes[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self) else {
                throw .invalidFormat(file: file, detail: "the name of member \(index) is damaged")
            }
            position += 46 + nameLength + extraLength + commentLength
            let member = "\(file)/\(name)"
            guard compressedSize != 0xFFFF_FFFF, size != 0xFFFF_FFFF, localOffset != 0xFFFF_FFFF else {
                throw .unsupported(file: member, detail: "ZIP64 members larger than 4 GiB are not supported")
            }
            guard size <= limits.maximumElements * 8 + NPYFile.maximumHeaderBytes + 128 else {
                throw .exceedsLimit(file: member, detail: "the member is \(size) bytes")
            }
            guard localOffset + 30 <= bytes.count, u32(localOffset) == 0x0403_4B50 else {
                throw .invalidFormat(file: member, detail: "its local header at byte \(localOffset) is damaged")
            }
            let dataStart = localOffset + 30 + u16(localOffset + 26) + u16(localOffset + 28)
            guard dataStart + compressedSize <= bytes.count else { throw .invalidFormat(file: member, detail: "its data runs past the end of the archive") }
            let stored = UnsafeRawBufferPointer(rebasing: bytes[dataStart..<(dataStart + compressedSize)])
            let content: [UInt8]
            switch method {
            case 0:
                guard compressedSize == size else { throw .invalidFormat(file: member, detail: "a stored member's sizes differ") }
                content = Array(stored)
            case 8:
                do { content = try Inflate.decompress(stored, limit: size) } catch {
                    throw .invalidFormat(file: member, detail: "its deflated data is damaged: \(error.reason)")
                }
                guard content.count == size else { throw .invalidFormat(file: member, detail: "it inflates to \(content.count) bytes, not \(size)") }
            default:
                throw .unsupported(file: member, detail: "ZIP compression method \(method) is not supported (np.savez and np.savez_compressed use 0 and 8)")
            }
            let checksum = content.withUnsafeBytes(CRC32.checksum)
            guard checksum == crc else { throw .invalidFormat(file: member, detail: "its CRC-32 is \(checksum), the archive says \(crc)") }
            let array = try content.withUnsafeBytes { raw in
                Result { () throws(NumpyError) -> NumpyArray in try NPYFile.parse(raw, file: member, limits: limits) }
            }.get()
            total += array.elements.count
            guard total <= limits.maximumTotalElements else {
                throw .exceedsLimit(file: file, detail: "the arrays hold more than \(limits.maximumTotalElements) elements in all")
            }
            arrays[name.hasSuffix(".npy") ? String(name.dropLast(4)) : name] = array
        }
        return arrays
    }

    /// Writes `arrays` as an archive of stored members `<name>.npy` (what `np.savez` writes), atomically.
    /// - Throws: `NumpyError.unwritable`, also for more than 65 535 arrays or an archive of 4 GiB or
    ///   more (which would need ZIP64).
    public static func write(_ arrays: [String: NumpyArray], to path: String) throws(NumpyError) {
        let bytes = arrays.values.reduce(0) { $0 + $1.elements.count * 8 + 256 }
        guard arrays.count <= 65_535, bytes < Int(UInt32.max) else {
            throw .unwritable(file: path, reason: "\(arrays.count) arrays of up to \(bytes) bytes need ZIP64, which is not supported; write fewer or smaller arrays")
        }
        do { try AtomicFile.write(encode(arrays), to: path) } catch { throw .unwritable(file: path, reason: error.reason) }
    }

    /// The archive bytes of `arrays`, members in name order (at most 65 535 arrays under 4 GiB in all: see `write`).
    public static func encode(_ arrays: [String: NumpyArray]) -> [UInt8] {
        var bytes: [UInt8] = [], directory: [UInt8] = []
        func u16(_ v: Int, into out: inout [UInt8]) { out += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: Int, into out: inout [UInt8]) { u16(v & 0xFFFF, into: &out); u16((v >> 16) & 0xFFFF, into: &out) }
        for name in arrays.keys.sorted() {
            let content = NPYFile.encode(arrays[name]!)
            let crc = Int(content.withUnsafeBytes(CRC32.checksum))
            let fileName = Array((name + ".npy").utf8)
            let offset = bytes.count
            // Local header: signature, version 2.0, flags, stored, time, date 1980-01-01, CRC, sizes, name.
            u32(0x0403_4B50, into: &bytes); u16(20, into: &bytes); u16(0, into: &bytes); u16(0, into: &bytes)
            u16(0, into: &bytes); u16(0x21, into: &bytes); u32(crc, into: &bytes)
            u32(content.count, into: &bytes); u32(content.count, into: &bytes); u16(fileName.count, into: &bytes); u16(0, into: &bytes)
            bytes += fileName + content
            u32(0x0201_4B50, into: &directory); u16(20, into: &directory); u16(20, into: &directory); u16(0, into: &directory)
            u16(0, into: &directory); u16(0, into: &directory); u16(0x21, into: &directory); u32(crc, into: &directory)
            u32(content.count, into: &directory); u32(content.count, into: &directory); u16(fileName.count, into: &directory)
            u16(0, into: &directory); u16(0, into: &directory); u16(0, into: &directory); u16(0, into: &directory)
            u32(0, into: &directory); u32(offset, into: &directory)
            directory += fileName
        }
        let directoryStart = bytes.count
        bytes += directory
        u32(0x0605_4B50, into: &bytes); u16(0, into: &bytes); u16(0, into: &bytes)
        u16(arrays.count, into: &bytes); u16(arrays.count, into: &bytes)
        u32(directory.count, into: &bytes); u32(directoryStart, into: &bytes); u16(0, into: &bytes)
        return bytes
    }
}
