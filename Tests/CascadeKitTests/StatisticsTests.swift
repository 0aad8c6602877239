import Foundation
import Testing
@testable import CascadeKit

@Suite("Statistics")
struct StatisticsTests {
    @Test("exact quantiles interpolate between order statistics (type 7)")
    func exactQuantiles() {
        let x: [Double] = [1, 2, 3, 4]
        #expect(Quantiles.sorted(x, 0) == 1)
        #expect(Quantiles.sorted(x, 0.25) == 1.75)
        #expect(Quantiles.sorted(x, 0.5) == 2.5)
        #expect(Quantiles.sorted(x, 1) == 4)
        #expect(Quantiles.sorted([7.0], 0.3) == 7)
        #expect(Quantiles.sorted([Double](), 0.3).isNaN)
    }

    @Test("summary statistics: mean, sample deviation, standard error; NaN is skipped")
    func summary() {
        let s = SampleSummary([2, 4, 4, 4, 5, 5, 7, 9, .nan], quantileLevels: [0.5])
        #expect(s.count == 8 && s.mean == 5)
        #expect(isClose(s.standardDeviation, (32.0 / 7).squareRoot()))
        #expect(isClose(s.standardError, s.standardDeviation / 8.0.squareRoot()))
        #expect(s.minimum == 2 && s.maximum == 9 && s.quantiles == [4.5])
    }

