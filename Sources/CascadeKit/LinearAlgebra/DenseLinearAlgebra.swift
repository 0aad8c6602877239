import COpenBLAS

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
}
