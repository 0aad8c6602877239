import COpenBLAS
import Foundation

/// Dense linear algebra on row-major `[Double]` matrices through OpenBLAS (CBLAS and the Fortran
/// LAPACK symbols of Debian's libopenblas). Used for correlated innovations (Cholesky factor,
/// one `dgemm` per block of steps) and for exposure aggregation.
public enum DenseLinearAlgebra {
    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// The matrix is not positive definite: the leading minor of this order (1-based) is not
        /// positive.
        case notPositiveDefinite(order: Int)
        case invalidArgument(Int)

        public var description: String {
            switch self {
            case let .notPositiveDefinite(order): "not positive definite (leading minor of order \(order) is not positive)"
            case let .invalidArgument(i): "LAPACK rejected argument \(i)"
            }
        }
    }

    /// The lower-triangular Cholesky factor L of a symmetric positive-definite n×n matrix A
    /// (row-major), with A = L·Lᵀ; entries above the diagonal are zero.
    ///
    /// Calls LAPACK `dpotrf`. LAPACK is column-major, and a row-major matrix read column-major is
    /// its transpose, so the row-major lower factor is the column-major *upper* one: `uplo = "U"`.
    /// - Complexity: O(n³/3).
    public static func choleskyLower(_ matrix: [Double], order n: Int) throws(Failure) -> [Double] {
        precondition(matrix.count == n * n)
        var a = matrix
        var info: Int32 = 0
        var order = Int32(n), lda = Int32(n)
        "U".withCString { uplo in
            dpotrf_(uplo, &order, &a, &lda, &info)
        }
        if info > 0 { throw .notPositiveDefinite(order: Int(info)) }
        if info < 0 { throw .invalidArgument(Int(-info)) }
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) { a[i * n + j] = 0 }
        }
        return a
    }

    /// C = A·B for row-major A (m×k) and B (k×n), by `cblas_dgemm`.
    /// - Complexity: O(m·n·k).
    public static func multiply(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        precondition(a.count == m * k && b.count == k * n)
        var c = [Double](repeating: 0, count: m * n)
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
                    1, a, Int32(k), b, Int32(n), 0, &c, Int32(n))
        return c
    }

    /// Makes OpenBLAS single-threaded and stops its worker threads, unless `OPENBLAS_NUM_THREADS`
    /// is set (then the user's choice stands). Returns whether it changed anything.
    ///
    /// cascade parallelises over paths itself and calls OpenBLAS only for small matrices. But
    /// OpenBLAS starts one worker thread per core when the library loads, before `main`, and each
    /// busy-waits (`sched_yield`) for about 2²⁸ cycles (≈ 0.1 s) before it sleeps — on the cores
    /// that load the scenario: the synthetic population of 1,000,000 positions took 32–67 ms on 2
    /// cores instead of 32 ms. The command-line tool and the benchmarks call this first.
    @discardableResult
    public static func useSingleThreadedOpenBLAS() -> Bool {
        if let value = ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"], !value.isEmpty { return false }
        openblas_set_num_threads(1)
        _ = blas_thread_shutdown_()
        return true
    }
}
