extension Sequential {
    /// A Keras-style table of the layers, their output shapes and parameter counts:
    /// ```
    /// Layer (type)                 Output shape        Params
    /// ========================================================
    /// dense0 (Dense)               [batch, 128]        100480
    /// dropout0 (DropoutLayer)      [batch, 128]             0
    /// dense1 (Dense)               [batch, 10]           1290
    /// ========================================================
    /// Total params: 101,770
    /// ```
    /// Layers inside a block are indented under it (the block's count includes theirs). Before the
    /// first build, shapes and counts are shown as `?`.
    /// - Returns: the table; print it to show it.
    public func summary() -> String {
        var rows: [(String, String, String)] = []
        if records.isEmpty {
            var scope = NameScope(prefix: "")
            for layer in layers {
                rows.append(("\(scope.nextName(for: layer)) (\(type(of: layer)))", "?", "?"))
            }
        } else {
            for record in records {
                let indent = String(repeating: "  ", count: record.depth)
                rows.append(("\(indent)\(record.name) (\(record.typeName))", record.outputShape.text, String(record.parameterCount)))
            }
        }
        let header = ("Layer (type)", "Output shape", "Params")
        let first = max(rows.map(\.0.count).max() ?? 0, header.0.count) + 2
        let second = max(rows.map(\.1.count).max() ?? 0, header.1.count) + 2
        let third = max(rows.map(\.2.count).max() ?? 0, header.2.count)
        func line(_ row: (String, String, String)) -> String {
            padRight(row.0, first) + padRight(row.1, second) + padLeft(row.2, third)
        }
        let rule = String(repeating: "=", count: first + second + third)
        var lines = [line(header), rule] + rows.map(line) + [rule]
        lines.append("Total params: " + (graph == nil ? "?" : grouped(parameterCount)))
        return lines.joined(separator: "\n")
    }
}

private func padRight(_ text: String, _ width: Int) -> String {
    text + String(repeating: " ", count: max(width - text.count, 0))
}

private func padLeft(_ text: String, _ width: Int) -> String {
    String(repeating: " ", count: max(width - text.count, 0)) + text
}

/// `101770` → `101,770`.
private func grouped(_ number: Int) -> String {
    let digits = String(number)
    var result = ""
    for (index, digit) in digits.enumerated() {
        if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
        result.append(digit)
    }
    return result
}
