/* Fixtures for tests/check-functions.py: macros defined inside functions.
 * expect: define inner
 * expect: define after_string
 * expect: define in_dead_branch
 */

#define FINE_HERE 1

static int inner(int x)
{
#define TWICE(v) ((v)*2)
    return TWICE(x) + FINE_HERE;
#undef TWICE
}

/* The "}" below must not end the function before the #define. */
static int after_string(const char *s)
{
    int n = s[0] == '}' || s[1] == "}"[0];
#define LOCAL 3
    return n + LOCAL;
}

static int in_dead_branch(int x)
{
#if 0
#define NEVER 1
#endif
    return x;
}

int fixture_define(void)
{
    return inner(1) + after_string("}}") + in_dead_branch(1);
}
