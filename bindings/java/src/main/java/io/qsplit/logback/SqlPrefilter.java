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

    // One-term rules grouped by test, so that an event costs what the hand-written copy
    // cost (a few compares on the logger, one on the first char, a scan per needle);
    // rules of several terms are tried term by term, cheap terms first as the core lists
    // them.
    private final boolean passAll;
    private final boolean noLogger;
    private final String[] loggerIs;
    private final String[] loggerStarts;
    private final String[] loggerEnds;
    private final String firstChars;
    private final String[] msgHas;
    /** The last char of each of loggerEnds: most loggers are ruled out by one compare. */
    private final char[] loggerEndsLast;
    /** firstChars as a table for ASCII first chars. */
    private final boolean[] firstAscii = new boolean[128];
    /** Rules of two terms (the core's QS_QUICK_MAX_TERMS): test1 && test2. */
    private final int[] test1;
    private final String[] text1;
    private final int[] test2;
    /** test1 as a table of ASCII first chars where it is MSG_FIRST (the cheap gate). */
    private final boolean[][] first1;
    private final String[] text2;

    /** From the core's encoding (SplitConfig.quickRules). */
    SqlPrefilter(byte[][] terms) {
        List<int[]> ts = new ArrayList<>();
        List<String[]> xs = new ArrayList<>();
        List<Integer> t = new ArrayList<>();
        List<String> x = new ArrayList<>();
        List<String> is = new ArrayList<>(), starts = new ArrayList<>(),
            ends = new ArrayList<>(), has = new ArrayList<>();
        StringBuilder first = new StringBuilder();
        boolean all = false, none = false;
        for (byte[] term : terms) {
            int test = term[0];
            all |= test == ANY || test > MSG_FIRST; // unknown to this version: never filter
            t.add(test);
            x.add(new String(term, 2, term.length - 2, StandardCharsets.UTF_8));
            if (term[1] == 0)
                continue;
            if (t.size() == 1) {
                String text = x.get(0);
                switch (test) {
                case NO_LOGGER:
                    none = true;
                    break;
                case LOGGER_IS:
                    is.add(text);
                    break;
                case LOGGER_STARTS:
                    starts.add(text);
                    break;
                case LOGGER_ENDS:
                    ends.add(text);
                    break;
                case MSG_HAS:
                    has.add(text);
                    break;
                case MSG_FIRST:
                    first.append(text);
                    break;
                default:
                    break;
                }
            } else {
                // More terms than this version knows of would be a core built against
                // another header: pass everything rather than guess.
                all |= t.size() > 2;
                ts.add(t.stream().mapToInt(Integer::intValue).toArray());
                xs.add(x.toArray(new String[0]));
            }
            t.clear();
            x.clear();
        }
        this.passAll = all;
        this.noLogger = none;
        this.loggerIs = is.toArray(new String[0]);
        this.loggerStarts = starts.toArray(new String[0]);
        this.loggerEnds = ends.toArray(new String[0]);
        this.msgHas = has.toArray(new String[0]);
        this.firstChars = first.toString();
        this.loggerEndsLast = new char[loggerEnds.length];
        for (int i = 0; i < loggerEnds.length; i++)
            loggerEndsLast[i] = loggerEnds[i].charAt(loggerEnds[i].length() - 1);
        for (int i = 0; i < firstChars.length(); i++) {
            if (firstChars.charAt(i) < 128)
                firstAscii[firstChars.charAt(i)] = true;
        }
        int n = ts.size();
        this.test1 = new int[n];
        this.text1 = new String[n];
        this.test2 = new int[n];
        this.text2 = new String[n];
        this.first1 = new boolean[n][];
        for (int i = 0; i < n; i++) {
            if (ts.get(i)[0] == MSG_FIRST) {
                first1[i] = new boolean[128];
                for (char c : xs.get(i)[0].toCharArray()) {
                    if (c < 128)
                        first1[i][c] = true;
                }
            }
            test1[i] = ts.get(i)[0];
            text1[i] = xs.get(i)[0];
            test2[i] = ts.get(i)[Math.min(1, ts.get(i).length - 1)];
            text2[i] = xs.get(i)[Math.min(1, xs.get(i).length - 1)];
        }
    }

    /** False only when the core would certainly find no SQL in this event. */
    boolean mayCarrySql(String logger, String message) {
        if (passAll)
            return true;
        String lg = logger == null ? "" : logger;
        if (lg.isEmpty()) {
            if (noLogger)
                return true;
        } else {
            for (String s : loggerIs) {
                if (lg.equals(s))
                    return true;
            }
            for (String s : loggerStarts) {
                if (lg.startsWith(s))
                    return true;
            }
            char last = lg.charAt(lg.length() - 1);
            for (int i = 0; i < loggerEnds.length; i++) {
                if (last == loggerEndsLast[i] && lg.endsWith(loggerEnds[i]))
                    return true;
            }
        }
        if (!message.isEmpty()) {
            char c = message.charAt(0);
            if (c < 128 ? firstAscii[c] : firstChars.indexOf(c) >= 0)
                return true;
        }
        char c0 = message.isEmpty() ? 0 : message.charAt(0);
        for (int i = 0; i < test1.length; i++) {
            boolean gate = first1[i] != null && c0 < 128 ? c0 != 0 && first1[i][c0]
                : holds(test1[i], text1[i], lg, message);
            if (gate && holds(test2[i], text2[i], lg, message))
                return true;
        }
        for (int i = 0; i < msgHas.length; i++) {
            if (message.contains(msgHas[i]))
                return true;
        }
        return false;
    }

    private static boolean holds(int test, String s, String lg, String m) {
        switch (test) {
        case NO_LOGGER:
            return lg.isEmpty();
        case LOGGER_IS:
            return lg.equals(s);
        case LOGGER_STARTS:
            return lg.startsWith(s);
        case LOGGER_ENDS:
            return lg.endsWith(s);
        case MSG_HAS:
            return s.length() == 1 ? m.indexOf(s.charAt(0)) >= 0 : m.contains(s);
        case MSG_FIRST:
            return !m.isEmpty() && s.indexOf(m.charAt(0)) >= 0;
        default:
            return true;
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("loggers ").append(Arrays.toString(loggerIs))
            .append(Arrays.toString(loggerStarts)).append(Arrays.toString(loggerEnds))
            .append(noLogger ? " or none" : "").append(", first [").append(firstChars)
            .append("], needles ").append(Arrays.toString(msgHas));
        for (int i = 0; i < test1.length; i++)
            sb.append(", ").append(test1[i]).append(text1[i]).append(" && ").append(test2[i])
                .append(text2[i]);
        return passAll ? "anything" : sb.toString();
    }
}
