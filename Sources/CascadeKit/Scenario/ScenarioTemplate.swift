/// The commented starter scenario of `cascade init`: a day of a volatile market with a crash,
/// on a venue's rules (or flat rules), for one or several assets. Every number in it is a round
/// illustration, said so in its comments; the file validates as written.
public enum ScenarioTemplate {
    /// The assets a template can hold, in order: symbol, price, annualised volatility, share of
    /// the open interest. Beyond the first three, the assets use a preset's altcoin tier table.
    static let assets: [(symbol: String, price: Double, volatility: Double)] = [
        ("BTCUSDT", 100_000, 0.6), ("ETHUSDT", 3_500, 0.8), ("SOLUSDT", 150, 1.0), ("XRPUSDT", 2.5, 1.0),
        ("DOGEUSDT", 0.2, 1.2), ("ADAUSDT", 0.8, 1.1), ("AVAXUSDT", 30, 1.1), ("LINKUSDT", 15, 1.0),
    ]

    /// The most assets a template holds.
    public static var maximumAssets: Int { assets.count }

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unknownVenue(String)
        case assetCount(Int)

        public var description: String {
            switch self {
            case let .unknownVenue(name):
                "--venue: \(ErrorText.quoted(name)) is not a venue preset; expected one of: \(VenuePreset.names.joined(separator: ", "))"
            case let .assetCount(n):
                "--assets: \(n) is out of range; expected 1 to \(ScenarioTemplate.maximumAssets)"
            }
        }
    }

    /// The starter scenario's text for `venue` (nil: flat rules) and `count` assets.
    public static func text(venue: String?, assets count: Int) throws(Problem) -> String {
        if let venue, VenuePreset.named(venue) == nil { throw .unknownVenue(venue) }
        guard count >= 1 && count <= maximumAssets else { throw .assetCount(count) }
        let chosen = Array(assets.prefix(count))
        var lines: [String] = []
        func add(_ line: String) { lines.append(line) }
        add("# A starter scenario written by `cascade init` (every key: docs/scenarios.md).")
        add("# Every number below is a round illustration [invented]: replace it with your market's, and")
        add("# note its source beside it. `cascade validate` checks the file; `cascade run` runs it.")
        add("name: starter")
        add("description: A volatile day with a crash\(venue.map { " on \($0) rules" } ?? " on flat rules"), \(count) asset\(count > 1 ? "s" : "").")
        add("seed: 1                      # same seed, same paths: change it for an independent run")
        add("simulation:")
        add("  paths: 1000                # Monte Carlo paths (more paths, tighter intervals)")
        add("  horizon: 1d                # simulated time")
        add("  step: 1m                   # time step; liquidations resolve within each step")
        add("market:")
        if count > 1 {
            add("  # Correlation of the assets' innovations (symmetric, 1 on the diagonal, positive definite).")
            add("  correlation:")
            for i in 0..<count {
                add("    - [" + (0..<count).map { $0 == i ? "1.0" : "0.7" }.joined(separator: ", ") + "]")
            }
        }
        add("  assets:")
        for (i, a) in chosen.enumerated() {
            add("    - symbol: \(a.symbol)")
            if venue != nil && i >= 3 { add("      tierTable: altcoin      # the preset's table for a symbol it does not list") }
            add("      price: \(format(a.price))          # price at time 0 (USD)")
            add("      model:")
            add("        type: gbm              # geometric Brownian motion with jumps")
            add("        volatility: \(format(a.volatility))        # annualised")
            add("        jumps: {intensity: 50, mean: -0.02, stdev: 0.02}   # jumps a year, log-size mean and stdev")
            add("      shocks:")
            add("        - {at: 6h, move: -0.10, over: 15m}    # the crash: −10% over 15 minutes, 6 hours in")
        }
        add("exchange:")
        if let venue {
            add("  preset: \(venue)           # the venue's tiers, fees, mark price, partial liquidation and ADL (docs/venues.md)")
        } else {
            add("  maintenanceMarginRate: 0.005   # flat rules: maintenance margin rate")
            add("  liquidationFee: 0.003          # and the clearance fee")
        }
        add("  insuranceFund: 100000000   # USD, shared by the assets")
        add("positions:")
        add("  synthetic:")
        for a in chosen {
            add("    - " + (count > 1 ? "asset: \(a.symbol)\n      " : "") + "count: 20000           # positions")
            add("      openInterest: \(a.symbol == "BTCUSDT" ? "5000000000" : "1000000000")   # USD notional of all positions")
            add("      longShare: 0.6           # share of the open interest held long")
            add("      leverageMix: {2: 0.30, 3: 0.30, 5: 0.25, 10: 0.15}   # leverage: share of positions")
            add("      entrySpread: 0.05        # entries spread around the price (fraction)")
            add("      size: {sigma: 1.5}       # log-normal sizes")
        }
        add("impact:")
        add("  model: squareRoot          # price impact of forced orders: squareRoot or linear")
        add("  depth: 20000000            # USD of net flow that moves the price 1%")
        add("  recoveryHalfLife: 10m      # half of the impact recovers in this time")
        add("report:")
        add("  quantiles: [0.5, 0.95, 0.99]")
        return lines.joined(separator: "\n") + "\n"
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
