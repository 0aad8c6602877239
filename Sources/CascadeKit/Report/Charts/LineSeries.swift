/// A metric against a swept parameter, optionally with a confidence interval at each point.
public struct LineSeries: Sendable {
    /// The series, for the legend.
    public var name: String
    /// Parameter values; pairs past the shorter of `x` and `y` are ignored.
    public var x: [Double]
    /// Metric values, one per x.
    public var y: [Double]
    /// Lower ends of the intervals, one per x, or `nil` for none; an interval is drawn where
    /// both ends are finite.
    public var lower: [Double]?
    /// Upper ends of the intervals, one per x, or `nil` for none.
    public var upper: [Double]?

    /// A series named `name` of the points (x[i], y[i]) with optional intervals lower[i] … upper[i].
    public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
    }
}
