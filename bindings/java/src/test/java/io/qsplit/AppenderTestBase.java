package io.qsplit;

import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.status.Status;
import io.qsplit.logback.QuerySplitAppender;

/** A logger context with a QuerySplitAppender in front of a ListAppender. */
public abstract class AppenderTestBase {
    protected LoggerContext ctx;
    protected QuerySplitAppender app;
    protected ListAppender<ILoggingEvent> list;

    protected QuerySplitAppender newAppender(String queryLog) {
        ctx = new LoggerContext();
        list = new ListAppender<>();
        list.setContext(ctx);
        list.setName("LIST");
        list.start();
        app = new QuerySplitAppender();
        app.setContext(ctx);
        app.setName("SQL");
        app.setQueryLog(queryLog);
        app.addAppender(list);
        return app;
    }

    protected Logger logger(String name) {
        Logger l = ctx.getLogger(name);
        l.setLevel(Level.DEBUG);
        l.setAdditive(false);
        if (!l.isAttached(app))
            l.addAppender(app);
        return l;
    }

    protected LoggingEvent event(String logger, String msg, Throwable t, Object... args) {
        return new LoggingEvent("test", ctx.getLogger(logger), Level.DEBUG, msg, t, args);
    }

    protected List<String> errors() {
        return ctx.getStatusManager().getCopyOfStatusList().stream()
            .filter(s -> s.getLevel() == Status.ERROR).map(Status::getMessage)
            .collect(Collectors.toList());
    }

    /** The hash at the end of a console message, or null. */
    protected static String consoleHash(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern
            .compile("\"QHash\":\"([0-9a-f]{32})\"$").matcher(message);
        return m.find() ? m.group(1) : null;
    }
}
