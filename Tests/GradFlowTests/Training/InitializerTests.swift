import XCTest
import GradFlow

/// Statistics of each initializer on a large draw, and reproducibility with a seed.
final class InitializerTests: XCTestCase {
    let (fanIn, fanOut) = (300, 200)

    func moments(_ initializer: Initializer, seed: UInt64 = 1) -> (mean: Double, std: Double, min: Float, max: Float) {
        var rng = RandomGenerator(seed: seed)
        let t = initializer.tensor(shape: [fanIn, fanOut], fanIn: fanIn, fanOut: fanOut, using: &rng)
        let n = Double(t.count)
        let mean = t.scalars.reduce(0.0) { $0 + Double($1) } / n
        let variance = t.scalars.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
        return (mean, variance.squareRoot(), t.scalars.min() ?? 0, t.scalars.max() ?? 0)
    }

    func testNormal_hasTheRequestedMeanAndStandardDeviation() {
        let m = moments(.normal(mean: 0.5, standardDeviation: 0.01))
        XCTAssertEqual(m.mean, 0.5, accuracy: 2e-4)
        XCTAssertEqual(m.std, 0.01, accuracy: 2e-4)
    }

    func testUniform_staysInRangeWithUniformMoments() {
        let m = moments(.uniform(lower: -1, upper: 3))
        XCTAssertGreaterThanOrEqual(m.min, -1)
        XCTAssertLessThan(m.max, 3)
        XCTAssertEqual(m.mean, 1, accuracy: 0.02)
        XCTAssertEqual(m.std, 4 / 12.0.squareRoot(), accuracy: 0.01)   // (b − a)/√12
    }

    func testGlorotAndKaiming_haveTheirDefiningStandardDeviations() {
        let cases: [(Initializer, Double, Double?)] = [
            (.xavierUniform, (2.0 / 500).squareRoot(), (6.0 / 500).squareRoot()),   // bound √(6/(in+out)), std bound/√3
            (.xavierNormal, (2.0 / 500).squareRoot(), nil),
            (.heUniform, (2.0 / 300).squareRoot(), (6.0 / 300).squareRoot()),
            (.heNormal, (2.0 / 300).squareRoot(), nil),
            (.pytorchDefault, 1 / (3.0 * 300).squareRoot(), 1 / 300.0.squareRoot()),  // U(±1/√in)
        ]
        for (initializer, std, bound) in cases {
            let m = moments(initializer)
            XCTAssertEqual(m.mean, 0, accuracy: std * 0.02, "\(initializer)")
            XCTAssertEqual(m.std, std, accuracy: std * 0.02, "\(initializer)")
            if let bound {
                XCTAssertLessThanOrEqual(Double(max(-m.min, m.max)), bound, "\(initializer)")
                XCTAssertGreaterThan(Double(max(-m.min, m.max)), bound * 0.99, "\(initializer)")
            }
        }
    }

    func testZeros_isAllZero() {
        var rng = RandomGenerator(seed: 1)
        XCTAssertEqual(Initializer.zeros.tensor(shape: [3, 2], fanIn: 3, fanOut: 2, using: &rng), .zeros([3, 2]))
    }

    func testSameSeed_givesTheSameTensor_differentSeedDoesNot() {
        var a = RandomGenerator(seed: 42), b = RandomGenerator(seed: 42), c = RandomGenerator(seed: 43)
        let first = Initializer.heNormal.tensor(shape: [4, 5], using: &a)
        XCTAssertEqual(first, Initializer.heNormal.tensor(shape: [4, 5], using: &b))
        XCTAssertNotEqual(first, Initializer.heNormal.tensor(shape: [4, 5], using: &c))
        XCTAssertEqual(first.shape, [4, 5])
    }
}
