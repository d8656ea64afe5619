package io.mockstagram.pipeline.timeseries;

import java.sql.SQLException;

/**
 * A database operation on the time series failed. Unchecked, because callers (an updater
 * acknowledging messages) can do one thing only: not acknowledge, so the batch comes again.
 */
public final class TimeSeriesException extends RuntimeException {

    public TimeSeriesException(String message, SQLException cause) {
        super(message + ": " + cause.getMessage() + " (SQLSTATE " + cause.getSQLState() + ")", cause);
    }

    /** The SQLSTATE of the failure, as PostgreSQL reported it. */
    public String sqlState() {
        return ((SQLException) getCause()).getSQLState();
    }
}
