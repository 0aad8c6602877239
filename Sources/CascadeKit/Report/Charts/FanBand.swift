/// One band of a fan chart: the area between two quantile curves, such as the 5th and 95th
/// percentiles of a price across paths.
public struct FanBand: Sendable {
    /// What the band spans, for the legend, e.g. `5–95 %`.
    public var label: String
    /// The lower curve, one value per x (values past the shorter of the arrays are ignored).
    public var lower: [Double]
    /// The upper curve, one value per x.
    public var upper: [Double]

    /// A band between `lower` and `upper`, labelled `label` in the legend.
    public init(label: String, lower: [Double], upper: [Double]) {
        self.label = label
        self.lower = lower
        self.upper = upper
    }
}
