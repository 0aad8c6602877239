#ifndef CASCADE_CVECTORMATH_H
#define CASCADE_CVECTORMATH_H

// Vector operations Swift cannot yet express as single instructions. Swift's squareRoot() on
// Linux lowers to a scalar sqrt with a libm fallback for errno, so it never vectorises;
// clang's element-wise builtin is IEEE sqrt on every lane (correctly rounded, deterministic).
// `double4` is imported into Swift as SIMD4<Double>.

typedef double cascade_double4 __attribute__((ext_vector_type(4)));

/// √x on four lanes (one vsqrtpd with AVX, two sqrtpd otherwise).
static inline __attribute__((always_inline)) cascade_double4 cascade_sqrt4(cascade_double4 x) {
    return __builtin_elementwise_sqrt(x);
}

/// Asks the cache for the line holding `address` without waiting for it (a hint: no effect on
/// results). Swift has no prefetch of its own.
static inline __attribute__((always_inline)) void cascade_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

typedef int cascade_int4 __attribute__((ext_vector_type(4)));

/// The ceiling of each lane as a 32-bit integer, for integral-valued results below 2³¹ in
/// magnitude (the caller clamps). With SSE4.1 (or on ARM) one rounding and one conversion
/// instruction; on baseline x86-64 through the bit pattern of x + 1.5·2⁵² (exact as well).
static inline __attribute__((always_inline)) cascade_int4 cascade_ceil_int4(cascade_double4 x) {
#if defined(__SSE4_1__) || defined(__aarch64__)
    return __builtin_convertvector(__builtin_elementwise_ceil(x), cascade_int4);
#else
    const cascade_double4 magic = 6755399441055744.0;
    cascade_double4 r = (x + magic) - magic;
    r = r < x ? r + 1 : r;
    return __builtin_convertvector(r, cascade_int4);
#endif
}

#endif
