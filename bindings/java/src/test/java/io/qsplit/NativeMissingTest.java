package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import org.junit.Test;

import ch.qos.logback.classic.spi.LoggingEvent;

/**
 * Run in its own JVM where no library can load, -Dqsplit.test.missing saying why:
 * {@code property} (-Dqsplit.native.path points nowhere), {@code arch} (-Dos.arch names a CPU
 * the jar has no library for, as on a riscv64 or s390x host) or {@code libcrypto} (the host
 * has neither libcrypto.so.3 nor .so.1.1). The appender must report the failure once and
 * forward every event unchanged.
 */
public class NativeMissingTest extends AppenderTestBase {
    @Test
    public void eventsPassUnchangedWithoutTheLibrary() throws Exception {
        String why = System.getProperty("qsplit.test.missing");
        assertNotNull("run me with -Dqsplit.test.missing=property|arch|libcrypto", why);
        assertFalse(NativeLoader.isAvailable());
        assertNotNull(NativeLoader.failure());
        String failure = NativeLoader.failure().getMessage();
        if (why.equals("property"))
            assertNotNull(System.getProperty(NativeLoader.PATH_PROPERTY));
        else if (why.equals("arch"))
            assertTrue(failure, failure.contains(
                "no resource /native/linux/" + NativeLoader.arch() + "/libqsplit_jni.so"));
        else if (why.equals("libcrypto"))
            assertTrue(failure, failure.contains("loaded, but MD5 is not available")
                && failure.contains("libcrypto.so.3") && failure.contains("libcrypto.so.1.1"));
        else
            fail("unknown qsplit.test.missing: " + why);
        newAppender(TestSupport.tempDir("missing").resolve("query.log").toString()).start();
        assertTrue(app.isStarted());
        assertEquals(errors().toString(), 1,
            errors().stream().filter(m -> m.contains("native library")).count());
        logger(AppenderTest.MAPPER);
        for (int i = 0; i < 10; i++) {
            LoggingEvent ev = event(AppenderTest.MAPPER, "==>  Preparing: SELECT " + i, null);
            app.doAppend(ev);
            assertSame(ev, list.list.get(i));
        }
        assertEquals(10, list.list.size());
        assertEquals("reported once, not per event", 1,
            errors().stream().filter(m -> m.contains("native library")).count());
        ctx.stop();
    }
}