    @Test("a bucket is ⌈ln x / ln γ⌉ exactly — on integral boundaries, for negative logarithms, at the clamp — and four lanes give each lane's bucket")
    func bucketIndex() {
        let mapping = LogBucketMapping(relativeAccuracy: 0.001)
        let g = mapping.inverseLogGamma
        // Logarithms whose scaled value is integral (the ceiling must not move them), just off
        // integral in both directions, negative, tiny, and beyond the ±2³⁰ clamp.
        var logs: [Double] = [0, -0.0, 1e-300, -1e-300, 0.5, -0.5, 11.5129, -11.5129, 1e9, -1e9]
        for k in [-2_000, -1, 1, 7, 500, 12_345] {
            let exact = Double(k) / g
            logs += [exact, exact.nextUp, exact.nextDown]
        }
        for x in logs {
            let scaled = min(max(x * g, -1_073_741_824), 1_073_741_824)
            #expect(mapping.bucket(logValue: x) == Int32(scaled.rounded(.up)), "ln x = \(x)")
        }
        for start in stride(from: 0, to: logs.count - 3, by: 4) {
            let lanes = SIMD4(logs[start], logs[start + 1], logs[start + 2], logs[start + 3])
            let buckets = LogBucketMapping.buckets(logValues: lanes, inverseLogGamma: g)
            for lane in 0..<4 { #expect(buckets[lane] == mapping.bucket(logValue: lanes[lane])) }
        }
        // Bucket i holds (γ^(i−1), γ^i]: its representative is within α of every value in it.
        for x in [0.001, 1.0, 99_999.5, 1e12] {
            let r = mapping.representative(mapping.bucket(value: x))
            #expect(abs(r - x) <= 0.001 * x * (1 + 1e-12))
        }
    }

    @Test("sketch quantiles are within relative accuracy α of the exact ones", arguments: [0.01, 0.001, 0.0001])
    func sketchAccuracy(_ alpha: Double) {
        let mapping = LogBucketMapping(relativeAccuracy: alpha)
        var stream = PhiloxStream(generator: Philox4x32(seed: 3, domain: 3), item: 0, purpose: .testing)
        var values: [Double] = []
        var histogram = LogHistogram()
        for i in 0..<20_000 {
            let v = i % 10 == 0 ? 0 : exp(3 * stream.normal()) * 1e6
            values.append(v)
            histogram.add(mapping.bucket(value: v))
        }
        values.sort()
        let levels = [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.95, 0.99, 1]
        let sketched = histogram.quantiles(levels, mapping: mapping)
        for (level, estimate) in zip(levels, sketched) {
            let exact = Quantiles.sorted(values, level)
            #expect(abs(estimate - exact) <= alpha * exact * (1 + 1e-9), "level \(level): \(estimate) vs \(exact)")
        }
    }

    @Test("merging sketches gives the same counts whatever the grouping")
    func mergeIsExact() {
        let mapping = LogBucketMapping(relativeAccuracy: 0.001)
        let values = (1...5_000).map { Double($0) * 1.37 }
        var whole = LogHistogram()
        for v in values { whole.add(mapping.bucket(value: v)) }
        var parts = [LogHistogram(), LogHistogram(), LogHistogram()]
        for (i, v) in values.enumerated() { parts[(i * 7) % 3].add(mapping.bucket(value: v)) }
        var merged = parts[2]
        merged.merge(parts[0])
        merged.merge(parts[1])
        #expect(merged.quantiles([0.1, 0.5, 0.9], mapping: mapping) == whole.quantiles([0.1, 0.5, 0.9], mapping: mapping))
        #expect(merged.total == 5_000)
    }

    @Test("the prefetch address is the counts' storage (the native array layout it assumes holds)")
    func prefetchAddressIsTheStorage() {
        var histogram = LogHistogram()
        for b in Int32(-40)...900 { histogram.add(b, count: 1) }
        let storage = histogram.counts.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
        #expect(histogram.prefetchTarget.countsAddress == storage)
        // A copy that grows gets storage of its own, and its own address; the original keeps its.
        var copy = histogram
        copy.add(5_000, count: 1)
        let copyStorage = copy.counts.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress!) }
        #expect(copyStorage != storage)
        #expect(copy.prefetchTarget.countsAddress == copyStorage)
        #expect(histogram.prefetchTarget.countsAddress == storage)
        // Equality is about the counts, not where they are stored.
        var twin = LogHistogram()
        for b in Int32(-40)...900 { twin.add(b, count: 1) }
        #expect(twin == histogram)
    }

    @Test("merging a histogram whose range extends past both ends of this one adds every count")
    func mergeWiderRange() {
        var inner = LogHistogram(), outer = LogHistogram()
        for b in Int32(100)...200 { inner.add(b, count: 2) }
        for b in stride(from: Int32(50), through: 300, by: 5) { outer.add(b, count: 3) }
        outer.add(LogBucketMapping.zeroBucket, count: 4)
        let before = inner
        var merged = inner
        merged.merge(outer)
        #expect(merged.total == inner.total + outer.total)
        #expect(merged.zeroCount == 4)
        for b in Int32(40)...310 {
            let expected = (100...200 ~= b ? 2 : 0) + (50...300 ~= b && b % 5 == 0 ? 3 : 0)
            let offset = Int(b) - Int(merged.lowestBucket)
            let count = offset >= 0 && offset < merged.counts.count ? merged.counts[offset] : 0
            #expect(count == Int32(expected), "bucket \(b)")
        }
        #expect(inner == before)  // the merge did not write into the shared copy
    }

    @Test("the time series' last row agrees with the per-path results within α")
    func timeSeriesMatchesPaths() {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
        let config = TestBooks.config(
            positions: TestBooks.randomBook(count: 2_000, rule: rule), volatility: 1.0,
            jumps: MertonJumps(intensity: 2_000, mean: -0.02, stdev: 0.02),
            impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 300),
            insuranceFund: 5e4, paths: 300, steps: 100)
        let result = SimulationEngine(config: config).run(threads: 2, chunkSize: 37)
        let levels = [0.05, 0.5, 0.95]
        let series = result.timeSeries.quantiles(levels)
        let last = config.timeSeries.rows - 1
        let alpha = config.timeSeries.mapping.relativeAccuracy
        let pairs: [(TimeSeriesQuantity, PathMetric)] = [
            (.tradedPrice, .finalTradedPrice), (.fundamentalPrice, .finalFundamentalPrice),
            (.cumulativeLiquidatedNotional, .liquidatedNotional), (.insuranceFund, .insuranceFundEnd)]
        for (quantity, metric) in pairs {
            let exact = result.paths.column(metric).sorted()
            for (i, level) in levels.enumerated() {
                let e = Quantiles.sorted(exact, level)
                #expect(abs(series[quantity.rawValue][last][i] - e) <= alpha * e * (1 + 1e-9) + 1e-9,
                        "\(quantity.name) \(level)")
            }
        }
        // Row 0 is the starting state on every path.
        #expect(abs(series[TimeSeriesQuantity.tradedPrice.rawValue][0][1] - 100) <= alpha * 100)
        #expect(series[TimeSeriesQuantity.cumulativeLiquidatedNotional.rawValue][0] == [0, 0, 0])
    }
}

