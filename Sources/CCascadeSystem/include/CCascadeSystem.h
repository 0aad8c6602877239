#ifndef CASCADE_CCASCADESYSTEM_H
#define CASCADE_CCASCADESYSTEM_H

// System calls Swift cannot reach: glibc's variadic syscall() is not imported into Swift.

/// Atomically exchanges the directory entries `from` and `to` (both must exist, on one file
/// system): Linux's renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_EXCHANGE), or renamex_np with
/// RENAME_SWAP on Darwin. Returns 0, or -1 with errno set — EINVAL or ENOSYS where the file
/// system or kernel cannot exchange (the caller falls back to two renames).
int cascade_exchange_paths(const char *from, const char *to);

#endif
