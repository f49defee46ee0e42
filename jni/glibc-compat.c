/* glibc-compat.c — the JNI library asks only for symbol versions of glibc 2.17 or older.
 *
 * Debian's toolchain links against glibc 2.36, whose default versions of a few calls are
 * newer than the hosts the jar must load on (RHEL 7/8, Amazon Linux 2, Ubuntu 16.04+):
 * stat64/fstat64 became functions in 2.33, and 2.34 gave the calls that moved from
 * libpthread and libdl into libc a new version. The link wraps those calls
 * (-Wl,--wrap=NAME, jni/meson.build) in the core and PCRE2 alike, and each wrapper
 * calls the old version, which glibc 2.36 still exports for old binaries. The module
 * NEEDs libpthread.so.0 and libdl.so.2, where those versions live before 2.34.
 * tests: jni/check-portable.sh reads the versions of every library in the jar. */
#include <stddef.h>

#if defined(__x86_64__)
#define OLD "GLIBC_2.2.5" /* x86_64's first version */
#define STAT_VER 1        /* _STAT_VER_LINUX of x86_64's <bits/stat.h> before 2.33 */
#elif defined(__aarch64__)
#define OLD "GLIBC_2.17" /* aarch64's first version */
#define STAT_VER 0       /* the generic _STAT_VER */
#else
#error "glibc-compat.c knows x86_64 and aarch64; add this architecture's oldest version"
#endif

/* __wrap_NAME calls NAME@OLD; qsp_old_NAME is the assembler's alias for that reference. */
#define PIN(ret, name, params, args)                                                          \
    extern ret qsp_old_##name params;                                                         \
    __asm__(".symver qsp_old_" #name ", " #name "@" OLD);                                     \
    ret __wrap_##name params;                                                                 \
    ret __wrap_##name params                                                                  \
    {                                                                                         \
        return qsp_old_##name args;                                                           \
    }

/* Opaque here: the wrappers only pass the pointers on. */
struct stat64;

/* Before 2.33 stat and fstat were inline calls of __xstat64 and __fxstat64. */
extern int qsp_old___xstat64(int ver, const char *path, struct stat64 *buf);
extern int qsp_old___fxstat64(int ver, int fd, struct stat64 *buf);
__asm__(".symver qsp_old___xstat64, __xstat64@" OLD);
__asm__(".symver qsp_old___fxstat64, __fxstat64@" OLD);
int __wrap_stat64(const char *path, struct stat64 *buf);
int __wrap_fstat64(int fd, struct stat64 *buf);

int __wrap_stat64(const char *path, struct stat64 *buf)
{
    return qsp_old___xstat64(STAT_VER, path, buf);
}

int __wrap_fstat64(int fd, struct stat64 *buf)
{
    return qsp_old___fxstat64(STAT_VER, fd, buf);
}

PIN(int, pthread_mutex_trylock, (void *m), (m))
PIN(int, pthread_once, (void *once, void (*init)(void)), (once, init))
PIN(void *, dlopen, (const char *file, int mode), (file, mode))
PIN(void *, dlsym, (void *handle, const char *name), (handle, name))
PIN(char *, dlerror, (void), ())
PIN(int, dlclose, (void *handle), (handle))
