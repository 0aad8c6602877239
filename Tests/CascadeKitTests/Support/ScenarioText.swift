import Foundation

/// A small valid scenario, and ways to break it.
enum ScenarioText {
    static let valid = """
    name: test
    description: a small scenario for tests
    seed: 1
    simulation:
      paths: 10
      horizon: 1h
      step: 1m
    market:
      assets:
        - symbol: BTCUSDT
          price: 100000
          model:
            type: gbm
            volatility: 0.5
            drift: 0
            jumps:
              intensity: 10
              mean: -0.02
              stdev: 0.01
    exchange:
      maintenanceMarginRate: 0.005
      liquidationFee: 0.003
      insuranceFund: 1000000
    positions:
      synthetic:
        count: 100
        openInterest: 10000000
        longShare: 0.6
        leverageMix: {5: 0.5, 20: 0.5}
        entrySpread: 0.03
        size:
          sigma: 1
    impact:
      model: squareRoot
      depth: 5000000
      coefficient: 1
      recoveryHalfLife: 5m

    """

    /// `valid` with `original` replaced by `replacement` (which must occur).
    static func replacing(_ original: String, with replacement: String) -> String {
        precondition(valid.contains(original), "'\(original)' is not in the test scenario")
        return valid.replacingOccurrences(of: original, with: replacement)
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
