#define _GNU_SOURCE
#include "CCascadeSystem.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#endif

int cascade_exchange_paths(const char *from, const char *to) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE);
#elif defined(__APPLE__)
    return renamex_np(from, to, RENAME_SWAP);
#else
    (void)from;
    (void)to;
    errno = ENOSYS;
    return -1;
#endif
}

// __builtin_cpu_supports reads cpuid once (libgcc or compiler-rt), and reports an AVX or AVX-512
// feature only where XGETBV says the OS saves its registers.
int cascade_cpu_supports_skylakex(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
        && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw")
        && __builtin_cpu_supports("avx512vl");
#else
    return 0;
#endif
}

int cascade_cpu_supports_haswell(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 0;
#endif
}
