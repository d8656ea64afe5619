package io.mockstagram.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;

/** Where NATS is; credentials may ride in the URL, as in {@code nats://user:pass@host:4222}. */
public record NatsSettings(String url, String host, Setting setting) {

    public static final String DEFAULT_URL = "nats://localhost:4222";

    public static NatsSettings resolve(String flagValue, Map<String, String> env) {
        Setting setting = Setting.resolve(flagValue, "--nats-url", env, DEFAULT_URL, "NATS_URL");
        URI uri;
        try {
            uri = new URI(setting.value());
        } catch (URISyntaxException e) {
            throw setting.error("not a URL: " + e.getReason());
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("nats") || scheme.equals("tls") || scheme.equals("ws") || scheme.equals("wss"))) {
            throw setting.error("a NATS URL starts with nats://, tls://, ws:// or wss://, as in nats://localhost:4222");
        }
        if (uri.getHost() == null) {
            throw setting.error("the URL names no host");
        }
        return new NatsSettings(setting.value(), uri.getHost(), setting);
    }

    /** The URL without credentials, fit for logs. */
    public String redacted() {
        try {
            URI uri = new URI(url);
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "<unprintable>";
        }
    }
}
