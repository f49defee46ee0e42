/* test-glibc-compat.c — glibc-compat.c's wrappers do what the calls they replace do: this
 * program is linked with the same -Wl,--wrap list as the JNI module, so every call below
 * goes to the old glibc version (on aarch64 too, under qemu). */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qstest.h"

static int once_runs;

static void once_init(void)
{
    once_runs++;
}

int main(void)
{
    /* stat and fstat through __xstat64/__fxstat64: a wrong version argument gives EINVAL. */
    char path[] = "/tmp/qsplit-compat-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK_INT(write(fd, "hello", 5), 5);
    struct stat by_path, by_fd;
    memset(&by_path, 0, sizeof by_path);
    memset(&by_fd, 0, sizeof by_fd);
    CHECK_INT(stat(path, &by_path), 0);
    CHECK_INT(fstat(fd, &by_fd), 0);
    CHECK_INT(by_path.st_size, 5);
    CHECK_INT(by_fd.st_size, 5);
    CHECK(by_path.st_ino == by_fd.st_ino && by_path.st_ino != 0);
    CHECK_INT(by_fd.st_nlink, 1);
    CHECK(S_ISREG(by_path.st_mode));
    unlink(path);
    CHECK_INT(fstat(fd, &by_fd), 0);
    CHECK_INT(by_fd.st_nlink, 0); /* querylog.c's test for a deleted query.log */
    CHECK_INT(stat(path, &by_path), -1);
    CHECK_INT(errno, ENOENT);
    close(fd);

    pthread_once_t once = PTHREAD_ONCE_INIT;
    CHECK_INT(pthread_once(&once, once_init), 0);
    CHECK_INT(pthread_once(&once, once_init), 0);
    CHECK_INT(once_runs, 1);

    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    CHECK_INT(pthread_mutex_trylock(&m), 0);
    CHECK_INT(pthread_mutex_trylock(&m), EBUSY);
    CHECK_INT(pthread_mutex_unlock(&m), 0);

    void *h = dlopen("libc.so.6", RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL);
    size_t (*len)(const char *) = NULL;
    if (h)
        *(void **)&len = dlsym(h, "strlen");
    CHECK(len != NULL && len("abc") == 3);
    CHECK(dlopen("libqsplit-no-such-library.so.0", RTLD_NOW) == NULL);
    const char *why = dlerror();
    CHECK(why != NULL && strstr(why, "libqsplit-no-such-library") != NULL);
    if (h)
        CHECK_INT(dlclose(h), 0);
    return qst_done("test-glibc-compat");
}
