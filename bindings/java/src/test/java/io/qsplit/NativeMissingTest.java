package io.qsplit;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertTrue;

import org.junit.Test;

import ch.qos.logback.classic.spi.LoggingEvent;

/**
 * Run in its own JVM where no library can load: with -Dqsplit.native.path pointing nowhere,
 * or with -Dos.arch naming a CPU the jar has no library for (as on a riscv64 or s390x host).
 * The appender must report the failure once and forward every event unchanged.
 */
public class NativeMissingTest extends AppenderTestBase {
    @Test
    public void eventsPassUnchangedWithoutTheLibrary() throws Exception {
        String arch = NativeLoader.arch();
        assertTrue("run me with -Dqsplit.native.path=/nonexistent or -Dos.arch=riscv64",
            System.getProperty(NativeLoader.PATH_PROPERTY) != null
                || !(arch.equals("amd64") || arch.equals("aarch64")));
        assertFalse(NativeLoader.isAvailable());
        assertNotNull(NativeLoader.failure());
        if (System.getProperty(NativeLoader.PATH_PROPERTY) == null)
            assertTrue(NativeLoader.failure().getMessage(), NativeLoader.failure().getMessage()
                .contains("no resource /native/linux/" + arch + "/libqsplit_jni.so"));
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
