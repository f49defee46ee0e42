/* nojit.c — preloaded by the 'valgrind' test setup: PCRE2's JIT compiler reports that it is
 * unavailable, so patterns run in PCRE2's interpreter, which the library already falls back
 * to. memcheck cannot follow JIT-generated code: its SIMD reads past a subject's end show as
 * "conditional jump depends on uninitialised value" in anonymous code with no stack to name
 * or suppress (PCRE2 documents this; its --enable-valgrind build is not Debian's). The JIT
 * path itself is covered by the ASan+UBSan run and the fuzzers. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

int pcre2_jit_compile(pcre2_code *code, uint32_t options)
{
    (void)code;
    (void)options;
    return PCRE2_ERROR_JIT_BADOPTION;
}
