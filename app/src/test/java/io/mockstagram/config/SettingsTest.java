package io.mockstagram.config;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void aFlagOverridesTheVariableWhichOverridesTheDefault() {
        Map<String, String> env = Map.of("NATS_URL", "nats://from-env:4222");

        assertThat(NatsSettings.resolve("nats://from-flag:4222", env).url()).isEqualTo("nats://from-flag:4222");
        assertThat(NatsSettings.resolve(null, env).url()).isEqualTo("nats://from-env:4222");
        assertThat(NatsSettings.resolve(null, Map.of()).url()).isEqualTo("nats://localhost:4222");
    }

    @Test
    void redisAcceptsTlsAndCredentialsInTheUrl() {
        var settings = RedisSettings.resolve(null, Map.of("REDIS_URL", "rediss://app:s3cret@cache.example:6380/2"));

        assertThat(settings.uri().isSsl()).isTrue();
        var credentials = settings.uri().getCredentialsProvider().resolveCredentials().block();
        assertThat(credentials.getUsername()).isEqualTo("app");
        assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
        assertThat(settings.uri().getDatabase()).isEqualTo(2);
        assertThat(settings.redacted()).isEqualTo("rediss://cache.example:6380/2").doesNotContain("s3cret");
    }

    @Test
    void theOriginalRedisHostVariableStillWorks() {
        var settings = RedisSettings.resolve(null, Map.of("REDIS_HOST", "redis-master"));

        assertThat(settings.uri().getHost()).isEqualTo("redis-master");
        assertThat(settings.uri().getPort()).isEqualTo(6379);
        assertThat(settings.setting().source()).isEqualTo("REDIS_HOST");
    }

    @Test
    void aMalformedRedisUrlIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> RedisSettings.resolve(null, Map.of("REDIS_URL", "localhost:6379")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("REDIS_URL='localhost:6379'")
                .hasMessageContaining("redis://");
        assertThatThrownBy(() -> RedisSettings.resolve("redis://:6379", Map.of()))
                .hasMessageStartingWith("--redis-url='redis://:6379'").hasMessageContaining("no host");
        assertThatThrownBy(() -> RedisSettings.resolve("redis://cache:port", Map.of()))
                .hasMessageContaining("no host, or its port is not a number");
        assertThatThrownBy(() -> RedisSettings.resolve("redis://cache:6379/zero", Map.of()))
                .hasMessageContaining("database");
    }

    @Test
    void aMalformedNatsUrlIsRejectedNamingTheVariable() {
        assertThatThrownBy(() -> NatsSettings.resolve(null, Map.of("NATS_URL", "http://nats:4222")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("NATS_URL='http://nats:4222'")
                .hasMessageContaining("nats://");
        assertThatThrownBy(() -> NatsSettings.resolve("nats://bad host:4222", Map.of()))
                .hasMessageStartingWith("--nats-url");
    }

    @Test
    void theNamespaceMustBeUsableAsKeyPrefixSubjectAndStreamName() {
        assertThat(Namespace.resolve(null, Map.of()).name()).isEqualTo("mockstagram");
        assertThat(Namespace.resolve(null, Map.of("MOCKSTAGRAM_NAMESPACE", "team-a_1")).eventsStream())
                .isEqualTo("team-a_1_EVENTS");
        assertThatThrownBy(() -> Namespace.resolve(null, Map.of("MOCKSTAGRAM_NAMESPACE", "a.b")))
                .hasMessageStartingWith("MOCKSTAGRAM_NAMESPACE='a.b'");
    }

    @Test
    void durationsAreWrittenWithAUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("500ms, 5s or 2m");
        assertThatThrownBy(() -> Setting.resolve(null, "--interval", Map.of("X", "soon"), "1m", "X")
                .as(Durations::parse, "a duration")).hasMessageStartingWith("X='soon' is not a duration");
    }
}
