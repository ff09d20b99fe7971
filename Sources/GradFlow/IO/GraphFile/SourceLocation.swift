/// A place in a graph file: the file's name as the user wrote it, a 1-based line and a 1-based
/// column (counted in Unicode scalars), printed compiler-style as `xor.graph:7:12`.
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The file name used in messages (as given on the command line, or `<input>`).
    public var file: String
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column number.
    public var column: Int

    /// Creates a location.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`.
    public var description: String { "\(file):\(line):\(column)" }
}
