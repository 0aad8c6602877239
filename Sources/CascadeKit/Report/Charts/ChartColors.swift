/// The colours of cascade's charts.
enum ChartColors {
    /// Okabe and Ito's colour-blind-safe palette (blue, vermillion, bluish green, reddish purple,
    /// orange, sky blue, yellow, black), cycled for more series.
    static let categorical = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]

    /// Fill of heatmap cells whose value is 0.
    static let neutral = "#e6e6e6"

    /// The colour of series number `index`.
    static func series(_ index: Int) -> String { categorical[index % categorical.count] }

    /// Viridis at nine equally spaced levels (as in R's `viridis(9)`), interpolated linearly in sRGB.
    private static let viridis: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x90, 0x8C),
        (0x27, 0xAD, 0x81), (0x5D, 0xC8, 0x63), (0xAA, 0xDC, 0x32), (0xFD, 0xE7, 0x25),
    ]

    /// A sequential, perceptually ordered colour (viridis-like: dark purple at 0, yellow at 1) as
    /// `#rrggbb`; `t` is clamped to 0 … 1 and NaN reads as 0.
    static func sequential(_ t: Double) -> String {
        let t = t.isNaN ? 0 : Swift.min(Swift.max(t, 0), 1)
        let position = t * Double(viridis.count - 1)
        let i = Swift.min(Int(position), viridis.count - 2)
        let f = position - Double(i)
        let (a, b) = (viridis[i], viridis[i + 1])
        return hex(a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    private static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789abcdef")
        var text = "#"
        for channel in [r, g, b] {
            let v = Int(channel.rounded())
            text.append(digits[v / 16])
            text.append(digits[v % 16])
        }
        return text
    }
}
