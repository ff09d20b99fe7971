extension String {
    /// The longest excerpt of outside text that a message quotes, in characters.
    static let messageExcerptLength = 80

    /// This text as an error message quotes it: cut to 80 characters with "…" when longer (a
    /// multi-megabyte bad field is not echoed whole), control characters shown as `\u{…}`.
    package var messageExcerpt: String {
        let shown = count > String.messageExcerptLength ? String(prefix(String.messageExcerptLength)) + "…" : self
        return shown.unicodeScalars.map { $0.value < 32 || $0.value == 127 ? "\\u{\(String($0.value, radix: 16))}" : String($0) }.joined()
    }
}
