/// Converts the bytes of a number to a `Float` exactly as `Float(String)` does, without making a
/// `String` for the common decimal forms.
///
/// The fast path reads `[+-] digits [. digits] [(e|E) [+-] digits]` with at most 19 significant
/// digits into an integer mantissa `m` and a power of ten `k`. When `m ≤ 2⁵³` and `|k| ≤ 22` both
/// are exact doubles, so `m · 10ᵏ` (or `m / 10⁻ᵏ`) is one correctly rounded double `d` (Clinger's
/// fast path). Rounding `d` to `Float` is then the correctly rounded float of the decimal, unless `d`
/// lies exactly halfway between two floats (a double rounding could then go the wrong way) or in the
/// float subnormal or overflow range: those, and every other form `Float(String)` accepts (hex
/// floats, `inf`, `nan`, more digits), go to `Float(String)` itself. The result is therefore always
/// bit-identical to `Float(String(decoding: bytes, as: UTF8.self))` (tested on random decimal and
/// exponent forms), except that bytes with a control character (NUL included) are never a number.
enum DecimalParser {
    /// 10ᵏ for 0 ≤ k ≤ 22, all exact in `Double` (a switch the compiler makes into a constant table:
    /// no bounds checks or global accessors on the hot path).
    @inline(__always)
    private static func powerOfTen(_ k: Int) -> Double {
        switch k {
        case 0: 1e0; case 1: 1e1; case 2: 1e2; case 3: 1e3; case 4: 1e4; case 5: 1e5; case 6: 1e6; case 7: 1e7
        case 8: 1e8; case 9: 1e9; case 10: 1e10; case 11: 1e11; case 12: 1e12; case 13: 1e13; case 14: 1e14
        case 15: 1e15; case 16: 1e16; case 17: 1e17; case 18: 1e18; case 19: 1e19; case 20: 1e20; case 21: 1e21
        default: 1e22
        }
    }

    /// The float that `Float(String)` gives for `bytes[start..<end]`, or nil when it gives nil — or
    /// when the bytes hold a control character: `Float(String)` stops at a NUL as C does, reading
    /// `"2\u{0}3"` as 2, which a data file must not do.
    static func parse(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Float? {
        if let (value, next) = scan(base, start, end), next == end { return value }
        let bytes = UnsafeBufferPointer(start: base + start, count: end - start)
        guard !bytes.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return nil }
        return Float(String(decoding: bytes, as: UTF8.self))
    }

    /// The fast path on the longest decimal at `start`: its float and the index after it, or nil when
    /// there is none or `Float(String)` must decide (too many digits, outside the fast range, halfway).
    @inline(__always)
    static func scan(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (Float, Int)? {
        var i = start
        guard i < end else { return nil }
        var negative = false
        if p[i] == UInt8(ascii: "-") { negative = true; i += 1 } else if p[i] == UInt8(ascii: "+") { i += 1 }
        var mantissa: UInt64 = 0
        var digits = 0              // significant digits kept in `mantissa`
        var anyDigit = false
        var exponent = 0            // the power of ten of the mantissa's last digit
        // The digits before the point, then (`fraction`) after it, each lowering the exponent.
        for part in 0..<2 {
            let fraction = part == 1
            if fraction {
                guard i < end, p[i] == UInt8(ascii: ".") else { break }
                i += 1
            }
            while i < end, p[i] &- 48 < 10 {
                anyDigit = true
                if mantissa != 0 || p[i] != 48 {
                    guard digits < 19 else { return nil }
                    mantissa = mantissa &* 10 &+ UInt64(p[i] &- 48)
                    digits += 1
                }
                if fraction { exponent -= 1 }
                i += 1
            }
        }
        guard anyDigit else { return nil }
        if i < end, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            var exponentNegative = false
            if i < end, p[i] == UInt8(ascii: "-") { exponentNegative = true; i += 1 } else if i < end, p[i] == UInt8(ascii: "+") { i += 1 }
            var written = 0
            var explicit = 0
            while i < end, p[i] &- 48 < 10 {
                guard written < 6 else { return nil }
                explicit = explicit * 10 + Int(p[i] &- 48)
                written += 1
                i += 1
            }
            guard written > 0 else { return nil }
            exponent += exponentNegative ? -explicit : explicit
        }
        if mantissa == 0 { return (negative ? -0.0 : 0.0, i) }
        guard mantissa <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        let scaled = exponent >= 0 ? Double(mantissa) * powerOfTen(exponent) : Double(mantissa) / powerOfTen(-exponent)
        // Float's normal range, and not halfway between two floats (the low 29 of the double's 52
        // fraction bits are what rounding to 23 bits drops; halfway is exactly the top one of them).
        guard scaled >= Double(Float.leastNormalMagnitude), scaled <= Double(Float.greatestFiniteMagnitude),
              scaled.bitPattern & 0x1FFF_FFFF != 0x1000_0000 else { return nil }
        let result = Float(scaled)
        return (negative ? -result : result, i)
    }
}
