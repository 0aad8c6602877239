import Foundation
import Testing
@testable import CascadeKit

/// Statistical checks of the price models at fixed seeds. Every tolerance is 5 standard errors of
/// the statistic, estimated from independent paths (batch means) where no closed form is used.
@Suite("Price dynamics")
struct PriceDynamicsTests {
    /// Runs one asset's generator over `paths` × `steps` and returns the per-step log-returns
    /// [path][step], plus a per-step hook for the generator's state.
    static func returns(_ model: PriceModel, paths: Int, steps: Int, stepSeconds: Double, seed: UInt64 = 21,
                        schedule: StressSchedule? = nil,
                        inspect: ((Int, AssetPathGenerator) -> Void)? = nil) -> [[Double]] {
        let stepYears = stepSeconds / (365 * 86_400)
        var result = [[Double]](repeating: [], count: paths)
        let capacity = 500
        var generator = AssetPathGenerator(model: model, schedule: schedule ?? StressSchedule(shocks: [], steps: steps),
                                           stepYears: stepYears, seed: seed, asset: 0, capacity: capacity)
        let innovations = CorrelatedInnovations(assets: 1, capacity: capacity, cholesky: nil, seed: seed)
        let increment = LaneBuffer<Double>(lanes: capacity, value: 0)
        for start in stride(from: 0, to: paths, by: capacity) {
            let block = start..<min(start + capacity, paths)
            generator.start(paths: block)
            innovations.start(paths: block)
            for step in 0..<steps {
                generator.increments(step: step, normals: innovations.normals(asset: 0, step: step), into: increment)
                for b in 0..<block.count { result[block.lowerBound + b].append(increment[b]) }
                inspect?(step, generator)
            }
        }
        return result
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }
    static func variance(_ x: [Double]) -> Double {
        let m = mean(x)
        return x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
    }
    /// Mean of per-path statistics and its standard error across paths.
    static func batch(_ values: [Double]) -> (mean: Double, standardError: Double) {
        (mean(values), (variance(values) / Double(values.count)).squareRoot())
    }

    @Test("compensated Merton jumps: E[F(T)] = F(0)·e^(μT)")
    func compensatedJumps() {
        let jumps = MertonJumps(intensity: 300, mean: -0.04, stdev: 0.03, compensated: true)
        let model = JumpDiffusionModel(drift: 0.2, volatility: 0.6, jumps: jumps)
        let r = Self.returns(.gbm(model), paths: 20_000, steps: 48, stepSeconds: 1_800)
        let growth = r.map { exp($0.reduce(0, +)) }
        let t = 48 * 1_800 / (365 * 86_400.0)
        let (m, se) = Self.batch(growth)
        #expect(abs(m - exp(0.2 * t)) < 5 * se, "E[F(T)/F(0)] \(m) ± \(se), expected \(exp(0.2 * t))")
    }

    @Test("Student-t: the variance matches the target and the excess kurtosis is near 6/(ν − 4)")
    func studentT() {
        let nu = 10.0, sigma = 0.8, stepSeconds = 3_600.0
        let r = Self.returns(.studentT(StudentTModel(drift: 0, volatility: sigma, degreesOfFreedom: nu)),
                             paths: 4_000, steps: 100, stepSeconds: stepSeconds)
        let dt = stepSeconds / (365 * 86_400)
        // Per-path statistics are independent across paths.
        let variances = r.map { Self.variance($0) / dt }
        let (v, vse) = Self.batch(variances)
        #expect(abs(v - sigma * sigma) < 5 * vse, "annualised variance \(v) ± \(vse)")
        // Kurtosis over batches of 200 paths.
        let all = r.flatMap { $0 }
        let batches = stride(from: 0, to: all.count, by: all.count / 20).map { Array(all[$0..<min($0 + all.count / 20, all.count)]) }
        let kurtoses = batches.map { x -> Double in
            let m = Self.mean(x), v = Self.variance(x)
            return x.reduce(0) { $0 + pow($1 - m, 4) } / Double(x.count) / (v * v) - 3
        }
        let (k, kse) = Self.batch(kurtoses)
        #expect(k > 5 * kse, "excess kurtosis \(k) clearly positive")
        #expect(abs(k - 6 / (nu - 4)) < 5 * kse, "excess kurtosis \(k) ± \(kse), theory \(6 / (nu - 4))")
    }

