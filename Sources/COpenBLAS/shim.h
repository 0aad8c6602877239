#ifndef CASCADE_COPENBLAS_SHIM_H
#define CASCADE_COPENBLAS_SHIM_H

// CBLAS from Debian's libopenblas-dev (found through pkg-config `openblas`).
#include <cblas.h>

// Debian's OpenBLAS ships no lapacke.h, but libopenblas.so exports the Fortran LAPACK
// symbols. Declare the few cascade uses. Fortran passes everything by reference and
// matrices are column-major: a row-major lower Cholesky factor is the column-major
// upper one, so callers pass uplo = "U" for it.

/// Cholesky factorisation of a symmetric positive-definite matrix (LAPACK dpotrf).
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);

/// Stops OpenBLAS's worker threads (they are started again if a later call wants more than one
/// thread). Exported by libopenblas.so (its fork handler uses it); declared in no public header.
int blas_thread_shutdown_(void);

#endif
