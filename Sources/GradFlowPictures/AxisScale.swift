import Foundation

/// A linear axis: the data range widened to "nice" tick values (steps of 1, 2 or 5 × 10ᵏ, about
/// five ticks), mapped onto a pixel interval.
struct AxisScale {
    /// The tick values, from the low end of the axis to the high end.
    let ticks: [Double]
    private let low: Double
    private let high: Double
    private let from: Double
    private let to: Double
    private let decimals: Int

    /// Fits an axis to the finite `values` (0…1 when there are none; a constant is widened by ±1
    /// or ±10 %), mapped onto pixels `from` (the low end) to `to` (the high end).
    init(values: [Double], from: Double, to: Double) {
        let finite = values.filter(\.isFinite)
        var (lower, upper) = (finite.min() ?? 0, finite.max() ?? 1)
        if lower == upper {
            let pad = lower == 0 ? 1 : abs(lower) * 0.1
            (lower, upper) = (lower - pad, upper + pad)
        }
        let step = AxisScale.niceStep((upper - lower) / 5)
        let (start, end) = ((lower / step).rounded(.down) * step, (upper / step).rounded(.up) * step)
        let count = Int(((end - start) / step).rounded())
        ticks = (0...max(count, 1)).map { start + Double($0) * step }
        (low, high) = (start, end)
        decimals = max(0, -Int((log10(step)).rounded(.down)))
        (self.from, self.to) = (from, to)
    }

    /// The pixel coordinate of `value`.
    func position(_ value: Double) -> Double {
        from + (value - low) / (high - low) * (to - from)
    }

    /// A tick value printed with as many decimals as the step needs (`0.25` → 2).
    func label(_ value: Double) -> String {
        let text = String(format: "%.\(decimals)f", value)
        return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
    }

    /// The smallest 1, 2 or 5 × 10ᵏ at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * magnitude >= raw * (1 - 1e-9) { return factor * magnitude }
        return 10 * magnitude
    }
}
