/// How much of a crash the liquidations caused, by comparison with a **no-feedback twin**: the
/// same run on the same random draws with forced flow not moving the price (impact coefficient 0).
///
/// The twin's traded price is the fundamental price of the main run (the draws are keyed by
/// seed, path and step, and nothing in the price process depends on impact), so the twin needs no
/// new randomness; its liquidations are those the exogenous moves alone cause. Per path:
///
/// - `amplification` = maxDrawdownTraded / (the twin's drawdown), per asset: how many times deeper
///   the fall was with feedback (1: liquidations added nothing; empty when the twin did not fall);
/// - `impactTriggeredShare` = 1 − (twin's liquidated entry notional)/(main run's), clamped to
///   [0, 1]: the share of what was liquidated that the exogenous moves alone would not have
///   liquidated (entry notional q·E, so that the two runs' different execution prices do not
///   enter; empty when nothing was liquidated);
/// - `twinLiquidatedNotional` and `twinBadDebt`: the twin's own results.
public enum CascadeAnatomy {
    /// The twin of `config`: impact off on every asset; no event list, map or exact time series,
    /// and time series of two rows (the start and the end): only its per-path columns are read
    /// (``attach(twin:to:)``), and recording every step's row was a fifth of its cost.
    public static func twin(of config: SimulationConfig) -> SimulationConfig {
        var twin = config
        for a in twin.assets.indices { twin.assets[a].impact.coefficient = 0 }
        twin.recordCascadeEvents = false
        twin.liquidationMap = nil
        twin.exactTimeSeries = false
        twin.timeSeries = TimeSeriesLayout(steps: config.steps, stride: max(1, config.steps),
                                           relativeAccuracy: config.timeSeries.mapping.relativeAccuracy)
        return twin
    }

    /// Fills the twin columns of `result` from `twin`, a run of ``twin(of:)`` on the same paths.
    public static func attach(twin: SimulationResult, to result: inout SimulationResult) {
        let main = result.paths, other = twin.paths
        precondition(main.paths == other.paths)
        let assets = result.config.assets.count
        var paths = result.paths
        for p in 0..<main.paths {
            paths.set(.twinLiquidatedNotional, nil, p, other[.liquidatedNotional, nil, p])
            paths.set(.twinBadDebt, nil, p, other[.badDebt, nil, p])
            for a in 0..<assets {
                let asset: Int? = a
                let withFeedback = main[.maxDrawdownTraded, asset, p], without = other[.maxDrawdownTraded, asset, p]
                paths.set(.amplification, asset, p, without > 0 ? withFeedback / without : .nan)
            }
            let mainEntry = main[.liquidatedLongNotionalAtEntry, nil, p] + main[.liquidatedShortNotionalAtEntry, nil, p]
            let twinEntry = other[.liquidatedLongNotionalAtEntry, nil, p] + other[.liquidatedShortNotionalAtEntry, nil, p]
            paths.set(.impactTriggeredShare, nil, p, mainEntry > 0 ? min(1, max(0, 1 - twinEntry / mainEntry)) : .nan)
        }
        result.paths = paths
    }
}
