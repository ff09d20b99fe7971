/// "Did you mean …?" for near misses: the closest candidate by Levenshtein edit distance.
public enum Suggestion {
    /// The candidate nearest to `word`, if it is within roughly a third of the word's length
    /// (at least 1, at most 3 edits); ties go to the first candidate in order.
    public static func nearest(to word: String, in candidates: [String]) -> String? {
        let limit = min(3, max(1, word.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let distance = editDistance(Array(word.lowercased()), Array(candidate.lowercased()))
            if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    /// The edit distance (insertions, deletions, substitutions, and swaps of neighbours: optimal string
    /// alignment) with three rolling rows.
    /// - Complexity: O(a.count · b.count) time, O(b.count) space.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        var beforePrevious = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(substitution, previous[j] + 1, current[j - 1] + 1)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {   // a swap of neighbours is one edit
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
