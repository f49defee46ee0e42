package io.qsplit.logback;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The behaviour of a {@link SplitLoggingEvent} proxy: three methods answer from the split,
 * {@code getOriginal} returns the original, {@code toString}/{@code equals}/{@code hashCode}
 * are the proxy's own, and every other call is made on the original event with the same
 * arguments, so it returns (or throws) exactly what the original does. Methods are told
 * apart by name and arity: a method that logback adds later is delegated.
 */
final class SplitEventHandler implements InvocationHandler {
    private static final ClassLoader LOADER = SplitLoggingEvent.class.getClassLoader();
    private static final Class<?>[] INTERFACES = {SplitLoggingEvent.class};
    /**
     * The proxy class's constructor, looked up once: {@code Proxy.newProxyInstance} looks the
     * class up in its cache and calls the constructor reflectively on every event. Null when
     * the JVM refuses the lookup; newProxyInstance is then used.
     */
    private static final MethodHandle NEW_PROXY = proxyConstructor();

    private final ILoggingEvent original;
    private final String message;

    private SplitEventHandler(ILoggingEvent original, String message) {
        this.original = original;
        this.message = message;
    }

    static SplitLoggingEvent create(ILoggingEvent original, String message) {
        SplitEventHandler h = new SplitEventHandler(original, message);
        if (NEW_PROXY != null) {
            try {
                return (SplitLoggingEvent) NEW_PROXY.invokeExact((InvocationHandler) h);
            } catch (Throwable e) {
                // The constructor only stores h; newProxyInstance below says why if it fails.
            }
        }
        return (SplitLoggingEvent) Proxy.newProxyInstance(LOADER, INTERFACES, h);
    }

    private static MethodHandle proxyConstructor() {
        try {
            Object probe = Proxy.newProxyInstance(LOADER, INTERFACES,
                (p, m, a) -> null);
            return MethodHandles.lookup()
                .findConstructor(probe.getClass(),
                    MethodType.methodType(void.class, InvocationHandler.class))
                .asType(MethodType.methodType(SplitLoggingEvent.class, InvocationHandler.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        if (method.getParameterCount() == 0) {
            switch (method.getName()) {
            case "getMessage":
            case "getFormattedMessage":
                return message;
            case "getArgumentArray":
                return null;
            case "getOriginal":
                return original;
            case "toString":
                return "[" + original.getLevel() + "] " + message;
            case "hashCode":
                return System.identityHashCode(proxy);
            default:
                break;
            }
        } else if (method.getParameterCount() == 1 && method.getName().equals("equals")
            && method.getParameterTypes()[0] == Object.class) {
            return proxy == args[0];
        }
        try {
            return method.invoke(original, args);
        } catch (InvocationTargetException e) {
            throw e.getCause(); // what the original threw, as it threw it
        }
    }
}
