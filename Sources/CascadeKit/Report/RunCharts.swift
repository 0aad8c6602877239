import Foundation

/// The charts of a run, as SVG text, each drawn from the numbers of one CSV report so that what
/// is plotted can be checked against it (every mark carries its values in `data-` attributes):
///
/// - `price-fan.svg`: quantile bands of the traded price over time, with feedback, and of the
///   fundamental price — the no-feedback twin's traded price (timeseries.csv);
/// - `insurance-fund.svg`: quantile bands of the insurance fund over time (timeseries.csv);
/// - `liquidated-notional.svg`: histogram of the liquidated notional per path (paths.csv);
/// - `cascade-sizes.svg`: the cascade-size density on log-log axes with the fitted power law
///   (cascade-sizes.csv, cascade-fit.csv);
/// - `liquidation-map.svg`: the liquidation map as a heatmap of mean liquidated notional by
///   price bin and side × leverage (liquidation-map.csv).
///
/// With several assets the per-asset charts are written per asset (`price-fan.SYMBOL.svg`,
/// `liquidation-map.SYMBOL.svg`).
public enum RunCharts {
    /// The sentence under a chart of report.html: what it shows and how to read it (by the
    /// chart's file name, `price-fan.BTC.svg` as `price-fan`).
    public static func caption(_ file: String, confidence: Double) -> String {
        let base = file.split(separator: ".").first.map(String.init) ?? file
        let symbol = file.split(separator: ".").count == 3 ? " of \(file.split(separator: ".")[1])" : ""
        switch base {
        case "price-fan":
            return "The traded price\(symbol) over time across paths (with liquidation feedback) beside the fundamental price "
                + "(the same draws without feedback). Each band holds the paths between two quantiles; the line is the median. "
                + "Where the traded bands fall below the fundamental ones, forced selling pushed the price further. (\(file))"
        case "insurance-fund":
            return "The insurance fund's balance over time across paths: bands between quantiles, the median as a line. A lower "
                + "band reaching zero means the fund ran out on those paths. (\(file))"
        case "liquidated-notional":
            return "How many paths liquidated how much: a histogram of the notional liquidated per path (USD). A long right tail "
                + "is the rare large cascade. (\(file))"
        case "cascade-sizes":
            return "The sizes of cascades on log-log axes with the fitted power law: points on a straight line mean sizes without "
                + "a typical scale, so large cascades are much likelier than a normal tail would say. (\(file))"
        case "liquidation-map":
            return "Where liquidations happen\(symbol): mean liquidated notional per path by price level (rows) and side × leverage "
                + "(columns). Bright cells are the prices at which forced closures cluster; grey is none. (\(file))"
        case "convergence":
            return "The running mean of the liquidated notional as paths accumulate, with its \(Int((confidence * 100).rounded()))% "
                + "interval. When the band is narrow and flat, more paths would change the estimate little. (\(file))"
        default:
            return file
        }
    }

    /// The fan bands of `levels` (ascending): pairs (lᵢ, l₍ₙ₋₁₋ᵢ₎) from the outside in, and the median if 0.5 is a level.
    static func bands(levels: [Double], values: [[Double]]) -> (bands: [FanBand], median: [Double]?) {
        var bands: [FanBand] = []
        var i = 0, j = levels.count - 1
        while i < j {
            bands.append(FanBand(label: "\(CSVFormat.quantileName(levels[i]))–\(CSVFormat.quantileName(levels[j]))",
                                 lower: values.map { $0[i] }, upper: values.map { $0[j] }))
            i += 1
            j -= 1
        }
        let median = levels.firstIndex(of: 0.5).map { m in values.map { $0[m] } }
        return (bands, median)
    }

    /// Time in hours of each time-series row.
    static func hours(_ config: SimulationConfig) -> [Double] {
        (0..<config.timeSeries.rows).map { Double($0 * config.timeSeries.stride) * config.stepSeconds / 3_600 }
    }

    /// The price fan of asset `a`: traded (with feedback) and fundamental (without) bands.
    public static func priceFan(config: SimulationConfig, asset a: Int, levels: [Double], quantiles: [[[Double]]]) -> String {
        let traded = bands(levels: levels, values: quantiles[2 * a])
        let fundamental = bands(levels: levels, values: quantiles[2 * a + 1])
        return Chart.fan(title: "\(config.assets[a].symbol): traded price with and without liquidation feedback",
                         xLabel: "time (hours)", yLabel: "price (USD)", x: hours(config),
                         groups: [FanGroup(name: "traded price (with feedback)", bands: traded.bands, median: traded.median),
                                  FanGroup(name: "fundamental price (no-feedback twin)", bands: fundamental.bands,
                                           median: fundamental.median)])
    }

