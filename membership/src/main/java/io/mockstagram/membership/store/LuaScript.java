package io.mockstagram.membership.store;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisAsyncCommands;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A Lua script run by its SHA-1, loaded on first use and again after Redis forgets it
 * (a restart or SCRIPT FLUSH).
 */
public final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
    }

    /** Loads resources next to {@code anchor} and joins them into one script, in order. */
    public static LuaScript fromResources(Class<?> anchor, String... resources) {
        var source = new StringBuilder();
        for (String resource : resources) {
            try (InputStream in = anchor.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("missing script resource " + resource + " next to " + anchor.getName());
                }
                source.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new LuaScript(resources[resources.length - 1], source.toString());
    }

    public <T> CompletionStage<T> run(RedisAsyncCommands<String, String> redis, ScriptOutputType type,
                                      List<String> keys, String... args) {
        String[] keyArray = keys.toArray(String[]::new);
        CompletionStage<T> bySha = redis.evalsha(sha, type, keyArray, args);
        return bySha.exceptionallyCompose(failure -> isNoScript(failure)
                ? redis.<T>eval(source, type, keyArray, args)
                : CompletableFuture.<T>failedStage(failure));
    }

    /** Loads the script into Redis ahead of its first use. */
    public CompletionStage<String> load(RedisAsyncCommands<String, String> redis) {
        return redis.scriptLoad(source);
    }

    private static boolean isNoScript(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof RedisNoScriptException) {
                return true;
            }
        }
        return false;
    }

    private static String sha1(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM provides SHA-1", e);
        }
    }

    @Override
    public String toString() {
        return "LuaScript[" + name + "]";
    }
}
