package io.qsplit.logback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cheap test that an event certainly carries no SQL, so that such events skip the UTF-8
 * copy and the native call. It never decides that something IS SQL: when it answers true,
 * the C core decides.
 *
 * <p>It holds no rule of its own: the rules are the core's quick test
 * ({@code qs_config_quick_rule}), read once from the configuration when the appender starts
 * (the recognizers' needles, the configured loggers, the configured regexes' literal
 * starts). The core's unit test proves them a necessary condition of finding SQL. An event
 * passes when every term of one rule holds. The core's texts are UTF-8 without '?', so a
 * test on a Java String (where a lone surrogate becomes '?' in the core's bytes) answers as
 * the core's on bytes. Immutable: shared by all logging threads.
 */
final class SqlPrefilter {
    // The core's QS_QUICK_* (lib/include/qsplit.h).
    static final int ANY = 0;
    static final int NO_LOGGER = 1;
    static final int LOGGER_IS = 2;
    static final int LOGGER_STARTS = 3;
    static final int LOGGER_ENDS = 4;
    static final int MSG_HAS = 5;
    static final int MSG_FIRST = 6;

    /** rules[i] is the terms of rule i: tests[i][j] on texts[i][j]. */
    private final int[][] tests;
    private final String[][] texts;
    private final boolean passAll;

    /** From the core's encoding (SplitConfig.quickRules). */
    SqlPrefilter(byte[][] terms) {
        List<int[]> ts = new ArrayList<>();
        List<String[]> xs = new ArrayList<>();
        List<Integer> t = new ArrayList<>();
        List<String> x = new ArrayList<>();
        boolean all = false;
        for (byte[] term : terms) {
            int test = term[0];
            all |= test == ANY || test > MSG_FIRST; // unknown to this version: never filter
            t.add(test);
            x.add(new String(term, 2, term.length - 2, StandardCharsets.UTF_8));
            if (term[1] != 0) {
                ts.add(t.stream().mapToInt(Integer::intValue).toArray());
                xs.add(x.toArray(new String[0]));
                t.clear();
                x.clear();
            }
        }
        this.tests = ts.toArray(new int[0][]);
        this.texts = xs.toArray(new String[0][]);
        this.passAll = all;
    }

    /** False only when the core would certainly find no SQL in this event. */
    boolean mayCarrySql(String logger, String message) {
        if (passAll)
            return true;
        String lg = logger == null ? "" : logger;
        for (int i = 0; i < tests.length; i++) {
            if (holds(tests[i], texts[i], lg, message))
                return true;
        }
        return false;
    }

    private static boolean holds(int[] tests, String[] texts, String lg, String m) {
        for (int j = 0; j < tests.length; j++) {
            String s = texts[j];
            boolean ok;
            switch (tests[j]) {
            case NO_LOGGER:
                ok = lg.isEmpty();
                break;
            case LOGGER_IS:
                ok = lg.equals(s);
                break;
            case LOGGER_STARTS:
                ok = lg.startsWith(s);
                break;
            case LOGGER_ENDS:
                ok = lg.endsWith(s);
                break;
            case MSG_HAS:
                ok = s.length() == 1 ? m.indexOf(s.charAt(0)) >= 0 : m.contains(s);
                break;
            case MSG_FIRST:
                ok = !m.isEmpty() && s.indexOf(m.charAt(0)) >= 0;
                break;
            default:
                ok = true;
            }
            if (!ok)
                return false;
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < tests.length; i++)
            sb.append(Arrays.toString(tests[i])).append(Arrays.toString(texts[i])).append(' ');
        return sb.toString();
    }
}
