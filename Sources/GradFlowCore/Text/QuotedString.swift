extension String {
    /// The text as a double-quoted literal in the one escaping every writer of GradFlow uses (JSON's):
    /// `"` and `\` escaped, `\n`, `\r`, `\t`, other control characters as `\u00XX`. JSON readers,
    /// graph files (their lexer reads these escapes back) and Graphviz DOT (`\n` a line break) all
    /// accept it.
    package var quotedLiteral: String {
        var result = "\""
        for scalar in unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
