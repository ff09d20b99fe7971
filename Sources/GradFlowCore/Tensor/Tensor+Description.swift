extension Tensor: CustomStringConvertible {
    /// The tensor printed like numpy: nested brackets, one row per line, aligned columns,
    /// e.g. `[[1. 2.]\n [3. 4.]]`.
    public var description: String {
        if rank == 0 { return Tensor.format(scalars[0]) }
        // Align on the decimal point as numpy does: pad integer parts left, fractions right.
        let parts = scalars.map(Tensor.format).map { text -> (Substring, Substring) in
            guard let dot = text.firstIndex(of: ".") else { return (Substring(text), "") }
            return (text[..<dot], text[dot...])
        }
        let integerWidth = parts.map(\.0.count).max() ?? 0
        let fractionWidth = parts.map(\.1.count).max() ?? 0
        let padded = parts.map { integer, fraction in
            String(repeating: " ", count: integerWidth - integer.count) + integer + fraction
                + String(repeating: " ", count: fractionWidth - fraction.count)
        }
        return render(padded, axis: 0, offset: 0, indent: 1)
    }

    private func render(_ texts: [String], axis: Int, offset: Int, indent: Int) -> String {
        let length = shape[axis]
        if axis == rank - 1 {
            return "[" + texts[offset ..< offset + length].joined(separator: " ") + "]"
        }
        let stride = shape[(axis + 1)...].reduce(1, *)
        let separator = String(repeating: "\n", count: rank - axis - 1) + String(repeating: " ", count: indent)
        let parts = (0..<length).map { render(texts, axis: axis + 1, offset: offset + $0 * stride, indent: indent + 1) }
        return "[" + parts.joined(separator: separator) + "]"
    }

    /// numpy-like formatting: whole numbers as `3.`, others with up to 8 significant digits.
    private static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && Swift.abs(value) < 1e16 { return "\(Int64(value))." }
        return "\(value)"
    }
}
