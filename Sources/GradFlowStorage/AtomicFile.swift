#if canImport(Glibc)
import Glibc
private let systemWrite = Glibc.write
#elseif canImport(Darwin)
import Darwin
private let systemWrite = Darwin.write
#endif

/// Atomic replacement of a file, with no litter left by crashed writers.
///
/// `write(_:to:)` writes the bytes to `PATH.tmp-PID` (this process's own), flushes them to disk
/// (`fsync`), and renames that file over `PATH`: a reader, or a process killed at any moment, sees
/// either the old file or the new one, never a mix. A writer killed before its rename leaves its
/// `PATH.tmp-PID` behind; the next write to the same `PATH` removes every such file whose PID names
/// no running process (and only those: a concurrent writer's file is left alone).
package enum AtomicFile {
    /// Why a write failed: the system's message.
    package struct Failure: Error {
        /// `strerror` of the failing call, with the call named.
        package let reason: String
    }

    /// Replaces `path` with `bytes` atomically (see the type's description).
    /// - Throws: `Failure` with the system's reason; the temporary file is then removed.
    package static func write(_ bytes: [UInt8], to path: String) throws(Failure) {
        removeStaleTemporaries(of: path)
        let temporary = temporaryPath(for: path, pid: getpid())
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard descriptor >= 0 else { throw Failure(reason: systemReason("cannot create \(temporary)")) }
        var failure: String?
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count, let base = buffer.baseAddress {
                let written = systemWrite(descriptor, base + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = systemReason("cannot write \(temporary)")
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = systemReason("cannot flush \(temporary)") }
        if close(descriptor) != 0, failure == nil { failure = systemReason("cannot close \(temporary)") }
        if failure == nil, rename(temporary, path) != 0 { failure = systemReason("cannot rename to \(path)") }
        if let failure {
            _ = unlink(temporary)
            throw Failure(reason: failure)
        }
    }

    /// `PATH.tmp-PID`: the temporary file of writer `pid`.
    static func temporaryPath(for path: String, pid: pid_t) -> String { "\(path).tmp-\(pid)" }

    /// Removes `PATH.tmp-PID` files in `path`'s folder whose writer process is no longer running.
    /// Files of a running process (including this one) and any other name are left alone.
    static func removeStaleTemporaries(of path: String) {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        let prefix = (slash.map { String(path[path.index(after: $0)...]) } ?? path) + ".tmp-"
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            // Read the name in place, up to its NUL: glibc sizes each record to its name
            // (`d_reclen`), so copying the whole 256-byte `d_name` reads past the end of the buffer.
            let name = withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: tuple.pointee)) { String(cString: $0) }
            }
            guard name.hasPrefix(prefix), let pid = pid_t(name.dropFirst(prefix.count)), pid > 0,
                  !isRunning(pid) else { continue }
            _ = unlink(folder + "/" + name)
        }
    }

    /// Whether a process with this PID exists (signal 0 probes without sending anything; EPERM
    /// means it exists but belongs to someone else).
    private static func isRunning(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    private static func systemReason(_ what: String) -> String {
        "\(what): \(String(cString: strerror(errno)))"
    }
}
