package io.mockstagram.dashboard;

import io.vertx.core.http.HttpServerRequest;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * Decides whether a request may use the local cluster's controls. Only the dashboard's own
 * page may: the request must come from this machine, name the loopback address and port the
 * dashboard serves on as its {@code Host} (a DNS-rebinding page names its own), carry no
 * {@code Origin} but that same origin (a cross-site page carries its own), and send this
 * run's random token in {@value #TOKEN_HEADER}, a header no cross-site form can set and that
 * only a page of this origin can read.
 */
final class ControlGuard {

    static final String TOKEN_HEADER = "X-Mockstagram-Token";
    static final String LOOPBACK = "127.0.0.1";

    private final byte[] token;
    private final IntSupplier port;

    /** @param port the port the dashboard serves on; 0 (not serving yet) refuses everything */
    ControlGuard(String token, IntSupplier port) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.port = port;
    }

    /** A guard with a token of 256 random bits, new on every run. */
    static ControlGuard withRandomToken(IntSupplier port) {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return new ControlGuard(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes), port);
    }

    String token() {
        return new String(token, StandardCharsets.UTF_8);
    }

    String origin() {
        return "http://" + authority();
    }

    private String authority() {
        return LOOPBACK + ":" + port.getAsInt();
    }

    /** Why the page itself may not have come from here (reading the token); empty when it may. */
    Optional<String> refusePage(HttpServerRequest request) {
        if (!fromThisMachine(request)) {
            return Optional.of("cluster controls answer only on this machine");
        }
        if (port.getAsInt() == 0 || !authority().equals(request.getHeader("Host"))) {
            return Optional.of("cluster controls answer only at " + origin() + "/");
        }
        String origin = request.getHeader("Origin");
        if (origin != null && !origin.equals(origin())) {
            return Optional.of("cluster controls answer only to pages from " + origin());
        }
        return Optional.empty();
    }

    /** Why this control request is refused; empty when it may act. */
    Optional<String> refuseAction(HttpServerRequest request) {
        Optional<String> page = refusePage(request);
        if (page.isPresent()) {
            return page;
        }
        String sent = request.getHeader(TOKEN_HEADER);
        if (sent == null || !MessageDigest.isEqual(token, sent.getBytes(StandardCharsets.UTF_8))) {
            return Optional.of("cluster controls need this run's token in " + TOKEN_HEADER
                    + ", which the dashboard's own page sends");
        }
        return Optional.empty();
    }

    private static boolean fromThisMachine(HttpServerRequest request) {
        var address = request.remoteAddress();
        if (address == null || address.hostAddress() == null) {
            return false;
        }
        try {
            return InetAddress.getByName(address.hostAddress()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
