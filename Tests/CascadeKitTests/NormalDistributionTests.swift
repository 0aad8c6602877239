import Foundation
import Testing
@testable import CascadeKit

@Suite("Normal distribution")
struct NormalDistributionTests {
    @Test("AS 241 quantiles match reference values (R's qnorm / SciPy's norm.ppf) to 1e-12")
    func knownQuantiles() {
        #expect(abs(NormalDistribution.quantile(0.975) - 1.959963984540054) <= 1e-12)
        #expect(NormalDistribution.quantile(0.5) == 0)
        // One value in each of the three regions of the algorithm.
        #expect(isClose(NormalDistribution.quantile(0.3), -0.5244005127080409, relative: 1e-14))
        #expect(isClose(NormalDistribution.quantile(1e-10), -6.361340902404056, relative: 1e-14))
        #expect(isClose(NormalDistribution.quantile(1e-20), -9.262340089798409, relative: 1e-14))
        #expect(isClose(NormalDistribution.quantile(1e-300), -37.0470962993612, relative: 1e-13))
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(-0.1).isNaN && NormalDistribution.quantile(1.5).isNaN)
        #expect(NormalDistribution.quantile(.nan).isNaN)
    }

    @Test("the quantile is odd: Φ⁻¹(1 − q) = −Φ⁻¹(q)",
          arguments: [0.5, 0.6, 0.75, 0.9, 0.975, 0.99, 0.999_999, 1 - 0x1p-40])
    func symmetry(_ q: Double) {
        let p = 1 - q   // exact for q in [0.5, 1] (Sterbenz), so p and q are exact complements
        let a = NormalDistribution.quantile(p), b = NormalDistribution.quantile(q)
        #expect(isClose(a, -b, relative: 2e-16, absolute: 0), "q = \(q): \(a) vs \(b)")
    }

    @Test("Φ(Φ⁻¹(p)) = p over a grid spanning 1e-300 … 1 − 1e-12")
    func roundTrip() {
        var grid: [Double] = [1e-300, 1e-200, 1e-100, 1e-50, 1e-20, 1e-12, 1e-8, 1e-5, 1e-3]
        grid += stride(from: 0.01, through: 0.99, by: 0.01).map { $0 }
        grid += [0.999, 1 - 1e-5, 1 - 1e-8, 1 - 1e-12]
        for p in grid {
            let back = NormalDistribution.cdf(NormalDistribution.quantile(p))
            // Relative 1e-12 for the lower tail; for p near 1, 1 − p carries the information and
            // the absolute error of Φ near 1 is ~1e-16.
            #expect(abs(back - p) <= 1e-12 * min(p, 1 - p) + 2e-16, "p = \(p): Φ(Φ⁻¹(p)) = \(back)")
        }
    }

    @Test("Φ at reference points")
    func cdfValues() {
        #expect(NormalDistribution.cdf(0) == 0.5)
        #expect(isClose(NormalDistribution.cdf(1.959963984540054), 0.975, relative: 1e-15))
        #expect(isClose(NormalDistribution.cdf(-1), 0.15865525393145707, relative: 1e-14))
        #expect(isClose(NormalDistribution.cdf(-20), 2.7536241186061556e-89, relative: 1e-13))
        #expect(NormalDistribution.cdf(-.infinity) == 0 && NormalDistribution.cdf(.infinity) == 1)
    }
}
