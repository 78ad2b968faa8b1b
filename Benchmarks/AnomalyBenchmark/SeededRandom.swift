import Foundation

/// SplitMix64: a small seeded generator, so the synthetic fleet is the same on every run
/// and every machine (`SystemRandomNumberGenerator` is not seedable).
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }

    /// Log-uniform in [low, high): as likely 1–10 as 10–100.
    mutating func logUniform(_ low: Double, _ high: Double) -> Double {
        exp(uniform(log(low), log(high)))
    }

    /// Normally distributed (Box–Muller).
    mutating func gaussian(_ mean: Double = 0, _ deviation: Double = 1) -> Double {
        let u = max(uniform(0, 1), 1e-12)
        let v = uniform(0, 1)
        return mean + deviation * (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// A whole number in `range`.
    mutating func integer(_ range: ClosedRange<Int>) -> Int {
        Int.random(in: range, using: &self)
    }
}
