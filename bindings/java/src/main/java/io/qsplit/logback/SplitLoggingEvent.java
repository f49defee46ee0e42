package io.qsplit.logback;

import java.util.Map;

import org.slf4j.Marker;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;

/**
 * An event whose message was split: the message is the replacement (the marker kept, the
 * SQL replaced by {@code "QHash":"…"}), arguments are gone since the message is final, and
 * everything else (MDC, marker, throwable, thread, timestamp, logger, caller data) is the
 * original event's.
 */
public final class SplitLoggingEvent implements ILoggingEvent {
    private final ILoggingEvent original;
    private final String message;

    public SplitLoggingEvent(ILoggingEvent original, String message) {
        this.original = original;
        this.message = message;
    }

    /** The event as it was logged, SQL included. */
    public ILoggingEvent getOriginal() {
        return original;
    }

    @Override
    public String getMessage() {
        return message;
    }

    @Override
    public String getFormattedMessage() {
        return message;
    }

    @Override
    public Object[] getArgumentArray() {
        return null;
    }

    @Override
    public String getThreadName() {
        return original.getThreadName();
    }

    @Override
    public Level getLevel() {
        return original.getLevel();
    }

    @Override
    public String getLoggerName() {
        return original.getLoggerName();
    }

    @Override
    public LoggerContextVO getLoggerContextVO() {
        return original.getLoggerContextVO();
    }

    @Override
    public IThrowableProxy getThrowableProxy() {
        return original.getThrowableProxy();
    }

    @Override
    public StackTraceElement[] getCallerData() {
        return original.getCallerData();
    }

    @Override
    public boolean hasCallerData() {
        return original.hasCallerData();
    }

    @Override
    public Marker getMarker() {
        return original.getMarker();
    }

    @Override
    public Map<String, String> getMDCPropertyMap() {
        return original.getMDCPropertyMap();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Map<String, String> getMdc() {
        return original.getMdc();
    }

    @Override
    public long getTimeStamp() {
        return original.getTimeStamp();
    }

    @Override
    public void prepareForDeferredProcessing() {
        original.prepareForDeferredProcessing();
    }

    @Override
    public String toString() {
        return "[" + getLevel() + "] " + message;
    }
}
