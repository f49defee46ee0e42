/* push-quiet.c — the pusher's message functions for its fuzz targets: every message is
 * formatted (so a bad format argument still shows under the sanitizers), none is printed. */
#include <stdarg.h>
#include <stdio.h>

#include "push.h"

static void format_only(const char *fmt, va_list ap)
{
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
}

void push_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_only(fmt, ap);
    va_end(ap);
}

void push_err(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    format_only(fmt, ap);
    va_end(ap);
}
