import CGradFlowRegistry
import Synchronization

/// One entry of the operation registry's linker section: a C function that returns the operation's
/// node class (`OperationRegistry.entry(for:)`).
public typealias OperationRegistration = @convention(c) () -> UnsafeRawPointer

/// Every `GraphOperation` the library (or its user) has registered, by graph-file name.
///
/// An operation registers itself in its own source file, with one declaration the linker gathers
/// into the section `gradflow_ops` (no central list to edit):
/// ```swift
/// #if os(macOS) || os(iOS)
/// @used @section("__DATA,gradflow_ops")
/// #else
/// @used @section("gradflow_ops")
/// #endif
/// private let registration: OperationRegistration = { OperationRegistry.entry(for: Linear.self) }
/// ```
/// A program's own operations can use the same declaration when they are linked into the same
/// image as GradFlow (SwiftPM links packages statically), or call `register(_:)` at run time.
public enum OperationRegistry {
    private static let registered = Mutex<[any GraphOperation.Type]>(linkedOperations())

    /// The section entry for `type`: its class as a raw pointer.
    public static func entry(for type: any GraphOperation.Type) -> UnsafeRawPointer {
        unsafeBitCast(type as Node.Type, to: UnsafeRawPointer.self)
    }

    /// Adds an operation at run time (graph files may then call it).
    /// - Precondition: no registered operation has its name or one of its aliases (a programmer error).
    public static func register(_ type: any GraphOperation.Type) {
        registered.withLock { types in
            let names = Set(types.flatMap(Self.names(of:)))
            precondition(names.isDisjoint(with: Self.names(of: type)),
                         "OperationRegistry: an operation named '\(type.operationDescription.name)' (or an alias) is already registered")
            types.append(type)
            types.sort(by: Self.helpOrder)
        }
    }

    /// Every operation, in help order (by category, then name).
    public static var all: [any GraphOperation.Type] { registered.withLock { $0 } }

    /// The operation called `name` or one of its aliases.
    public static func operation(named name: String) -> (any GraphOperation.Type)? {
        all.first { $0.operationDescription.name == name || $0.operationDescription.aliases.contains(name) }
    }

    /// Every name an operation can be called by (names, then aliases).
    public static var names: [String] {
        let types = all
        return types.map { $0.operationDescription.name } + types.flatMap { $0.operationDescription.aliases }.sorted()
    }

    private static func names(of type: any GraphOperation.Type) -> [String] {
        [type.operationDescription.name] + type.operationDescription.aliases
    }

    private static func helpOrder(_ a: any GraphOperation.Type, _ b: any GraphOperation.Type) -> Bool {
        let (x, y) = (a.operationDescription, b.operationDescription)
        return x.category != y.category ? x.category < y.category : x.name < y.name
    }

    /// The operations whose files placed an entry in the linker section.
    private static func linkedOperations() -> [any GraphOperation.Type] {
        var count = 0
        guard let start = gradflow_operation_entries(&count) else { return [] }
        var types: [any GraphOperation.Type] = []
        for index in 0..<count {
            let registration = start.load(fromByteOffset: index * MemoryLayout<OperationRegistration>.stride, as: OperationRegistration.self)
            guard let type = unsafeBitCast(registration(), to: Node.Type.self) as? any GraphOperation.Type else {
                preconditionFailure("OperationRegistry: a section entry is not a GraphOperation")
            }
            types.append(type)
        }
        return types.sorted(by: helpOrder)
    }
}
