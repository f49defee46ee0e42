/* test-error.c — lib/error.c: errno's text is English whatever the application's locale,
 * and each thread gets its own (no strerror() buffer shared by all threads). */
#include <errno.h>
#include <locale.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "qstest.h"
#include "error.h"

static void check_text(int sys_errno, int code, const char *want)
{
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qsp_error_errno(&err, sys_errno, "open %s", "x.log"), code);
    CHECK_INT(err.code, code);
    CHECK_INT(err.sys_errno, sys_errno);
    CHECK_STR(err.text, want);
}

#define THREADS 4
#define ROUNDS 20000

static int wrong[THREADS];

/* Each thread asks for a number of its own, unknown to libc, and for a known one: a text
 * written into one buffer for all would show another thread's number. */
static void *hammer(void *arg)
{
    int t = (int)(size_t)arg;
    char want[64];
    snprintf(want, sizeof want, "w: Unknown error %d", 100000 + t);
    for (size_t i = 0; i < qst_light(ROUNDS); i++) {
        struct qs_error err = QS_ERROR_INIT;
        qsp_error_errno(&err, i % 2 ? 100000 + t : EACCES, "w");
        if (strcmp(err.text, i % 2 ? want : "w: Permission denied") != 0)
            wrong[t]++;
    }
    return NULL;
}

/* A locale whose libc messages are not English, or NULL: de_DE.UTF-8, compiled into a
 * temporary LOCPATH when the system has not generated it (Debian: locales, libc-l10n). */
static const char *german(char *dir, size_t cap)
{
    if (setlocale(LC_ALL, "de_DE.UTF-8"))
        return "de_DE.UTF-8";
    snprintf(dir, cap, "%s/qs-test-error-XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(dir))
        return NULL;
    char cmd[512];
    snprintf(cmd, sizeof cmd, "localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' >/dev/null 2>&1",
             dir);
    if (system(cmd) != 0)
        return NULL;
    setenv("LOCPATH", dir, 1);
    return setlocale(LC_ALL, "de_DE.UTF-8") ? "de_DE.UTF-8 (LOCPATH)" : NULL;
}

int main(void)
{
    check_text(ENOENT, QS_EIO, "open x.log: No such file or directory");
    check_text(ENOSPC, QS_ENOSPC, "open x.log: No space left on device");
    check_text(ENOMEM, QS_ENOMEM, "open x.log: Cannot allocate memory");
    check_text(99999, QS_EIO, "open x.log: Unknown error 99999");
    check_text(-5, QS_EIO, "open x.log: Unknown error -5");

    pthread_t th[THREADS];
    for (int t = 0; t < THREADS; t++)
        CHECK_INT(pthread_create(&th[t], NULL, hammer, (void *)(size_t)t), 0);
    for (int t = 0; t < THREADS; t++) {
        pthread_join(th[t], NULL);
        CHECK_INT(wrong[t], 0);
    }

    char dir[256] = "";
    const char *loc = german(dir, sizeof dir);
    if (loc && strcmp(strerror(ENOENT), "No such file or directory") != 0) {
        check_text(ENOENT, QS_EIO, "open x.log: No such file or directory");
        check_text(99999, QS_EIO, "open x.log: Unknown error 99999");
        fprintf(stderr, "under %s strerror says \"%s\"; the library's text stays English\n",
                loc, strerror(ENOENT));
    } else {
        fprintf(stderr, "locale part skipped: no de_DE.UTF-8 with German libc messages "
                        "(Debian packages locales and libc-l10n)\n");
    }
    if (dir[0]) {
        char cmd[300];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", dir);
    }
    return qst_done("test-error");
}