    /// The insurance-fund fan.
    public static func insuranceFund(config: SimulationConfig, levels: [Double], quantiles: [[[Double]]]) -> String {
        let fund = bands(levels: levels, values: quantiles[2 * config.assets.count + 1])
        return Chart.fan(title: "Insurance fund across paths", xLabel: "time (hours)", yLabel: "insurance fund (USD)",
                         x: hours(config), groups: [FanGroup(name: "insurance fund", bands: fund.bands, median: fund.median)])
    }

    /// Equal-width bins over the range of `values` (NaN skipped): edges and counts.
    public static func linearHistogram(_ values: some Sequence<Double>, bins: Int = 40) -> (edges: [Double], counts: [Double]) {
        let finite = values.filter { $0.isFinite }
        guard let low = finite.min(), let high = finite.max() else { return ([], []) }
        if low == high { return ([low - 0.5, high + 0.5], [Double(finite.count)]) }
        let width = (high - low) / Double(bins)
        var counts = [Double](repeating: 0, count: bins)
        for v in finite { counts[min(bins - 1, Int((v - low) / width))] += 1 }
        return ((0...bins).map { low + Double($0) * width }, counts)
    }

    /// The histogram of liquidated notional per path.
    public static func liquidatedNotional(paths: PathResults) -> String {
        let h = linearHistogram(paths.column(.liquidatedNotional))
        return Chart.histogram(title: "Liquidated notional per path", xLabel: "liquidated notional (USD)", yLabel: "paths",
                               edges: h.edges, counts: h.counts)
    }

    /// The cascade-size density on log-log axes, with the fitted power law above x_min.
    public static func cascadeSizes(_ sizes: RunStatistics.CascadeSizes) -> String {
        let edges = sizes.histogram.edges()
        let total = Double(sizes.histogram.total)
        var x: [Double] = [], y: [Double] = []
        for (i, count) in sizes.histogram.counts.enumerated() where count > 0 {
            x.append((edges[i] * edges[i + 1]).squareRoot())
            y.append(Double(count) / (total * (edges[i + 1] - edges[i])))
        }
        var series = [PointSeries(name: "cascades (density)", x: x, y: y, style: .points)]
        if let fit = sizes.fit, let last = x.last, last > fit.xmin {
            // Density of the fitted tail, scaled by the tail's share of all cascades.
            let share = Double(fit.tailCount) / total
            let grid = (0...40).map { fit.xmin * pow(last / fit.xmin, Double($0) / 40) }
            series.append(PointSeries(name: "power law, α = \(String(format: "%.2f", fit.alpha)) ± \(String(format: "%.2f", fit.alphaStandardError))",
                                      x: grid, y: grid.map { share * (fit.alpha - 1) / fit.xmin * pow($0 / fit.xmin, -fit.alpha) },
                                      style: .line))
        }
        return Chart.logLog(title: "Cascade sizes (\(sizes.events) cascades)", xLabel: "liquidated notional per cascade (USD)",
                            yLabel: "density (1/USD)", series: series)
    }

    /// The liquidation map of asset `a` as a heatmap: columns are price bins (trimmed to the
    /// non-empty range), rows side × leverage bucket, values mean notional per path.
    public static func liquidationMap(_ map: LiquidationMap, asset a: Int, paths: Int) -> String {
        let layout = map.layout
        var used: [Int] = []
        for bin in 0..<layout.priceBins {
            let any = (0..<2).contains { side in
                (0..<layout.leverageBuckets).contains { map.total(asset: a, side: side, priceBin: bin, bucket: $0) != 0 }
            }
            if any { used.append(bin) }
        }
        let bins = used.isEmpty ? [] : Array(used.first!...used.last!)
        var rows: [[Double]] = [], rowLabels: [String] = []
        for side in 0..<2 {
            for bucket in 0..<layout.leverageBuckets {
                rowLabels.append("\(side == 0 ? "long" : "short") \(layout.leverageLabel(bucket))")
                rows.append(bins.map { map.total(asset: a, side: side, priceBin: $0, bucket: bucket) / Double(paths) })
            }
        }
        let columnLabels = bins.map { bin -> String in
            let r = layout.priceRange(bin: bin, initialPrice: map.initialPrices[a])
            return r.low == 0 ? "<\(Self.price(r.high))" : r.high.isInfinite ? ">\(Self.price(r.low))" : Self.price(r.low)
        }
        return Chart.heatmap(title: "\(map.symbols[a]): liquidation map (mean notional per path)", xLabel: "execution price (USD, bin start)",
                             yLabel: "side and leverage", xLabels: columnLabels, yLabels: rowLabels, values: rows,
                             valueLabel: "USD per path")
    }

    static func price(_ p: Double) -> String {
        p >= 1_000 ? String(format: "%.0f", p) : p >= 1 ? String(format: "%.2f", p) : String(format: "%.4g", p)
    }
}
