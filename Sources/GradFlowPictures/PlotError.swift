/// A plot could not be made or written.
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A series whose x and y arrays have different lengths.
    case mismatchedLengths(series: String, x: Int, y: Int)
    /// The SVG file could not be written.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .mismatchedLengths(series, x, y):
            return "series '\(series)' has \(x) x values but \(y) y values; give one y per x"
        case let .unwritable(file, reason):
            return "\(file): cannot write the plot: \(reason)"
        }
    }
}
