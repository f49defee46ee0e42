/* test-nocrypto.c — LD_PRELOADed into a JVM by the java suite's junit-native-no-libcrypto:
 * a host without libcrypto.so.3 and libcrypto.so.1.1 (dlopen of any libcrypto fails), so
 * the loader must report the library as not loaded and the appender forward events. */
#include <dlfcn.h>
#include <string.h>

void *dlopen(const char *file, int mode)
{
    static void *(*real)(const char *, int);
    if (file && strncmp(file, "libcrypto.so", 12) == 0)
        return NULL;
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "dlopen");
    return real ? real(file, mode) : NULL;
}
