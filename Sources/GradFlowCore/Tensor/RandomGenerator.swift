/// A small, fast, seeded random number generator (xoshiro256**, seeded through SplitMix64).
///
/// The same seed gives the same sequence on every machine and every run, so a training run with a
/// fixed seed is reproducible bit for bit. Pass it explicitly (`inout`) wherever randomness is needed.
public struct RandomGenerator: RandomNumberGenerator, Sendable, Equatable {
    /// The four 64-bit words of xoshiro256** state; saving and restoring them resumes the sequence.
    public private(set) var state: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var mixer = seed
        func splitMix() -> UInt64 {
            mixer &+= 0x9E37_79B9_7F4A_7C15
            var z = mixer
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// Restores a generator from a saved `state` (all four words zero is not a valid state).
    public init(state: (UInt64, UInt64, UInt64, UInt64)) {
        self.state = state == (0, 0, 0, 0) ? (1, 0, 0, 0) : state
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotate(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotate(state.3, 45)
        return result
    }

    /// A uniform float in `[0, 1)` with 24 random bits.
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A sample of the normal distribution N(mean, std²) (Box–Muller).
    public mutating func nextNormal(mean: Float = 0, standardDeviation: Float = 1) -> Float {
        let u1 = Double((next() >> 11) + 1) * (1.0 / 9_007_199_254_740_993.0)   // (0, 1]
        let u2 = Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0)
        let radius = (-2 * _logDouble(u1)).squareRoot()
        return mean + standardDeviation * Float(radius * _cosDouble(2 * Double.pi * u2))
    }

    public static func == (lhs: RandomGenerator, rhs: RandomGenerator) -> Bool {
        lhs.state == rhs.state
    }

    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

extension RandomGenerator {
    /// Shuffles `array` in place (Fisher–Yates with this generator's own draws, so the order is the
    /// same with every Swift version).
    public mutating func shuffle<Element>(_ array: inout [Element]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            array.swapAt(i, j)
        }
    }
}