    @Test("four lanes at a time draw exactly the one-lane gamma and normal variates, stream by stream")
    func fourLaneDraws() {
        let model = PriceModel.studentT(StudentTModel(drift: 0, volatility: 0.8, degreesOfFreedom: 4))
        func generator() -> AssetPathGenerator {
            var g = AssetPathGenerator(model: model, schedule: StressSchedule(shocks: [], steps: 1),
                                       stepYears: 1e-4, seed: 99, asset: 0, capacity: 8)
            g.start(paths: 100..<108)
            return g
        }
        var one = generator(), four = generator()
        // 3,600 gamma draws: Marsaglia–Tsang rejects up to ~5% of first candidates (most at shape
        // 1), so dozens of lanes go on alone after the vector attempt.
        for round in 0..<150 {
            for shape in [1.0, 2.0, 5.5] {
                let expected = (0..<8).map { one.gamma($0, shape: shape) }
                let low = four.gammas(0, shape: shape), high = four.gammas(4, shape: shape)
                let got = (0..<4).map { low[$0] } + (0..<4).map { high[$0] }
                #expect(got == expected, "round \(round), shape \(shape)")
                #expect(got.allSatisfy { $0 > 0 })
            }
            let normals = (0..<8).map { one.normal($0) }
            let low = four.normals(0), high = four.normals(4)
            #expect((0..<4).map { low[$0] } + (0..<4).map { high[$0] } == normals)
        }
    }

    @Test("the four-lane Heston QE step equals the one-lane step bit for bit, in both branches")
    func hestonFourLanes() {
        // Daily steps and a large ξ, so that both branches of the scheme occur.
        let constants = HestonConstants(HestonModel(drift: 0, kappa: 3, theta: 0.4, xi: 3, rho: -0.7, v0: 0.4),
                                        dt: 1 / 365.0)
        var rng = SplitMix64Stream(seed: 5, stream: 0)
        var quadratic = 0, exponential = 0
        let e = constants.decay
        for _ in 0..<2_000 {
            // Variances from 1e-9 to 1: those below ~0.01 take the exponential branch (ψ > 1.5).
            let v = SIMD4<Double>((0..<4).map { _ in pow(10, -9 + 9 * rng.uniform()) })
            let z = SIMD4<Double>((0..<4).map { _ in 4 * rng.uniform() - 2 })
            let u = SIMD4<Double>((0..<4).map { _ in rng.uniform() })
            let vector = constants.nextVariances(v, normals: z, uniforms: u)
            for k in 0..<4 {
                #expect(vector[k].bitPattern == constants.nextVariance(v[k], normal: z[k], uniform: u[k]).bitPattern)
                // ψ = s²/m² as Andersen (2008) defines it, to see both branches are exercised.
                let m = 0.4 + (v[k] - 0.4) * e
                let s2 = v[k] * 9 * e * (1 - e) / 3 + 0.4 * 9 * (1 - e) * (1 - e) / 6
                if s2 / (m * m) > 1.5 { exponential += 1 } else { quadratic += 1 }
            }
        }
        #expect(quadratic > 1_000 && exponential > 1_000, "quadratic \(quadratic), exponential \(exponential)")
    }

    @Test("GARCH(1,1): variance near ω/(1 − α − β) and squared returns autocorrelated at lag 1")
    func garch() {
        let model = GARCHModel(drift: 0, omega: 2e-6, alpha: 0.1, beta: 0.8, startVariance: 2e-5)
        let r = Self.returns(.garch(model), paths: 2_000, steps: 500, stepSeconds: 3_600)
        let (v, vse) = Self.batch(r.map { Self.variance($0) })
        #expect(abs(v - model.longRunVariance) < 5 * vse, "per-step variance \(v) ± \(vse), long run \(model.longRunVariance)")
        let lagOne = r.map { path -> Double in
            let sq = path.map { $0 * $0 }
            let m = Self.mean(sq)
            var num = 0.0, den = 0.0
            for i in 0..<sq.count {
                den += (sq[i] - m) * (sq[i] - m)
                if i > 0 { num += (sq[i] - m) * (sq[i - 1] - m) }
            }
            return num / den
        }
        let (rho, rse) = Self.batch(lagOne)
        #expect(rho > 5 * rse, "lag-1 autocorrelation of squared returns \(rho) ± \(rse)")
    }

