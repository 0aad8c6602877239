/// One quantity of a fan chart, drawn in its own colour: nested bands and a median line, e.g.
/// "traded price (with feedback)" or "fundamental price (without feedback)".
public struct FanGroup: Sendable {
    /// The quantity, for the legend.
    public var name: String
    /// Its bands, listed from the outermost (widest) to the innermost. All bands are drawn with the
    /// same translucency, so where they overlap the fill is darker and the outer band is lighter.
    public var bands: [FanBand]
    /// Its median, one value per x, drawn as a line; `nil` for none.
    public var median: [Double]?

    /// A group named `name` with its bands (outermost first) and optional median.
    public init(name: String, bands: [FanBand], median: [Double]? = nil) {
        self.name = name
        self.bands = bands
        self.median = median
    }
}
