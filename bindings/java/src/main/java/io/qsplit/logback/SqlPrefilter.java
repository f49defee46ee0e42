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
 * <li>MyBatis needs {@code "Preparing: "} or {@code "Executing: "}, boundSql {@code "oundSql"},
 * datasource-proxy {@code "Time:"}, MyBatis-Plus's p6spy formatter {@code "Execute SQL"},
 * log4jdbc's timing {@code " msec}"}; every p6spy shape needs a {@code '|'} and, unless the
 * logger is {@code p6spy}, a message starting with a digit or {@code '#'}, or holding
 * {@code "connection"}; Hibernate's and log4jdbc's loggers, events without a logger and
 * messages opening with a blank (format_sql) always pass.
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
        // Loggers whose every message the core reads: Hibernate's, log4jdbc's; and events
        // without a logger (a framework's stdout line).
        if (lg.isEmpty() || lg.equals("SQL") || lg.endsWith(".SQL") || lg.endsWith("SQL_SLOW")
            || lg.endsWith("sqlonly") || lg.endsWith("sqltiming") || lg.endsWith("jdbc.audit")
            || lg.endsWith("log4jdbc.log4j2"))
            return true;
        char c = message.charAt(0);
        // format_sql's layout (a line break, an indented statement) from any logger
        if (c == '\n' || c == '\r' || c == ' ' || c == '\t')
            return true;
        if (message.contains("Preparing: ") || message.contains("Executing: ")
            || message.contains("oundSql") || message.contains("Time:")
            || message.contains("Execute SQL") || message.contains(" msec}"))
            return true;
        if (message.indexOf('|') < 0)
            return false;
        return (c >= '0' && c <= '9') || c == '#' || lg.equals("p6spy")
            || message.contains("connection");
    }
}