@Suite("OpenBLAS")
struct OpenBLASTests {
    @Test("Cholesky (dpotrf) factors a correlation matrix, and dgemm multiplies the factor back")
    func choleskyRoundTrip() throws {
        let a: [Double] = [1, 0.8, 0.3,
                           0.8, 1, 0.5,
                           0.3, 0.5, 1]
        let l = try DenseLinearAlgebra.choleskyLower(a, order: 3)
        // Hand-computed: L11 = 1, L21 = 0.8, L22 = 0.6, L31 = 0.3, L32 = (0.5 − 0.24)/0.6, L33 = √(1 − 0.09 − L32²).
        let l32 = 0.26 / 0.6
        let expected: [Double] = [1, 0, 0, 0.8, 0.6, 0, 0.3, l32, (1 - 0.09 - l32 * l32).squareRoot()]
        for (x, y) in zip(l, expected) { #expect(isClose(x, y, relative: 1e-14, absolute: 1e-15)) }
        var lt = [Double](repeating: 0, count: 9)
        for i in 0..<3 { for j in 0..<3 { lt[j * 3 + i] = l[i * 3 + j] } }
        let back = DenseLinearAlgebra.multiply(l, lt, m: 3, k: 3, n: 3)
        for (x, y) in zip(back, a) { #expect(isClose(x, y, relative: 1e-14, absolute: 1e-15)) }
    }

    @Test("a matrix that is not positive definite is refused")
    func notPositiveDefinite() {
        #expect(throws: DenseLinearAlgebra.Failure.notPositiveDefinite(order: 2)) {
            _ = try DenseLinearAlgebra.choleskyLower([1, 2, 2, 1], order: 2)
        }
    }

    @Test("dgemm agrees with a naive product on a rectangular case")
    func gemm() {
        let a: [Double] = (0..<6).map { Double($0) + 1 }      // 2×3
        let b: [Double] = (0..<12).map { Double($0) - 4 }     // 3×4
        let c = DenseLinearAlgebra.multiply(a, b, m: 2, k: 3, n: 4)
        for i in 0..<2 {
            for j in 0..<4 {
                let naive = (0..<3).reduce(0.0) { $0 + a[i * 3 + $1] * b[$1 * 4 + j] }
                #expect(c[i * 4 + j] == naive)
            }
        }
    }
}

@Suite("Reports")
struct ReportTests {
    @Test("numbers and quantile names are written exactly")
    func formatting() {
        #expect(CSVFormat.number(60_000) == "60000")
        #expect(CSVFormat.number(0.005) == "0.005")
        #expect(CSVFormat.number(.nan) == "")
        #expect(CSVFormat.quantileName(0.05) == "p5")
        #expect(CSVFormat.quantileName(0.5) == "p50")
        #expect(CSVFormat.quantileName(0.999) == "p99.9")
        #expect(CSVFormat.quantileName(0.01) == "p1")
    }

    @Test("the byte writer of paths.csv writes exactly the text of CSVFormat.number")
    func byteWriter() {
        let values: [Double] = [0, -0.0, 1, -1, 7, 10, 60_000, -123_456_789, 999_999_999_999_999, 1e15, -1e15, 1e300,
                                0.005, -0.1, 339_053_511.111_507_53, 1.0 / 3, .pi, .leastNonzeroMagnitude,
                                .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 2.5e-8, 123_456.5]
        for value in values {
            var bytes: [UInt8] = [UInt8(ascii: "x")]
            CSVFormat.append(value, to: &bytes)
            #expect(String(decoding: bytes.dropFirst(), as: UTF8.self) == CSVFormat.number(value), "\(value)")
        }
        for value in [Int64.min, -1, 0, 9, 10, 99, 100, 1_000_000_007, .max] {
            var bytes: [UInt8] = []
            CSVFormat.append(value, to: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == String(value))
        }
    }

