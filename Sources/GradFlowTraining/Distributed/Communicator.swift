/// The collective operations data-parallel training needs, over the processes of one run
/// (`MPICommunicator`, or `LocalCommunicator` for a single process).
public protocol Communicator: AnyObject {
    /// This process's number, 0 ..< `size`; rank 0 logs and writes checkpoints.
    var rank: Int { get }
    /// The number of processes.
    var size: Int { get }
    /// Overwrites `values` on every rank with rank `root`'s.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws(DistributedError)
    /// Every rank's `local` (the same count on each), concatenated in rank order into `all`.
    func allGather(_ local: UnsafeBufferPointer<Float>, into all: UnsafeMutableBufferPointer<Float>) throws(DistributedError)
    /// The largest of every rank's `value` (how ranks agree on a stop).
    func maximum(_ value: Int32) throws(DistributedError) -> Int32
}

/// One process, no library: every collective is the identity (data-parallel code runs unchanged).
public final class LocalCommunicator: Communicator {
    /// Rank 0 of 1.
    public let rank = 0, size = 1
    /// Creates it.
    public init() {}
    /// Nothing to do: the values are already rank 0's.
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws(DistributedError) {}
    /// Copies `local` into `all`.
    public func allGather(_ local: UnsafeBufferPointer<Float>, into all: UnsafeMutableBufferPointer<Float>) throws(DistributedError) {
        guard let from = local.baseAddress, let to = all.baseAddress else { return }
        to.update(from: from, count: Swift.min(local.count, all.count))
    }
    /// `value` itself.
    public func maximum(_ value: Int32) throws(DistributedError) -> Int32 { value }
}

/// Distributed training could not start or a collective failed; each case says what to do.
public enum DistributedError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The MPI library could not be loaded.
    case libraryMissing(library: String, reason: String)
    /// A symbol the library should export is absent (not Open MPI, or a broken install).
    case symbolMissing(library: String, symbol: String)
    /// An MPI call returned an error code.
    case callFailed(function: String, code: Int32)
    /// The run's settings do not fit the number of processes.
    case invalidSetup(String)

    public var description: String {
        switch self {
        case let .libraryMissing(library, reason):
            return "cannot load the MPI library \(library) (\(reason)); install Open MPI (Debian: apt-get install openmpi-bin libopenmpi3) "
                + "or set GRADFLOW_MPI_LIBRARY to its libmpi.so, and start the run with mpirun"
        case let .symbolMissing(library, symbol):
            return "\(library) has no symbol \(symbol): GradFlow needs Open MPI's libmpi.so.40"
        case let .callFailed(function, code):
            return "\(function) failed with MPI error code \(code)"
        case .invalidSetup(let detail):
            return detail
        }
    }
}
