#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `MPI_COMM_WORLD` of Open MPI, loaded at run time: the package builds and runs without MPI, and a
/// single process never loads it. The library is `$GRADFLOW_MPI_LIBRARY`, else `libmpi.so.40`
/// (Debian's `libopenmpi3`); Open MPI's handles (`ompi_mpi_comm_world`, `ompi_mpi_float`,
/// `ompi_mpi_int`, `ompi_mpi_op_max`) are the addresses of exported objects, found with `dlsym`.
///
/// ```swift
/// let world = try MPICommunicator.world()     // under `mpirun -n 2`: rank 0 and 1 of 2
/// trainer.dataParallel = try DataParallel(communicator: world)
/// ```
/// `MPI_Init` runs on first use; `finalize()` ends MPI for the process (call it once, at exit).
public final class MPICommunicator: Communicator {
    /// This process's rank in `MPI_COMM_WORLD`, and the number of processes.
    public let rank: Int, size: Int
    private let library: MPILibrary

    nonisolated(unsafe) private static var shared: MPICommunicator?

    /// The communicator of all processes started by `mpirun`, initialising MPI the first time.
    /// - Throws: `DistributedError.libraryMissing` (with the packages to install), `.symbolMissing`,
    ///   `.callFailed`.
    public static func world() throws(DistributedError) -> MPICommunicator {
        if let shared { return shared }
        let library = try MPILibrary.load()
        var initialized: Int32 = 0
        try library.check("MPI_Initialized", library.initializedFunction(&initialized))
        if initialized == 0 { try library.check("MPI_Init", library.initFunction(nil, nil)) }
        var rank: Int32 = 0, size: Int32 = 0
        try library.check("MPI_Comm_rank", library.commRank(library.world, &rank))
        try library.check("MPI_Comm_size", library.commSize(library.world, &size))
        let world = MPICommunicator(library: library, rank: Int(rank), size: Int(size))
        shared = world
        return world
    }

    private init(library: MPILibrary, rank: Int, size: Int) { (self.library, self.rank, self.size) = (library, rank, size) }

    /// `MPI_Bcast` of the floats from `root`.
    public func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int) throws(DistributedError) {
        try library.check("MPI_Bcast", library.bcast(values.baseAddress, Int32(values.count), library.float, Int32(root), library.world))
    }

    /// `MPI_Allgather` of equal-sized float buffers, in rank order.
    public func allGather(_ local: UnsafeBufferPointer<Float>, into all: UnsafeMutableBufferPointer<Float>) throws(DistributedError) {
        try library.check("MPI_Allgather", library.allgather(local.baseAddress, Int32(local.count), library.float,
                                                             all.baseAddress, Int32(local.count), library.float, library.world))
    }

    /// `MPI_Allreduce` with `MPI_MAX` of one integer.
    public func maximum(_ value: Int32) throws(DistributedError) -> Int32 {
        var (input, output) = (value, Int32(0))
        try library.check("MPI_Allreduce", library.allreduce(&input, &output, 1, library.int, library.opMax, library.world))
        return output
    }

    /// Ends MPI for this process (`MPI_Finalize`); no collective may follow.
    public func finalize() { _ = library.finalize() }
}

/// The Open MPI entry points and handles, from `dlopen`/`dlsym`.
final class MPILibrary {
    typealias Handle = UnsafeMutableRawPointer
    typealias Arguments = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
    typealias InitFunction = @convention(c) (UnsafeMutablePointer<Int32>?, Arguments?) -> Int32
    typealias FlagFunction = @convention(c) (UnsafeMutablePointer<Int32>?) -> Int32
    typealias CommunicatorQuery = @convention(c) (Handle?, UnsafeMutablePointer<Int32>?) -> Int32
    typealias BroadcastFunction = @convention(c) (UnsafeMutableRawPointer?, Int32, Handle?, Int32, Handle?) -> Int32
    typealias GatherFunction = @convention(c) (UnsafeRawPointer?, Int32, Handle?, UnsafeMutableRawPointer?, Int32, Handle?, Handle?) -> Int32
    typealias ReduceFunction = @convention(c) (UnsafeRawPointer?, UnsafeMutableRawPointer?, Int32, Handle?, Handle?, Handle?) -> Int32
    typealias FinalizeFunction = @convention(c) () -> Int32

    let initFunction: InitFunction, initializedFunction: FlagFunction, commRank: CommunicatorQuery, commSize: CommunicatorQuery
    let bcast: BroadcastFunction, allgather: GatherFunction, allreduce: ReduceFunction, finalize: FinalizeFunction
    /// `MPI_COMM_WORLD`, `MPI_FLOAT`, `MPI_INT`, `MPI_MAX`.
    let world: Handle, float: Handle, int: Handle, opMax: Handle

    static func load() throws(DistributedError) -> MPILibrary {
        let name = getenv("GRADFLOW_MPI_LIBRARY").map { String(cString: $0) } ?? "libmpi.so.40"
        guard let handle = dlopen(name, RTLD_NOW | RTLD_GLOBAL) else {   // GLOBAL: Open MPI's plug-ins resolve against it
            throw .libraryMissing(library: name, reason: dlerror().map { String(cString: $0) } ?? "not found")
        }
        return try MPILibrary { (symbol: String) throws(DistributedError) -> Handle in
            guard let address = dlsym(handle, symbol) else { throw .symbolMissing(library: name, symbol: symbol) }
            return address
        }
    }

    private init(_ symbol: (String) throws(DistributedError) -> Handle) throws(DistributedError) {
        initFunction = unsafeBitCast(try symbol("MPI_Init"), to: InitFunction.self)
        initializedFunction = unsafeBitCast(try symbol("MPI_Initialized"), to: FlagFunction.self)
        commRank = unsafeBitCast(try symbol("MPI_Comm_rank"), to: CommunicatorQuery.self)
        commSize = unsafeBitCast(try symbol("MPI_Comm_size"), to: CommunicatorQuery.self)
        bcast = unsafeBitCast(try symbol("MPI_Bcast"), to: BroadcastFunction.self)
        allgather = unsafeBitCast(try symbol("MPI_Allgather"), to: GatherFunction.self)
        allreduce = unsafeBitCast(try symbol("MPI_Allreduce"), to: ReduceFunction.self)
        finalize = unsafeBitCast(try symbol("MPI_Finalize"), to: FinalizeFunction.self)
        (world, float, int, opMax) = (try symbol("ompi_mpi_comm_world"), try symbol("ompi_mpi_float"), try symbol("ompi_mpi_int"),
                                      try symbol("ompi_mpi_op_max"))
    }

    /// Throws unless `code` is `MPI_SUCCESS` (0).
    func check(_ function: String, _ code: Int32) throws(DistributedError) {
        guard code == 0 else { throw .callFailed(function: function, code: code) }
    }
}