    @Test("each report has its documented header and one row per metric, path or time")
    func shapes() {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
        var config = TestBooks.config(positions: TestBooks.randomBook(count: 200, rule: rule), volatility: 0.8, paths: 5, steps: 30)
        config.timeSeries = TimeSeriesLayout(steps: 30, stride: 10, relativeAccuracy: 0.001)
        let result = SimulationEngine(config: config).run(threads: 1)
        let builder = ReportBuilder(result: result, quantiles: [0.1, 0.9])
        let statistics = RunStatistics(result: result, quantileLevels: [0.1, 0.9], confidence: 0.95, riskLevels: [0.99],
                                       drawdownThresholds: [], twin: true)
        let summary = statistics.summaryCSV(symbols: config.symbols).split(separator: "\n")
        #expect(summary[0] == "metric,count,mean,stddev,stderr,ciLow,ciHigh,min,p10,p10_ciLow,p10_ciHigh,p90,p90_ciLow,p90_ciHigh,max")
        #expect(summary.count == 1 + PathMetric.allCases.filter { !$0.isAccountMetric && !$0.isMechanismMetric }.count)
        let paths = builder.pathsCSV().split(separator: "\n")
        #expect(paths[0].hasPrefix("path,liquidatedNotional,"))
        #expect(paths.count == 6)
        let series = builder.timeSeriesCSV().split(separator: "\n")
        #expect(series[0].hasPrefix("step,time,tradedPrice_p10,tradedPrice_p90,fundamentalPrice_p10"))
        #expect(series.map { $0.split(separator: ",", omittingEmptySubsequences: false).first! } == ["step", "0", "10", "20", "30"])
        #expect(series[2].hasPrefix("10,600,"))
    }
}

@Suite("Time-series changes")
struct TimeSeriesChangeTests {
    @Test("rows rebuilt from recorded changes have the quantiles of their full histograms, however paths are split")
    func changesMatchNaiveRebuild() {
        let layout = TimeSeriesLayout(steps: 29, stride: 1, relativeAccuracy: 0.001)
        let mapping = layout.mapping
        var stream = PhiloxStream(generator: Philox4x32(seed: 8, domain: 8), item: 0, purpose: .testing)
        let rows = layout.rows, paths = 200
        // Each path's value rises at random rows (like a cumulative notional), starting at 0.
        var current = [Int32](repeating: LogBucketMapping.zeroBucket, count: paths)
        var values = [Double](repeating: 0, count: paths)
        var workers = [TimeSeriesRecorder(layout: layout), TimeSeriesRecorder(layout: layout)]
        for p in 0..<paths { workers[p % 2].recordNotionalChange(row: 0, from: TimeSeriesRecorder.noBucket, to: current[p]) }
        var expected: [[Double]] = []
        let levels = [0, 0.1, 0.5, 0.77, 1]
        for row in 0..<rows {
            if row > 0 {
                for p in 0..<paths where stream.uniform() < 0.3 {
                    values[p] += exp(8 * stream.uniform())
                    let b = mapping.bucket(value: values[p])
                    workers[p % 2].recordNotionalChange(row: row, from: current[p], to: b)
                    current[p] = b
                }
            }
            var histogram = LogHistogram()
            for b in current { histogram.add(b) }
            expected.append(histogram.quantiles(levels, mapping: mapping))
        }
        var merged = workers[1]
        merged.merge(workers[0])
        #expect(merged.quantiles(levels)[TimeSeriesQuantity.cumulativeLiquidatedNotional.rawValue] == expected)
        // Rows split among threads: the same counts; the recorder it was copied from is untouched.
        let notional = TimeSeriesQuantity.cumulativeLiquidatedNotional.rawValue
        let alone = workers[1].quantiles(levels)[notional]
        var parallel = workers[1]
        parallel.merge([workers[0]], threads: 3)
        #expect(parallel.quantiles(levels)[notional] == expected)
        #expect(workers[1].quantiles(levels)[notional] == alone && alone != expected)
    }
}

@Suite("Radix sort")
struct RadixSortTests {
    @Test("sorts doubles like the standard library, including negatives, zeros and infinities")
    func matchesStandardSort() {
        var stream = PhiloxStream(generator: Philox4x32(seed: 5, domain: 5), item: 0, purpose: .testing)
        var values = (0..<50_000).map { _ in (stream.uniform() - 0.5) * exp(40 * (stream.uniform() - 0.5)) }
        values += [0, -0.0, .infinity, -.infinity, 1, 1, 1, -1e-300, 1e300]
        #expect(RadixSort.sorted(values) == values.sorted())
    }

    @Test("is stable: equal keys keep their input order")
    func stable() {
        var keys: [UInt64] = [5, 3, 5, 1, 3, 5, 0, 1 << 40, 1 << 40]
        var payloads: [UInt32] = Array(0..<9)
        RadixSort.sort(&keys, payloads: &payloads)
        #expect(keys == [0, 1, 3, 3, 5, 5, 5, 1 << 40, 1 << 40])
        #expect(payloads == [6, 3, 1, 4, 0, 2, 5, 7, 8])
    }

    @Test("radix passes are stable too, and every size around the insertion limit sorts like the standard library")
    func stableRadixAndSmallSizes() {
        var stream = PhiloxStream(generator: Philox4x32(seed: 9, domain: 9), item: 0, purpose: .testing)
        // 5,000 keys from 40 values spread over all eight digits: many ties per key.
        let distinct = (0..<40).map { _ in UInt64(stream.uniform() * 0x1p53) << 11 | UInt64(stream.uniform() * 2048) }
        var keys = (0..<5_000).map { _ in distinct[Int(stream.uniform() * 40)] }
        var payloads = (0..<5_000).map { UInt32($0) }
        let original = keys
        RadixSort.sort(&keys, payloads: &payloads)
        #expect(keys == original.sorted())
        #expect(zip(keys, payloads).map { original[Int($0.1)] == $0.0 }.allSatisfy { $0 })
        #expect(zip(zip(keys, payloads), zip(keys, payloads).dropFirst()).allSatisfy { a, b in a.0 < b.0 || a.1 < b.1 })
        for n in 0...(2 * RadixSort.insertionLimit) {
            let values = (0..<n).map { _ in (stream.uniform() - 0.5) * exp(20 * stream.uniform()) }
            #expect(RadixSort.sorted(values) == values.sorted(), "n = \(n)")
        }
    }
}
