#ifndef CASCADE_CCASCADESYSTEM_H
#define CASCADE_CCASCADESYSTEM_H

// System calls Swift cannot reach: glibc's variadic syscall() is not imported into Swift; and the
// compiler's CPU feature tests (__builtin_cpu_supports), which exist only in C.

/// Atomically exchanges the directory entries `from` and `to` (both must exist, on one file
/// system): Linux's renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE), or renamex_np with
/// RENAME_SWAP on Darwin. Returns 0, or -1 with errno set — EINVAL or ENOSYS where the file
/// system or kernel cannot exchange (the caller falls back to two renames).
int cascade_exchange_paths(const char *from, const char *to);

/// 1 if the CPU and the operating system support the AVX-512 subsets OpenBLAS's SkylakeX kernels
/// use (AVX512F, AVX512CD, AVX512DQ, AVX512BW and AVX512VL, with the OS saving their registers),
/// else 0 (always 0 off x86).
int cascade_cpu_supports_skylakex(void);

/// 1 if the CPU and the operating system support AVX2 and FMA, which OpenBLAS's Haswell kernels
/// use, else 0 (always 0 off x86).
int cascade_cpu_supports_haswell(void);

#endif