    @Test("Heston (QE): the mean variance follows θ + (v₀ − θ)e^(−κt) and never goes negative")
    func heston() {
        let model = HestonModel(drift: 0, kappa: 3, theta: 0.4, xi: 1.2, rho: -0.7, v0: 1.5)
        let steps = 60, stepSeconds = 86_400.0 * 2, paths = 8_000
        var sums = [[Double]](repeating: [], count: steps)
        var negative = false
        _ = Self.returns(.heston(model), paths: paths, steps: steps, stepSeconds: stepSeconds) { step, g in
            for b in 0..<g.count {
                sums[step].append(g.variance[b])
                if g.variance[b] < 0 { negative = true }
            }
        }
        #expect(!negative)
        let dt = stepSeconds / (365 * 86_400)
        for step in [0, 5, 20, 59] {
            let t = Double(step + 1) * dt
            let expected = model.theta + (model.v0 - model.theta) * exp(-model.kappa * t)
            let (m, se) = Self.batch(sums[step])
            #expect(abs(m - expected) < 5 * se, "E[v(\(t))] = \(m) ± \(se), expected \(expected)")
        }
    }

    @Test("regime switching: time in each regime matches the stationary distribution")
    func regimes() {
        let perDay: [[Double]] = [[0.95, 0.05], [0.20, 0.80]]
        let model = RegimeSwitchingModel(regimes: [Regime(name: "calm", drift: 0, volatility: 0.3),
                                                   Regime(name: "stressed", drift: 0, volatility: 1.5)],
                                         transitions: perDay, start: 0)
        let pi = RegimeSwitchingModel.stationary(perDay)
        #expect(abs(pi[0] - 0.8) < 1e-9)   // 0.05·π₀ = 0.2·π₁
        var occupancy = [[Double]](repeating: [0, 0], count: 2_000)
        let steps = 24 * 200, burnIn = 24 * 20
        _ = Self.returns(.regimeSwitching(model), paths: 2_000, steps: steps, stepSeconds: 3_600) { step, g in
            guard step >= burnIn else { return }
            for b in 0..<g.count { occupancy[g.first + b][g.regime[b]] += 1 }
        }
        let calm = occupancy.map { $0[0] / ($0[0] + $0[1]) }
        let (m, se) = Self.batch(calm)
        #expect(abs(m - pi[0]) < 5 * se, "time calm \(m) ± \(se), stationary \(pi[0])")
    }

