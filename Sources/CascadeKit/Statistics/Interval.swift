/// A closed interval [lower, upper] of real numbers, such as a confidence interval.
///
/// Either bound may be NaN when the interval is undefined (for example a confidence interval
/// from fewer observations than the method needs); ``contains(_:)`` is then false.
public struct Interval: Sendable, Equatable {
    /// The lower bound.
    public var lower: Double
    /// The upper bound, ≥ ``lower`` when both are defined.
    public var upper: Double

    /// The interval [lower, upper].
    public init(lower: Double, upper: Double) {
        self.lower = lower
        self.upper = upper
    }

    /// The undefined interval (NaN, NaN).
    public static let undefined = Interval(lower: .nan, upper: .nan)

    /// Whether lower ≤ x ≤ upper (false when a bound or x is NaN).
    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }

    /// upper − lower (NaN when undefined).
    public var width: Double { upper - lower }
}
