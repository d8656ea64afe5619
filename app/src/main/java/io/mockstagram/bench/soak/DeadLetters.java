package io.mockstagram.bench.soak;

import io.mockstagram.config.Namespace;
import io.mockstagram.infra.Json;
import io.mockstagram.pipeline.DeadLetter;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamInfo;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The (pk, scheduled time) pairs given up on: those on the dead-letter stream, and those in a
 * {@code dead_letters} table should PostgreSQL have one (with a {@code scheduled_at} or a
 * {@code tick} column). Keys are {@link #key(int, long)}.
 */
final class DeadLetters {

    private DeadLetters() {
    }

    static String key(int pk, long scheduledAtMs) {
        return pk + "@" + scheduledAtMs;
    }

    static Set<String> load(String natsUrl, Namespace namespace, SoakDatabase database, Duration interval) throws Exception {
        Set<String> keys = new HashSet<>();
        fromStream(natsUrl, namespace, interval, keys);
        fromTable(database, interval, keys);
        return keys;
    }

    private static void fromStream(String natsUrl, Namespace namespace, Duration interval, Set<String> keys) throws Exception {
        try (var nats = Nats.connect(natsUrl)) {
            JetStreamManagement jsm = nats.jetStreamManagement();
            StreamInfo info;
            try {
                info = jsm.getStreamInfo(namespace.deadLetterStream());
            } catch (JetStreamApiException e) {
                return;
            }
            long first = info.getStreamState().getFirstSequence();
            long last = info.getStreamState().getLastSequence();
            for (long seq = Math.max(1, first); seq <= last && info.getStreamState().getMsgCount() > 0; seq++) {
                try {
                    MessageInfo message = jsm.getMessage(namespace.deadLetterStream(), seq);
                    DeadLetter dead = Json.read(message.getData(), DeadLetter.class);
                    keys.add(key(dead.pk(), dead.tick() * interval.toMillis()));
                } catch (JetStreamApiException e) {
                    // a gap in the sequence: nothing stored there
                }
            }
        }
    }

    private static void fromTable(SoakDatabase database, Duration interval, Set<String> keys) throws SQLException {
        try (Connection connection = database.open(); Statement statement = connection.createStatement()) {
            String column = null;
            try (ResultSet columns = statement.executeQuery("SELECT column_name FROM information_schema.columns "
                    + "WHERE table_schema = '" + database.schema() + "' AND table_name = 'dead_letters'")) {
                while (columns.next()) {
                    String name = columns.getString(1);
                    if (name.equals("scheduled_at") || (name.equals("tick") && column == null)) {
                        column = name;
                    }
                }
            }
            if (column == null) {
                return;
            }
            String time = column.equals("scheduled_at") ? "(extract(epoch FROM scheduled_at) * 1000)::bigint"
                    : "tick * " + interval.toMillis();
            try (ResultSet rows = statement.executeQuery("SELECT pk, " + time + " FROM " + database.table("dead_letters"))) {
                while (rows.next()) {
                    keys.add(key(rows.getInt(1), rows.getLong(2)));
                }
            }
        }
    }
}
