package io.mockstagram.local;

import java.util.HashSet;
import java.util.Set;

/**
 * Free loopback ports for the processes one launcher is about to start. A port is free only
 * until its taker binds it, and the kernel may offer it again before then; a pool never hands
 * out the same port twice, so the processes it numbers cannot collide.
 */
public final class PortPool {

    private final Set<Integer> given = new HashSet<>();

    public synchronized int next() {
        while (true) {
            int port = FreePorts.next();
            if (given.add(port)) {
                return port;
            }
        }
    }
}
