/// A series of (x, y) pairs of a log-log chart.
public struct PointSeries: Sendable {
    /// How a series is drawn.
    public enum Style: Sendable, Hashable {
        /// A dot at each pair (an empirical tail, a size distribution).
        case points
        /// A line through the pairs in the given order (a fitted power law, a reference slope).
        case line
    }

    /// The series, for the legend.
    public var name: String
    /// Abscissae; pairs past the shorter of `x` and `y` are ignored.
    public var x: [Double]
    /// Ordinates.
    public var y: [Double]
    /// Dots or a line.
    public var style: Style

    /// A series named `name` of the pairs (x[i], y[i]), drawn as `style`.
    public init(name: String, x: [Double], y: [Double], style: Style = .points) {
        self.name = name
        self.x = x
        self.y = y
        self.style = style
    }
}
