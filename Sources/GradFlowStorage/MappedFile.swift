#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A regular file mapped read-only into memory, so that a reader scans its bytes where the kernel
/// keeps them (no copy into a `Data`, and the pages count once in resident memory).
///
/// Opening checks the path first: a directory, a FIFO, a device or a socket is refused with what it is
/// (reading `/dev/zero` or a FIFO would never end), and a file larger than the caller's bound is refused
/// before it is read.
package final class MappedFile {
    /// The file's bytes (`count` 0 for an empty file).
    package let bytes: UnsafeRawBufferPointer
    private let mapping: UnsafeMutableRawPointer?

    /// Why a file could not be mapped: a sentence naming the path.
    package struct Failure: Error {
        /// What went wrong, e.g. "is a directory", "No such file or directory".
        package let reason: String
        /// Whether the file was refused for its size (`DataError.exceedsLimit` rather than `.unreadable`).
        package let isTooLarge: Bool
    }

    /// Maps `path`.
    /// - Parameter maximumBytes: the largest file accepted.
    /// - Throws: `Failure` with the system's reason, "is a directory", "is not a regular file (…)" or
    ///   the size bound.
    package init(path: String, maximumBytes: Int) throws(Failure) {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw Failure(reason: errno == ENOENT ? "no such file" : String(cString: strerror(errno)), isTooLarge: false)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Failure(reason: String(cString: strerror(errno)), isTooLarge: false) }
        let kind = status.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what = kind == S_IFDIR ? "is a directory" : "is not a regular file (\(MappedFile.kindName(kind)))"
            throw Failure(reason: what + "; give the path of a file", isTooLarge: false)
        }
        let size = Int(status.st_size)
        guard size <= maximumBytes else {
            throw Failure(reason: "the file has \(size) bytes, more than the limit of \(maximumBytes) "
                          + "(ResourceLimits.maximumFileBytes)", isTooLarge: true)
        }
        guard size > 0 else {
            (mapping, bytes) = (nil, UnsafeRawBufferPointer(start: nil, count: 0))
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
            throw Failure(reason: String(cString: strerror(errno)), isTooLarge: false)
        }
        _ = madvise(address, size, MADV_SEQUENTIAL)
        mapping = address
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    deinit {
        if let mapping { munmap(mapping, bytes.count) }
    }

    /// Tells the system that bytes before `offset` will not be read again, so their pages leave this
    /// process's resident memory (a streamed read then stays bounded by what it has not consumed).
    package func release(before offset: Int) {
        guard let mapping else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, bytes.count) / page * page
        if end > 0 { _ = madvise(mapping, end, MADV_DONTNEED) }
    }

    private static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        case S_IFLNK: return "a symbolic link"
        default: return "type \(kind)"
        }
    }
}
