import COpenBLAS
import Foundation

/// The dense margin check of many accounts on a block of paths, as two matrix products on
/// OpenBLAS (`cblas_dgemm`).
///
/// With the accounts' linear form (``CrossAccountBook``), for m price columns
/// (one per path) of the assets' prices P and cumulative funding Φ:
///
///     H (n×m) = c·1ᵀ + [Q | −A] (n×2K) · [P − Φ ; P] (2K×m)     headroom
///     S (n×m) = |Q|(1 + r_max + fee) (n×K) · P (K×m)              the headroom's largest slope
///
/// Q holds the signed quantities, A the maintenance slopes α at each leg's initial tier. H is
/// exact where every leg's notional stays in its initial tier (``CrossAccountBook/inBand(_:low:high:)``);
/// elsewhere the caller takes ``CrossAccountBook/headroom(account:prices:funding:)``.
///
/// Flops: 2·n·m·3K per call (the product's multiply-adds; the additions of c are not counted).
public struct AccountMarginMatrix: Sendable {
    public let accounts: Int
    public let assets: Int
    /// Row-major n × 2K: [q | −α].
    let headroomCoefficients: [Double]
    /// Row-major n × K.
    let scaleCoefficients: [Double]
    let constants: [Double]

    /// The form of ``CrossAccountBook`` (its ``CrossAccountBook/matrix``).
    init(accounts: Int, assets: Int, headroomCoefficients: [Double], scaleCoefficients: [Double], constants: [Double]) {
        precondition(headroomCoefficients.count == accounts * 2 * assets && scaleCoefficients.count == accounts * assets
                     && constants.count == accounts)
        self.accounts = accounts
        self.assets = assets
        self.headroomCoefficients = headroomCoefficients
        self.scaleCoefficients = scaleCoefficients
        self.constants = constants
    }

    /// Floating-point operations of one ``evaluate(prices:funding:columns:headroom:scale:)`` call.
    public func flops(columns m: Int) -> Double { 2 * Double(accounts) * Double(m) * Double(3 * assets) }

    /// Fills `headroom` and `scale` (row-major n × m, account i's value for column j at i·m + j)
    /// for `m` columns of prices and funding, given row-major K × m (`prices[a·m + j]`).
    public func evaluate(prices: UnsafePointer<Double>, funding: UnsafePointer<Double>, columns m: Int,
                         headroom: UnsafeMutablePointer<Double>, scale: UnsafeMutablePointer<Double>) {
        let k = assets, n = accounts
        guard n > 0, m > 0 else { return }
        // [P − Φ ; P], 2K × m.
        var right = [Double](repeating: 0, count: 2 * k * m)
        for a in 0..<k {
            for j in 0..<m {
                right[a * m + j] = prices[a * m + j] - funding[a * m + j]
                right[(k + a) * m + j] = prices[a * m + j]
            }
        }
        for i in 0..<n {
            (headroom + i * m).initialize(repeating: constants[i], count: m)
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(m), Int32(2 * k),
                    1, headroomCoefficients, Int32(2 * k), right, Int32(m), 1, headroom, Int32(m))
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(m), Int32(k),
                    1, scaleCoefficients, Int32(k), prices, Int32(m), 0, scale, Int32(m))
    }

    /// The same values by a plain loop (the tests' oracle).
    public func evaluateNaively(prices: [Double], funding: [Double], columns m: Int) -> (headroom: [Double], scale: [Double]) {
        let k = assets, n = accounts
        var h = [Double](repeating: 0, count: n * m), s = h
        for i in 0..<n {
            for j in 0..<m {
                var value = constants[i], slope = 0.0
                for a in 0..<k {
                    let p = prices[a * m + j]
                    value += headroomCoefficients[i * 2 * k + a] * (p - funding[a * m + j])
                    value += headroomCoefficients[i * 2 * k + k + a] * p
                    slope += scaleCoefficients[i * k + a] * p
                }
                h[i * m + j] = value
                s[i * m + j] = slope
            }
        }
        return (h, s)
    }
}

extension AccountMarginMatrix {
    /// ``evaluate(prices:funding:columns:headroom:scale:)`` with the results path-major (column j's
    /// accounts contiguous, account i of column j at j·n + i), as the watch lists are built per
    /// path: H′ = [P − Φ ; P]ᵀ·[Q | −A]ᵀ + 1·cᵀ.
    public func evaluatePathMajor(prices: [Double], funding: [Double], columns m: Int,
                           headroom: UnsafeMutablePointer<Double>, scale: UnsafeMutablePointer<Double>) {
        let k = assets, n = accounts
        guard n > 0, m > 0 else { return }
        // [P − Φ ; P]ᵀ, m × 2K, and Pᵀ, m × K.
        var left = [Double](repeating: 0, count: m * 2 * k), pricesT = [Double](repeating: 0, count: m * k)
        for j in 0..<m {
            for a in 0..<k {
                left[j * 2 * k + a] = prices[a * m + j] - funding[a * m + j]
                left[j * 2 * k + k + a] = prices[a * m + j]
                pricesT[j * k + a] = prices[a * m + j]
            }
        }
        constants.withUnsafeBufferPointer { c in
            for j in 0..<m { (headroom + j * n).update(from: c.baseAddress!, count: n) }
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(2 * k),
                    1, left, Int32(2 * k), headroomCoefficients, Int32(2 * k), 1, headroom, Int32(n))
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, pricesT, Int32(k), scaleCoefficients, Int32(k), 0, scale, Int32(n))
    }
}
