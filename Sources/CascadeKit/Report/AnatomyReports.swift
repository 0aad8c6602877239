import Foundation

/// The cascade-anatomy reports: the list of cascade events and the liquidation map. Pure: no I/O.
public enum AnatomyReports {
    /// `cascades.csv`: one row per cascade event (``CascadeEvent``), ordered by path, asset and
    /// start.
    public static func eventsCSV(_ events: [CascadeEvent], symbols: [String], stepSeconds: Double) -> String {
        var lines = ["path,asset,startTime,startStep,steps,rounds,liquidatedNotional,overshoot,direction"]
        lines.reserveCapacity(events.count + 1)
        for e in events {
            lines.append([String(e.path), symbols[e.asset], CSVFormat.number(Double(e.startStep) * stepSeconds),
                          String(e.startStep), String(e.steps), String(e.rounds), CSVFormat.number(e.liquidatedNotional),
                          CSVFormat.number(e.overshoot), e.direction < 0 ? "down" : "up"].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One non-empty cell of the liquidation map, averaged over paths.
    public struct MapCell: Sendable, Equatable {
        public var asset: Int
        public var side: Side
        public var priceBin: Int
        public var priceLow: Double
        public var priceHigh: Double
        public var leverageBucket: Int
        /// Mean over paths of the USD notional liquidated in the cell.
        public var meanNotional: Double
    }

    /// The non-empty cells of `map`, each as a mean over `paths` paths.
    public static func cells(_ map: LiquidationMap, paths: Int) -> [MapCell] {
        var cells: [MapCell] = []
        let layout = map.layout
        for asset in map.symbols.indices {
            for side in 0..<2 {
                for bin in 0..<layout.priceBins {
                    for bucket in 0..<layout.leverageBuckets {
                        let total = map.total(asset: asset, side: side, priceBin: bin, bucket: bucket)
                        guard total != 0 else { continue }
                        let range = layout.priceRange(bin: bin, initialPrice: map.initialPrices[asset])
                        cells.append(MapCell(asset: asset, side: side == 0 ? .long : .short, priceBin: bin,
                                             priceLow: range.low, priceHigh: range.high, leverageBucket: bucket,
                                             meanNotional: total / Double(paths)))
                    }
                }
            }
        }
        return cells
    }

    /// `liquidation-map.csv`: liquidated notional by asset, side, execution-price bin and leverage
    /// bucket, averaged over paths; only non-empty cells. The top bin is open: its `priceHigh` is
    /// empty (no bound).
    public static func mapCSV(_ map: LiquidationMap, paths: Int) -> String {
        var lines = ["asset,side,priceLow,priceHigh,leverage,meanNotional"]
        for c in cells(map, paths: paths) {
            lines.append([map.symbols[c.asset], c.side == .long ? "long" : "short", CSVFormat.number(c.priceLow),
                          c.priceHigh.isFinite ? CSVFormat.number(c.priceHigh) : "", map.layout.leverageLabel(c.leverageBucket),
                          CSVFormat.number(c.meanNotional)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
