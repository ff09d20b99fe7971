import GradFlowCore

/// Per-column means and variances, and the loop that applies a per-column map (shared by the scalers).
struct ColumnStatistics {
    var mean: [Double]
    var variance: [Double]
    var minimum: [Float]
    var maximum: [Float]

    init(_ data: Tensor, operation: String) throws(DataError) {
        let (rows, columns) = try ColumnStatistics.matrixShape(data)
        guard rows > 0 else { throw .empty(operation: operation) }
        var sum = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        minimum = [Float](repeating: .infinity, count: columns)
        maximum = [Float](repeating: -.infinity, count: columns)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = data.scalars[row * columns + column]
                sum[column] += Double(value)
                minimum[column] = min(minimum[column], value)
                maximum[column] = max(maximum[column], value)
            }
        }
        mean = sum.map { $0 / Double(rows) }
        for row in 0..<rows {   // two passes: Σ(x − μ)² is exact where Σx² − nμ² cancels
            for column in 0..<columns {
                let deviation = Double(data.scalars[row * columns + column]) - mean[column]
                squares[column] += deviation * deviation
            }
        }
        variance = squares.map { $0 / Double(rows) }
    }

    /// `(rows, columns)` of a matrix, or `(count, 1)` for a vector.
    static func matrixShape(_ data: Tensor) throws(DataError) -> (rows: Int, columns: Int) {
        switch data.rank {
        case 1: return (data.shape[0], 1)
        case 2: return (data.shape[0], data.shape[1])
        default: throw .notAMatrix(shape: data.shape)
        }
    }

    /// Applies `map(value, column)` to every element of `data`, checking the column count.
    static func apply(to data: Tensor, columns expected: Int, operation: String,
                      _ map: (Float, Int) -> Float) throws(DataError) -> Tensor {
        let (_, columns) = try matrixShape(data)
        guard columns == expected else { throw .columnCountMismatch(operation: operation, expected: expected, found: columns) }
        var result = data
        result.withUnsafeMutableBufferPointer { values in
            for i in values.indices { values[i] = map(values[i], i % columns) }
        }
        return result
    }
}
