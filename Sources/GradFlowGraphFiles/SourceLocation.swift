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

    /// The whole file (line 0), for problems with the file itself: it is missing, not a regular
    /// file, too large, not UTF-8.
    public static func whole(_ file: String) -> SourceLocation { SourceLocation(file: file, line: 0, column: 0) }

    /// `file:line:column`, or just `file` for the whole file.
    public var description: String { line == 0 ? file : "\(file):\(line):\(column)" }
}
