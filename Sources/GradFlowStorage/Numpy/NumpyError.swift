/// A `.npy` or `.npz` file could not be read or written; each case names the file (and the archive
/// member) and says what to do.
public enum NumpyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be opened or read.
    case unreadable(file: String, reason: String)
    /// The file could not be written.
    case unwritable(file: String, reason: String)
    /// The bytes are not a valid `.npy` (or `.npz`) file: `detail` says where and why.
    case invalidFormat(file: String, detail: String)
    /// A valid file this reader does not take: Fortran order, big-endian data, object arrays, an
    /// unsupported dtype.
    case unsupported(file: String, detail: String)
    /// A declared size is larger than `ResourceLimits` allows.
    case exceedsLimit(file: String, detail: String)
    /// An archive has no member of the requested name.
    case missingArray(file: String, name: String, available: [String])

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return "\(file): cannot read the file: \(reason)"
        case let .unwritable(file, reason): return "\(file): cannot write the file: \(reason)"
        case let .invalidFormat(file, detail): return "\(file): not a valid numpy file: \(detail)"
        case let .unsupported(file, detail): return "\(file): \(detail)"
        case let .exceedsLimit(file, detail): return "\(file): \(detail) (raise ResourceLimits to read it)"
        case let .missingArray(file, name, available):
            return "\(file): no array named '\(name)' (the archive holds \(available.isEmpty ? "none" : available.joined(separator: ", ")))"
        }
    }
}