    @Test("the per-step transition matrix is a root of the daily one")
    func transitionRoot() {
        let perDay: [[Double]] = [[0.9, 0.08, 0.02], [0.1, 0.85, 0.05], [0.05, 0.15, 0.8]]
        let perHour = RegimeSwitchingModel.perStepTransitions(perDay, periods: 1.0 / 24)
        var day = (0..<3).map { i in (0..<3).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<24 { day = RegimeSwitchingModel.multiply(day, perHour) }
        for i in 0..<3 { for j in 0..<3 { #expect(abs(day[i][j] - perDay[i][j]) < 1e-10) } }
    }

    @Test("replay reproduces the input returns exactly; bootstrap keeps their distribution")
    func historical() {
        var stream = PhiloxStream(generator: Philox4x32(seed: 4, domain: 4), item: 0, purpose: .testing)
        var price = 100.0
        var samples: [(time: Double, price: Double)] = []
        for i in 0..<2_001 {
            samples.append((Double(i) * 60, price))
            price *= exp(0.002 * stream.normal() + (i % 97 == 0 ? -0.02 : 0))
        }
        let data = try! HistoricalReturns.onGrid(samples, stepSeconds: 60)
        #expect(data.returns.count == 2_000)
        for (r, (a, b)) in zip(data.returns, zip(samples.dropFirst(), samples)) { #expect(r == log(a.price / b.price)) }
        let replayed = Self.returns(.replay(data), paths: 3, steps: 2_000, stepSeconds: 60)
        #expect(replayed.allSatisfy { $0 == data.returns })
        let block = 30
        let boot = Self.returns(.bootstrap(data, blockSteps: block), paths: 400, steps: 600, stepSeconds: 60).flatMap { $0 }
        // Every bootstrapped return is one of the data's.
        let set = Set(data.returns)
        #expect(boot.allSatisfy { set.contains($0) })
        // Two-sample Kolmogorov–Smirnov distance, with the effective sample size of whole blocks.
        let a = data.returns.sorted(), b = boot.sorted()
        var i = 0, j = 0, d = 0.0
        while i < a.count && j < b.count {
            if a[i] <= b[j] { i += 1 } else { j += 1 }
            d = max(d, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
        }
        let effective = Double(b.count / block)
        let critical = 1.95 * ((Double(a.count) + effective) / (Double(a.count) * effective)).squareRoot()
        #expect(d < critical, "KS distance \(d), critical \(critical)")
    }

    @Test("historical price files are validated with line numbers")
    func historicalValidation() {
        func message(_ text: String) -> String {
            do { _ = try HistoricalReturns.parse(text); return "" } catch { return "\(error.line): \(error.message)" }
        }
        #expect(message("time,price\n1,2\n").hasPrefix("1: the first line must be the header 'timestamp,price'"))
        #expect(message("timestamp,price\n10,100\n5,101\n").hasPrefix("3: timestamp '5' is not after the previous one"))
        #expect(message("timestamp,price\n10,100\n20,-1\n").hasPrefix("3: price '-1' must be a number > 0"))
        #expect(message("timestamp,price\nyesterday,100\n").hasPrefix("2: timestamp 'yesterday' is neither Unix seconds nor ISO 8601"))
        #expect(message("timestamp,price\n2025-10-10T21:00:00Z,100\n2025-10-10T21:01:00Z,99\n") == "")
        let coarse = [(time: 0.0, price: 1.0), (time: 3_600, price: 1.1), (time: 7_200, price: 1.2)]
        #expect(throws: HistoricalReturns.GridError.self) { _ = try HistoricalReturns.onGrid(coarse, stepSeconds: 60) }
    }

    @Test("with zero volatility a scheduled move produces exactly the requested price path")
    func scheduledMove() {
        let steps = 40
        let schedule = StressSchedule(shocks: [.move(relative: -0.12, start: 10, steps: 10)], steps: steps)
        for model in [PriceModel.gbm(JumpDiffusionModel(drift: 0, volatility: 0)),
                      .studentT(StudentTModel(drift: 0, volatility: 0, degreesOfFreedom: 5))] {
            let r = Self.returns(model, paths: 2, steps: steps, stepSeconds: 60, schedule: schedule)[1]
            var price = 100.0
            for (t, x) in r.enumerated() {
                price *= exp(x)
                let expected = t < 10 ? 100 : t < 19 ? 100 * pow(0.88, Double(t - 9) / 10) : 88
                #expect(abs(price - expected) < 1e-10, "step \(t): \(price) vs \(expected)")
            }
        }
        // The same through the engine's fast GBM path: the traded price with no positions.
        var config = TestBooks.config(positions: [], steps: steps)
        config.assets[0].schedule = schedule
        let result = SimulationEngine(config: config).run(threads: 1)
        #expect(abs(result.paths[.finalTradedPrice, 0] - 88) < 1e-10)
        #expect(abs(result.paths[.maxDrawdownFundamental, 0] - 0.12) < 1e-12)
    }

    @Test("a volatility window multiplies the return variance by k² inside it only")
    func volatilityWindow() {
        let schedule = StressSchedule(shocks: [.volatility(multiplier: 3, from: 20, to: 40)], steps: 60)
        let r = Self.returns(.gbm(JumpDiffusionModel(drift: 0, volatility: 0.8)), paths: 5_000, steps: 60,
                             stepSeconds: 60, schedule: schedule)
        let inside = r.map { Self.variance(Array($0[20..<40])) }, outside = r.map { Self.variance(Array($0[0..<20])) }
        let (vi, sei) = Self.batch(inside), (vo, seo) = Self.batch(outside)
        let ratio = vi / vo
        let seRatio = ratio * ((sei / vi) * (sei / vi) + (seo / vo) * (seo / vo)).squareRoot()
        #expect(abs(ratio - 9) < 5 * seRatio, "variance ratio \(ratio) ± \(seRatio)")
    }
}

@Suite("Correlated assets")
struct CorrelationTests {
    @Test("the dgemm innovations equal L·ε computed naively")
    func dgemmMatchesNaive() throws {
        let correlation: [Double] = [1, 0.8, 0.3, 0.8, 1, 0.5, 0.3, 0.5, 1]
        let l = try DenseLinearAlgebra.choleskyLower(correlation, order: 3)
        let source = CorrelatedInnovations(assets: 3, capacity: 13, stepsPerBatch: 4, cholesky: l, seed: 8)
        source.start(paths: 100..<113)
        let z = (0..<3).map { Array(UnsafeBufferPointer(start: source.normals(asset: $0, step: 1), count: 13)) }
        let eps = (0..<3).map { a in Array(UnsafeBufferPointer(start: source.independent + (a * 4 + 1) * source.lanes, count: 13)) }
        for a in 0..<3 {
            for b in 0..<13 {
                let naive = (0..<3).reduce(0.0) { $0 + l[a * 3 + $1] * eps[$1][b] }
                #expect(abs(z[a][b] - naive) < 1e-14, "asset \(a) lane \(b)")
            }
        }
    }

    @Test("sample correlations of simulated returns match the target")
    func sampleCorrelation() throws {
        let target = [[1, 0.8, -0.4], [0.8, 1, -0.2], [-0.4, -0.2, 1]]
        let l = try DenseLinearAlgebra.choleskyLower(target.flatMap { $0 }, order: 3)
        let models: [PriceModel] = [.gbm(JumpDiffusionModel(drift: 0, volatility: 0.7)),
                                    .gbm(JumpDiffusionModel(drift: 0, volatility: 0.9)),
                                    .heston(HestonModel(drift: 0, kappa: 2, theta: 0.5, xi: 0.3, rho: 0, v0: 0.5))]
        let config = SimulationConfig(
            seed: 3, paths: 4_000, steps: 1, stepSeconds: 3_600,
            assets: models.enumerated().map { i, m in
                AssetConfig(symbol: "A\(i)", initialPrice: 100, model: m,
                            impact: ImpactModel(shape: .linear, depth: 1, coefficient: 0, recoveryHalfLife: 0),
                            ladder: LiquidationLadder(positions: [], rule: FlatMarginRule(maintenanceMarginRate: 0.01)))
            },
            correlationFactor: l, insuranceFund: 0)
        let result = SimulationEngine(config: config).run(threads: 2, chunkSize: 300)
        let x = (0..<3).map { a in result.paths.column(PathColumn(.finalFundamentalPrice, asset: a)).map { log($0 / 100) } }
        func corr(_ a: [Double], _ b: [Double]) -> Double {
            let ma = PriceDynamicsTests.mean(a), mb = PriceDynamicsTests.mean(b)
            var sab = 0.0, saa = 0.0, sbb = 0.0
            for i in a.indices { sab += (a[i] - ma) * (b[i] - mb); saa += (a[i] - ma) * (a[i] - ma); sbb += (b[i] - mb) * (b[i] - mb) }
            return sab / (saa * sbb).squareRoot()
        }
        let n = Double(x[0].count)
        for (i, j) in [(0, 1), (0, 2), (1, 2)] {
            let rho = target[i][j], r = corr(x[i], x[j])
            // Standard error of a sample correlation: (1 − ρ²)/√n.
            #expect(abs(r - rho) < 5 * (1 - rho * rho) / n.squareRoot(), "ρ[\(i)][\(j)] = \(r), target \(rho)")
        }
    }
}
