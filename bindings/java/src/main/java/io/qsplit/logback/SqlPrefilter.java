package io.qsplit.logback;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A cheap test that an event certainly carries no SQL by the core's rules (lib/detect.c),
 * so that such events skip the UTF-8 copy and the native call. It never decides that
 * something IS SQL: when it answers true, the C core decides.
 *
 * <p>Each test is a necessary condition of one of the core's recognizers:
 * <ul>
 * <li>a configured SQL logger: the same exact/prefix match on the logger name;
 * <li>a literal marker: the message contains it (the marker's regex is that literal followed
 * by at least one character);
 * <li>any other configured regex: always passes (a regex may match anything);
 * <li>MyBatis needs {@code "Preparing: "}, boundSql needs {@code "oundSql"}, every p6spy shape
 * needs a {@code '|'} and, unless the logger is {@code p6spy}, a message starting with a
 * digit or {@code '#'}.
 * </ul>
 * The core matches UTF-8 bytes, where a lone surrogate of a Java string became '?'. None of
 * the built-in needles contain '?'; a configured logger or marker whose UTF-8 holds a '?'
 * makes the filter pass everything, so a byte match the string test would miss cannot
 * exist. Immutable: shared by all logging threads.
 */
final class SqlPrefilter {
    private final String[] exactLoggers;
    private final String[] prefixLoggers;
    private final String[] markers;
    private final boolean builtin;
    private final boolean passAll;

    SqlPrefilter(List<String> sqlLoggers, List<String> literalMarkers, boolean otherRegexes,
        boolean builtin) {
        List<String> exact = new ArrayList<>(), prefix = new ArrayList<>();
        boolean all = otherRegexes;
        for (String l : sqlLoggers) {
            all |= hasQuestionMarkInUtf8(l);
            if (l.endsWith("*"))
                prefix.add(l.substring(0, l.length() - 1));
            else
                exact.add(l);
        }
        for (String m : literalMarkers)
            all |= hasQuestionMarkInUtf8(m);
        this.exactLoggers = exact.toArray(new String[0]);
        this.prefixLoggers = prefix.toArray(new String[0]);
        this.markers = literalMarkers.toArray(new String[0]);
        this.builtin = builtin;
        this.passAll = all;
    }

    private static boolean hasQuestionMarkInUtf8(String s) {
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            if (b == '?')
                return true;
        }
        return false;
    }

    /** False only when the core would certainly find no SQL in this event. */
    boolean mayCarrySql(String logger, String message) {
        if (passAll)
            return true;
        String lg = logger == null ? "" : logger;
        for (String l : exactLoggers) {
            if (lg.equals(l))
                return true;
        }
        for (String p : prefixLoggers) {
            if (lg.startsWith(p))
                return true;
        }
        for (String m : markers) {
            if (message.contains(m))
                return true;
        }
        if (!builtin || message.isEmpty())
            return false;
        if (message.contains("Preparing: ") || message.contains("oundSql"))
            return true;
        if (message.indexOf('|') < 0)
            return false;
        char c = message.charAt(0);
        return (c >= '0' && c <= '9') || c == '#' || lg.equals("p6spy");
    }
}
